/** Contract §1: every command has --help with an example (exit 0), --version, and exit 2 on usage errors. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, runBin } from './helpers.js';

const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string; bin: Record<string, string> };

describe('every command', () => {
  it('has a package.json bin entry for every file in bin/', async () => {
    const { readdirSync } = await import('node:fs');
    expect(Object.keys(pkg.bin).sort()).toEqual(readdirSync(path.join(repoRoot, 'bin')).sort());
  });

  for (const command of Object.keys(pkg.bin).sort()) {
    it(`${command}: --help, --version, unknown option`, async () => {
      const help = await runBin(command, ['--help']);
      expect(help.code).toBe(0);
      expect(help.stdout).toMatch(/Usage: /);
      expect(help.stdout).toMatch(new RegExp(`Examples?:[\\s\\S]*${command}`));
      const version = await runBin(command, ['--version']);
      expect(version.code).toBe(0);
      expect(version.stdout.trim()).toBe(pkg.version);
      const bogus = await runBin(command, ['--no-such-option']);
      expect(bogus.code).toBe(2);
      expect(bogus.stderr).toMatch(/unknown option/);
      expect(bogus.stderr).not.toMatch(/\n\s+at /);
    });
  }

  it('refuses --output-xml together with --output-json', async () => {
    const result = await runBin('dydisnix-gendist', ['-s', 'fixtures/example/services.json', '-i', 'fixtures/example/infrastructure.json', '--output-xml', '--output-json']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/exclude each other/);
  });
});
