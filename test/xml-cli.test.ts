/**
 * dydisnix-xml end to end: every fixture model converts between every form, round trips are
 * lossless, and every kind of bad input exits 2 naming the file and the model path.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixture, runBin, writeTree } from './helpers.js';

const example = (file: string) => fixture('example', file);

const KINDS = [
  { kind: 'services', flag: ['-s'], base: 'services' },
  { kind: 'infrastructure', flag: ['-i'], base: 'infrastructure' },
  { kind: 'distribution', flag: ['-i', example('infrastructure.json'), '-d'], base: 'distribution' },
  { kind: 'idresources', flag: ['--id-resources'], base: 'idresources' },
  { kind: 'ids', flag: ['--ids'], base: 'ids' },
  { kind: 'docs', flag: ['--docs'], base: 'docs' },
] as const;

async function convert(flag: readonly string[], file: string, output: string[] = ['--output-json']): Promise<string> {
  const result = await runBin('dydisnix-xml', [...flag, file, ...output]);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return result.stdout;
}

/** pkg is a build function in the Nix form and is never forced, so it is absent there. */
function withoutPkg(json: string): unknown {
  const value = JSON.parse(json) as Record<string, Record<string, unknown>>;
  for (const service of Object.values(value)) delete service.pkg;
  return value;
}

