/** The README's tour must stay true: every ./bin command in it runs and succeeds. */
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, tempDir } from './helpers.js';

async function tourCommands(): Promise<string[]> {
  const readme = await fs.readFile(path.join(repoRoot, 'README.md'), 'utf8');
  const block = /```sh\nE=fixtures\/example\n([\s\S]*?)```/.exec(readme);
  if (!block) throw new Error('README has no tour block starting with E=fixtures/example');
  const joined = block[1]!.replace(/\\\n\s*/g, '');
  return joined.split('\n').filter((line) => line.startsWith('./bin/') || line.startsWith('cp '));
}

describe('README tour', () => {
  it('every command succeeds', async () => {
    const commands = await tourCommands();
    expect(commands.length).toBeGreaterThan(8);
    const tmp = await tempDir('dydisnix-readme-');
    // The tour writes to /tmp; keep the test's files in its own folder instead.
    const script = ['set -euo pipefail', 'E=fixtures/example', ...commands.map((c) => c.replaceAll('/tmp/', `${tmp}/`))].join('\n');
    const result = await new Promise<{ code: number; stderr: string }>((resolve) => {
      execFile('bash', ['-c', script], { cwd: repoRoot, maxBuffer: 1 << 26 }, (error, _stdout, stderr) => resolve({ code: error ? 1 : 0, stderr }));
    });
    expect(result.stderr.split('\n').filter((l) => /error|Error/.test(l))).toEqual([]);
    expect(result.code).toBe(0);
    await expect(fs.stat(path.join(tmp, 'catalogue', 'index.html'))).resolves.toBeTruthy();
  });
});
