/** Misspelt model keys from the command line: a warning naming the path and the nearest key, an error with --strict. */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runBin, writeTree } from './helpers.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await fs.rm(dir, { recursive: true, force: true });
});

const services = JSON.stringify({ web: { type: 'process', pkg: 'web', dependson: ['db'] }, db: { type: 'process', pkg: 'db' } });

describe('unknown keys in models', () => {
  it('services: a warning by default, exit 2 with --strict', async () => {
    const dir = await writeTree({ 'services.json': services });
    dirs.push(dir);
    const file = path.join(dir, 'services.json');
    const lenient = await runBin('dydisnix-visualize-services', ['-s', file]);
    expect(lenient.code, lenient.stderr).toBe(0);
    expect(lenient.stderr).toBe(`warning: ${file}: services.web.dependson: unknown key "dependson"; did you mean dependsOn?\n`);
    const strict = await runBin('dydisnix-visualize-services', ['--strict', '-s', file]);
    expect(strict.code).toBe(2);
    expect(strict.stdout).toBe('');
    expect(strict.stderr).toContain('services.web.dependson: unknown key "dependson"; did you mean dependsOn? (--strict)');
  });

  it('processes models of dydisnix-processes-switch, checked before anything runs', async () => {
    const dir = await writeTree({ 'processes.json': JSON.stringify({ web: { pkg: 'web', dependencie: ['db'] }, db: { pkg: 'db' } }), 'web/bin/web': '', 'db/bin/db': '' });
    dirs.push(dir);
    const args = ['--state-dir', path.join(dir, 'state'), '--dry-run', path.join(dir, 'processes.json')];
    const lenient = await runBin('dydisnix-processes-switch', args);
    expect(lenient.code, lenient.stderr).toBe(0);
    expect(lenient.stderr).toContain('processes.web.dependencie: unknown key "dependencie"; did you mean dependencies?');
    const strict = await runBin('dydisnix-processes-switch', ['--strict', ...args]);
    expect(strict.code).toBe(2);
    expect(strict.stderr).toContain('(--strict)');
  });
});
