import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic } from './atomic.js';

describe('writeFileAtomic', () => {
  it('replaces the file, keeps its permissions and leaves no temp file', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dydisnix-atomic-'));
    const file = path.join(dir, 'ids.nix');
    await fs.writeFile(file, 'old\n', { mode: 0o640 });
    await fs.chmod(file, 0o640);
    await writeFileAtomic(file, 'new\n');
    expect(await fs.readFile(file, 'utf8')).toBe('new\n');
    expect((await fs.stat(file)).mode & 0o777).toBe(0o640);
    expect(await fs.readdir(dir)).toEqual(['ids.nix']);
  });

  it('writes through a symlink, keeping the link', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dydisnix-atomic-'));
    await fs.mkdir(path.join(dir, 'repo'));
    const real = path.join(dir, 'repo', 'ids.nix');
    await fs.writeFile(real, 'old\n');
    const link = path.join(dir, 'ids.nix');
    await fs.symlink(real, link);
    await writeFileAtomic(link, 'new\n');
    expect((await fs.lstat(link)).isSymbolicLink()).toBe(true);
    expect(await fs.readFile(real, 'utf8')).toBe('new\n');
    expect((await fs.readdir(path.join(dir, 'repo'))).sort()).toEqual(['ids.nix']);
  });

  it('a failed write leaves the old file byte-identical', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dydisnix-atomic-'));
    const file = path.join(dir, 'ids.nix');
    await fs.writeFile(file, 'precious\n');
    // Writing into a directory that cannot hold the temp file fails before the rename.
    // The message names the file asked for, not the temp file beside it.
    const target = path.join(dir, 'missing-dir', 'x');
    await expect(writeFileAtomic(target, 'y')).rejects.toThrow(`cannot write ${target}: a folder on the way does not exist`);
    // A content value that cannot be written fails too, and the original stays.
    await expect(writeFileAtomic(file, { bogus: true } as unknown as string)).rejects.toThrow();
    expect(await fs.readFile(file, 'utf8')).toBe('precious\n');
    expect(await fs.readdir(dir)).toEqual(['ids.nix']);
  });
});
