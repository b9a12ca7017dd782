/**
 * The exit-status contract (README "Commands"): 0 done, 1 the job cannot be done, 2 invalid model
 * or usage, and never an internal error. Every command is walked with hostile input (docs/limits.md).
 */
import { execFileSync } from 'node:child_process';
import { promises as fs, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, repoRoot, runBin, tempDir } from './helpers.js';

const E = (name: string) => fixture('example', name);
const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { bin: Record<string, string> };

let dir: string;
const at = (name: string) => path.join(dir, name);

beforeAll(async () => {
  dir = await tempDir('dydisnix-exit-');
  // 100,000 levels: a stack overflow before the depth limit.
  const deep = `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`;
  const services = JSON.parse(await fs.readFile(E('services.json'), 'utf8')) as Record<string, unknown>;
  await fs.writeFile(at('deep.json'), JSON.stringify(services).replace(/^\{"db":\{/, `{"db":{"deep":${deep},`));
  const infrastructure = await fs.readFile(E('infrastructure.json'), 'utf8');
  await fs.writeFile(at('deep-infra.json'), infrastructure.replace(/^\{\s*"test1": \{/, `{"test1":{"deep":${deep},`));
  await fs.writeFile(at('typo.xml'), '<services>\n  <servce name="web"/>\n</services>\n');
  await fs.writeFile(at('proto.json'), '{"__proto__": {"name": "x", "type": "process", "pkg": "p"}}');
  await fs.writeFile(at('negative.json'), '{"ports": {"min": -10, "max": 10}}');
  await fs.writeFile(at('empty.mjs'), '');
  await fs.writeFile(at('getter.mjs'), 'export default { web: { name: "web", get type() { throw new Error("boom"); } } };\n');
  await fs.writeFile(at('a-file'), 'x');
  await fs.writeFile(at('processes.json'), `{"p": {"pkg": "/bin", "type": "process", "deep": ${deep}}}`);
  execFileSync('mkfifo', [at('fifo')]);
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

/** [command, arguments, expected status, text stderr must contain]. */
const CASES: [string, () => string[], number, string][] = [
  ['dydisnix-xml', () => ['-s', at('deep.json')], 2, 'deep.json: services.db.deep.a.a'],
  ['dydisnix-xml', () => ['-s', at('fifo')], 2, 'fifo: cannot read: not a regular file (a FIFO)'],
  ['dydisnix-xml', () => ['-s', at('typo.xml')], 2, 'typo.xml: services: unknown element <servce> at line 2'],
  ['dydisnix-xml', () => ['-s', at('proto.json')], 2, 'proto.json: services: the name "__proto__" is not allowed'],
  ['dydisnix-xml', () => ['-s', at('empty.mjs')], 2, 'empty.mjs: a JS model must have a default export'],
  ['dydisnix-xml', () => ['-s', at('getter.mjs')], 2, "getter.mjs: services.web.type: the module's default export could not be read: boom"],
  ['dydisnix-xml', () => ['-s', E('services.nix'), '--extra-params', '{ a = '], 2, '--extra-params: syntax error'],
  ['dydisnix-gendist', () => ['-s', at('deep.json'), '-i', E('infrastructure.json'), '-q', E('qos.json')], 2, 'deep.json: services.db.deep'],
  ['dydisnix-id-assign', () => ['-s', E('services.json'), '--id-resources', at('negative.json')], 2, 'negative.json: idresources.ports.min: must not be negative'],
  ['dydisnix-id-assign', () => ['-s', at('deep.json'), '--id-resources', E('idresources.json')], 2, 'deep.json: services.db.deep'],
  ['dydisnix-visualize', () => ['-s', at('deep.json'), '-i', E('infrastructure.json'), '-d', E('distribution.json')], 2, 'deep.json: services.db.deep'],
  ['dydisnix-visualize-infra', () => ['-i', at('deep-infra.json')], 2, 'deep-infra.json: infrastructure.test1.deep'],
  ['dydisnix-visualize-services', () => ['-s', at('deep.json')], 2, 'deep.json: services.db.deep'],
  ['dydisnix-document-services', () => ['-s', at('deep.json')], 2, 'deep.json: services.db.deep'],
  ['dydisnix-generate-services-docs', () => ['-s', E('services.json'), '--output-dir', at('a-file')], 2, 'a-file: a file is in the way'],
  ['dydisnix-minsetcover', () => ['-s', at('deep.json'), '-i', E('infrastructure.json'), '-d', E('distribution.json'), '--target-property', 'cost'], 2, 'deep.json'],
  ['dydisnix-multiwaycut', () => ['-s', at('deep.json'), '-i', E('infrastructure.json'), '-d', E('distribution.json')], 2, 'deep.json'],
  ['dydisnix-graphcol', () => ['-s', at('deep.json'), '-i', E('infrastructure.json')], 2, 'deep.json'],
  ['dydisnix-divide', () => ['--strategy', 'greedy', '-s', at('deep.json'), '-i', E('infrastructure.json'), '-d', E('distribution.json'), '--service-property', 'requireMem', '--target-property', 'mem'], 2, 'deep.json'],
  ['dydisnix-augment-infra', () => ['-i', at('deep-infra.json'), '-a', fixture('gendist', 'augment.json')], 2, 'deep-infra.json'],
  ['dydisnix-env', () => ['-s', at('deep.json'), '-i', E('infrastructure.json'), '-q', E('qos.json'), '--dry-run', '--state-dir', at('state')], 2, 'deep.json'],
  ['dydisnix-self-adapt', () => ['-s', at('deep.json'), '-i', E('infrastructure.json'), '-q', E('qos.json'), '--max-rounds', '1', '--state-dir', at('state')], 2, 'deep.json'],
  ['dydisnix-processes-switch', () => ['--dry-run', '--state-dir', at('state'), at('processes.json')], 2, 'processes.json'],
  ['dydisnix-previous-distribution', () => [at('fifo')], 2, 'fifo: cannot read: not a regular file'],
  ['dydisnix-query', () => ['--state-dir', at('a-file')], 2, 'a-file/default/manifest.json: cannot read the deployment state: a part of this path is not a folder'],
  ['dydisnix-logs', () => ['web', '--state-dir', at('a-file')], 2, 'a-file/default/manifest.json: cannot read the deployment state'],
  ['dydisnix-dysnomia', () => ['--type', 'no-such-module', '--operation', 'activate', '--component', dir, '--environment'], 1, 'no-such-module'],
];

describe('exit statuses of every command under hostile input', () => {
  it('covers every command', () => {
    expect(new Set(CASES.map(([command]) => command))).toEqual(new Set(Object.keys(pkg.bin)));
  });

  for (const [command, args, status, message] of CASES) {
    it(`${command} ${status}: ${message}`, async () => {
      const result = await runBin(command, args());
      expect(result.stderr).not.toContain('internal error');
      expect(result.stderr).toContain(message);
      expect(result.code).toBe(status);
    });
  }
});