describe('dydisnix-xml converts every fixture form', () => {
  for (const { kind, flag, base } of KINDS) {
    it(`${kind}: JSON, XML and Nix forms describe the same model`, async () => {
      const fromJson = await convert(flag, example(`${base}.json`));
      const fromXml = await convert(flag, example(`${base}.xml`));
      const fromNix = await convert(flag, example(`${base}.nix`));
      expect(fromXml).toBe(fromJson);
      if (kind === 'services') expect(withoutPkg(fromNix)).toEqual(withoutPkg(fromJson));
      else expect(fromNix).toBe(fromJson);
    });

    it(`${kind}: XML -> JSON -> XML and JSON -> Nix -> JSON round trips are lossless`, async () => {
      const xml = await convert(flag, example(`${base}.json`), []);
      expect(xml.startsWith('<?xml version="1.0"?>\n')).toBe(true);
      expect(xml.endsWith('\n')).toBe(true);
      const dir = await writeTree({ [`m.xml`]: xml });
      const json = await convert(flag, path.join(dir, 'm.xml'));
      await fs.writeFile(path.join(dir, 'm.json'), json);
      expect(await convert(flag, path.join(dir, 'm.json'), [])).toBe(xml);
      const nix = await convert(flag, path.join(dir, 'm.json'), ['--output-nix']);
      await fs.writeFile(path.join(dir, 'm.nix'), nix);
      const back = await convert(flag, path.join(dir, 'm.nix'));
      if (kind === 'services') expect(withoutPkg(back)).toEqual(withoutPkg(json));
      else expect(back).toBe(json);
    });
  }

  it('output is byte-identical across runs and independent of input key order', async () => {
    const a = await writeTree({ 's.json': JSON.stringify({ b: { type: 't', dependsOn: ['a'] }, a: { type: 't' } }) });
    const b = await writeTree({ 's.json': JSON.stringify({ a: { type: 't' }, b: { dependsOn: ['a'], type: 't' } }) });
    const first = await convert(['-s'], path.join(a, 's.json'), []);
    expect(await convert(['-s'], path.join(b, 's.json'), [])).toBe(first);
    expect(await convert(['-s'], path.join(a, 's.json'), [])).toBe(first);
  });

  it('passes --extra-params (Nix literal or JSON) to JS model functions', async () => {
    const dir = await writeTree({ 's.mjs': 'export default ({ greeting, system }) => ({ web: { type: "process", description: `${greeting} on ${typeof system}` } });' });
    for (const params of ['{ greeting = "hi"; }', '{"greeting": "hi"}']) {
      const out = JSON.parse(await convert(['-s'], path.join(dir, 's.mjs'), ['--output-json', '--extra-params', params]));
      expect(out.web.description).toBe('hi on string');
    }
    const bad = await runBin('dydisnix-xml', ['-s', path.join(dir, 's.mjs'), '--extra-params', '{ greeting = ; }']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^dydisnix-xml: --extra-params: syntax error/);
  });

  it('resolves copies of target objects in JS distributions through the target property', async () => {
    const infrastructure = {
      t1: { properties: { hostname: 'h' }, containers: { process: {} } },
      t2: { properties: { hostname: 'h' } },
      t3: { properties: { hostname: 'other' }, targetProperty: 'hostname' },
    };
    const dir = await writeTree({
      'i.json': JSON.stringify(infrastructure),
      'd.mjs': 'export default ({ infrastructure: i }) => ({ web: [{ ...i.t2 }, { ...i.t3 }], db: { targets: [{ target: { ...i.t1 }, container: "c" }] } });',
      'bad.mjs': 'export default () => ({ web: [{ properties: { hostname: "nowhere" } }] });',
    });
    const out = JSON.parse(await convert(['-i', path.join(dir, 'i.json'), '-d'], path.join(dir, 'd.mjs')));
    expect(out).toEqual({ web: ['t2', 't3'], db: [{ target: 't1', container: 'c' }] });
    const bad = await runBin('dydisnix-xml', ['-i', path.join(dir, 'i.json'), '-d', path.join(dir, 'bad.mjs')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe(`dydisnix-xml: ${path.join(dir, 'bad.mjs')}: distribution.web[0]: a target matches no machine of the infrastructure model (hostname = "nowhere")\n`);
  });

  it('reads JS service references in every form the Nix reader accepts', async () => {
    const dir = await writeTree({
      's.mjs': 'const db = { name: "db" }; export default { db, web: { name: "web", dependsOn: [db], connectsTo: "db", activatesAfter: { x: db } } };',
    });
    const out = JSON.parse(await convert(['-s'], path.join(dir, 's.mjs')));
    expect(out.web).toEqual({ name: 'web', dependsOn: ['db'], connectsTo: ['db'], activatesAfter: ['db'] });
  });

  it('detects the form by content when the file has no known extension', async () => {
    const dir = await writeTree({
      'a': await fs.readFile(example('idresources.xml'), 'utf8'),
      'b': await fs.readFile(example('idresources.nix'), 'utf8'),
      'c': await fs.readFile(example('idresources.json'), 'utf8'),
    });
    const expected = await convert(['--id-resources'], example('idresources.json'));
    for (const file of ['a', 'b', 'c']) expect(await convert(['--id-resources'], path.join(dir, file))).toBe(expected);
    expect((await runBin('dydisnix-xml', ['--id-resources', '-', '--output-json'], { input: await fs.readFile(example('idresources.nix'), 'utf8') })).stdout).toBe(expected);
  });

  it('errors in Nix or JS read from stdin name -, not a temp file', async () => {
    const js = await runBin('dydisnix-xml', ['-s', '-'], { input: 'export default () => { throw new Error("boom") }' });
    expect(js.stderr).toBe('dydisnix-xml: -: the model function failed: boom\n');
    const nix = await runBin('dydisnix-xml', ['-s', '-'], { input: '{ a = ; }' });
    expect(nix.code).toBe(2);
    expect(nix.stderr).toMatch(/^dydisnix-xml: -: syntax error.*\(at -:1:7\)\n$/);
  });

  it('reads stdin with -', async () => {
    const result = await runBin('dydisnix-xml', ['--id-resources', '-', '--output-json'], { input: '{"ports": {"min": 1, "max": 2}}' });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ ports: { max: 2, min: 1, scope: 'global', step: 1 } });
  });

  it('reads the C tools\' <target>-wrapped distribution output (B12)', async () => {
    const dir = await writeTree({
      'd.xml': '<distribution>\n  <service name="db">\n    <target>\n      <target>test1</target>\n      <container>mysql-database</container>\n    </target>\n  </service>\n</distribution>',
    });
    const out = await convert(['-i', example('infrastructure.json'), '-d'], path.join(dir, 'd.xml'));
    expect(JSON.parse(out)).toEqual({ db: [{ container: 'mysql-database', target: 'test1' }] });
  });
});

