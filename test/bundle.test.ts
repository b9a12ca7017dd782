/** The bundled commands (scripts/build.mjs, docs/ARCHITECTURE.md "Bundled commands"). */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, runBin } from './helpers.js';

const bins = readdirSync(path.join(repoRoot, 'bin'));

describe('bundled commands', () => {
  it('every bin shim has its one-file bundle, and no bundle contains zod (it loads only on the error path)', () => {
    for (const bin of bins) {
      const shim = readFileSync(path.join(repoRoot, 'bin', bin), 'utf8');
      const bundle = /'\.\.\/(dist\/src\/cli\/[\w-]+\.js)'/.exec(shim)?.[1];
      expect(bundle, bin).toBeDefined();
      const code = readFileSync(path.join(repoRoot, bundle!), 'utf8');
      expect(code, bin).not.toContain('node_modules/zod');
    }
  });

  it('the error path still explains a bad document with zod', async () => {
    const result = await runBin('dydisnix-xml', ['-i', '-', '--output-json'], { input: '{"t1":{"numOfCores":"two"}}' });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('dydisnix-xml: -: infrastructure.t1.numOfCores: expected a number, got string "two"\n');
  });
});