describe('dydisnix-xml rejects bad input with exit 2, the file and the model path', () => {
  const cases: [string, string[], Record<string, string>, RegExp][] = [
    ['unknown dependency', ['-s', 'services.json'], { 'services.json': '{"web": {"dependsOn": ["db"]}}' }, /services\.json: services\.web\.dependsOn\[0\]: unknown service "db"/],
    ['unknown dependency (XML)', ['-s', 'services.xml'], { 'services.xml': '<services><service name="web"><property name="dependsOn"><dependency>db</dependency></property></service></services>' }, /services\.xml: services\.web\.dependsOn\[0\]: unknown service "db"/],
    ['unknown dependency (Nix)', ['-s', 'services.nix'], { 'services.nix': '{system, pkgs, distribution, invDistribution}: rec { web = { name = "web"; dependsOn = { db = { name = "db"; }; }; }; }' }, /services\.nix: services\.web\.dependsOn\[0\]: unknown service "db"/],
    ['distribution naming an unknown target', ['-i', 'i.json', '-d', 'd.json'], { 'i.json': '{"t1": {}}', 'd.json': '{"web": ["t2"]}' }, /d\.json: distribution\.web\[0\]: unknown target "t2"/],
    ['dependency cycle', ['-s', 's.json'], { 's.json': '{"a": {"dependsOn": ["b"]}, "b": {"activatesAfter": ["a"]}}' }, /s\.json: services\.a: dependency cycle in dependsOn\/activatesAfter: a -> b -> a/],
    ['pool with min > max', ['--id-resources', 'r.json'], { 'r.json': '{"ports": {"min": 10, "max": 1}}' }, /r\.json: idresources\.ports: empty pool: min \(10\) is greater than max \(1\)/],
    ['number where text is required', ['-s', 's.json'], { 's.json': '{"web": {"type": 42}}' }, /s\.json: services\.web\.type: expected a string, got integer 42/],
    ['text where a number is required', ['--id-resources', 'r.xml'], { 'r.xml': '<resources><resource name="ports"><min>abc</min><max>10</max></resource></resources>' }, /r\.xml: idresources\.ports\.min/],
    ['duplicate names (JSON)', ['-i', 'i.json'], { 'i.json': '{"t1": {}, "t1": {}}' }, /i\.json: infrastructure: duplicate name "t1"/],
    ['duplicate names (XML)', ['-s', 's.xml'], { 's.xml': '<services><service name="a"/><service name="a"/></services>' }, /s\.xml: services.*duplicate name "a"/],
    ['unsafe service name', ['-s', 's.json'], { 's.json': '{"../x": {}}' }, /s\.json: services\["\.\.\/x"\]: name "\.\.\/x" is not safe as a file name/],
    ['malformed XML', ['-s', 's.xml'], { 's.xml': '<services><service name="a"></services>' }, /s\.xml/],
    ['Nix syntax error', ['-s', 's.nix'], { 's.nix': '{ a = ; }' }, /s\.nix/],
    ['missing file', ['-s', 'nope.json'], {}, /nope\.json: cannot read: no such file/],
    ['two output forms', ['--ids', 'ids.json', '--output-json', '--output-nix'], { 'ids.json': '{}' }, /--output-json and --output-nix exclude each other/],
    ['a function where a plain model is expected', ['--ids', 'ids.nix'], { 'ids.nix': '{ distribution }: { }' }, /ids\.nix: the ids model must be an attribute set, not a function of distribution/],
  ];
  for (const [name, args, files, pattern] of cases) {
    it(name, async () => {
      const dir = await writeTree(files);
      const result = await runBin('dydisnix-xml', args, { cwd: dir });
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(pattern);
      expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace without --debug
    });
  }

  it('prints a stack trace only with --debug', async () => {
    const dir = await writeTree({ 's.json': '{"web": {"type": 42}}' });
    const result = await runBin('dydisnix-xml', ['-s', 's.json', '--debug'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/\n\s+at /);
  });

  it('usage errors exit 2; --help shows an example and exits 0; --version works', async () => {
    expect((await runBin('dydisnix-xml', ['--bogus'])).code).toBe(2);
    expect((await runBin('dydisnix-xml', [])).code).toBe(2);
    expect((await runBin('dydisnix-xml', ['-d', example('distribution.json')])).stderr).toMatch(/needs the infrastructure model/);
    const help = await runBin('dydisnix-xml', ['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Examples:\n\s+\$ dydisnix-xml -s /);
    const version = await runBin('dydisnix-xml', ['--version']);
    expect(version.code).toBe(0);
    expect(version.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });
});

describe('dydisnix-xml in a pipe', () => {
  it('ends quietly when the reader goes away (… | head)', async () => {
    const { spawnSync } = await import('node:child_process');
    // Large enough that the output cannot fit in the pipe before head exits.
    const services = Object.fromEntries(Array.from({ length: 20000 }, (_, i) => [`s${i}`, { type: 'process', description: 'x'.repeat(50) }]));
    const dir = await writeTree({ 's.json': JSON.stringify(services) });
    const bin = path.join(fixture('..'), 'bin', 'dydisnix-xml');
    const result = spawnSync('bash', ['-c', `set -o pipefail; '${bin}' -s '${path.join(dir, 's.json')}' | head -c 10 >/dev/null`], { encoding: 'utf8' });
    expect(result.status).toBe(141);
    expect(result.stderr).toBe('');
  });
});
