/** dydisnix-id-assign end to end: the real bin on the fixtures under fixtures/ids/. */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fixture, repoRoot, runBin, tempDir, writeTree } from './helpers.js';

const BIN = 'dydisnix-id-assign';
const story = (file: string) => fixture('ids', 'story', file);
const pools = (file: string) => fixture('ids', 'pools', file);
const machine = (file: string) => fixture('ids', 'machine', file);

/** A temp copy of a fixture folder (models that read ./ids.nix must not see the repository's). */
async function copyFixture(name: string): Promise<string> {
  const dir = await tempDir('dydisnix-ids-');
  const from = fixture('ids', name);
  for (const file of await fs.readdir(from)) await fs.copyFile(path.join(from, file), path.join(dir, file));
  return dir;
}

const STORY_V1_NIX = `{
  "ids" = {
    "gids" = {
      "webapp1" = 2000;
      "webapp2" = 2001;
    };
    "ports" = {
      "webapp1" = 5000;
      "webapp2" = 5001;
    };
    "uids" = {
      "webapp1" = 2000;
      "webapp2" = 2001;
    };
  };
  "lastAssignments" = {
    "gids" = 2001;
    "ports" = 5001;
    "uids" = 2001;
  };
}
`;

const STORY_V2_NIX = `{
  "ids" = {
    "gids" = {
      "webapp2" = 2001;
      "webapp3" = 2002;
    };
    "ports" = {
      "webapp2" = 5001;
      "webapp3" = 5002;
    };
    "uids" = {
      "webapp2" = 2001;
      "webapp3" = 2002;
    };
  };
  "lastAssignments" = {
    "gids" = 2002;
    "ports" = 5002;
    "uids" = 2002;
  };
}
`;

describe('dydisnix-id-assign: the announcement story', () => {
  it('services mode, JSON: webapp2 keeps its IDs and webapp3 gets the next ones, not webapp1\'s', async () => {
    const dir = await tempDir();
    const ids = path.join(dir, 'ids.json');
    const first = await runBin(BIN, ['-s', story('services-v1.json'), '--id-resources', story('idresources.json'), '--output-json', '--output-file', ids]);
    expect(first).toMatchObject({ code: 0, stdout: '', stderr: '' });
    expect(JSON.parse(await fs.readFile(ids, 'utf8'))).toEqual({
      ids: { gids: { webapp1: 2000, webapp2: 2001 }, ports: { webapp1: 5000, webapp2: 5001 }, uids: { webapp1: 2000, webapp2: 2001 } },
      lastAssignments: { gids: 2001, ports: 5001, uids: 2001 },
      lastAssignmentsPerTarget: {},
    });
    const second = await runBin(BIN, ['-s', story('services-v2.json'), '--id-resources', story('idresources.json'), '--ids', ids, '--output-json']);
    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout)).toEqual({
      ids: { gids: { webapp2: 2001, webapp3: 2002 }, ports: { webapp2: 5001, webapp3: 5002 }, uids: { webapp2: 2001, webapp3: 2002 } },
      lastAssignments: { gids: 2002, ports: 5002, uids: 2002 },
      lastAssignmentsPerTarget: {},
    });
    expect(second.stdout.endsWith('}\n')).toBe(true);
  });

  it('distribution mode, Nix models, updated in place; the services read their ports back', async () => {
    const dir = await copyFixture('story');
    await fs.copyFile(path.join(dir, 'services-v1.nix'), path.join(dir, 'services.nix'));
    const common = ['-s', 'services.nix', '-i', 'infrastructure.nix', '--id-resources', 'idresources.nix'];
    const first = await runBin(BIN, [...common, '-d', 'distribution-v1.nix', '--output-file', 'ids.nix'], { cwd: dir });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(await fs.readFile(path.join(dir, 'ids.nix'), 'utf8')).toBe(STORY_V1_NIX);

    await fs.copyFile(path.join(dir, 'services-v2.nix'), path.join(dir, 'services.nix'));
    const second = await runBin(BIN, [...common, '-d', 'distribution-v2.nix', '--ids', 'ids.nix', '--output-file', 'ids.nix'], { cwd: dir });
    expect(second.code).toBe(0);
    expect(await fs.readFile(path.join(dir, 'ids.nix'), 'utf8')).toBe(STORY_V2_NIX);

    const services = await runBin('dydisnix-xml', ['-s', 'services.nix', '--output-json'], { cwd: dir });
    expect(services.code).toBe(0);
    const parsed = JSON.parse(services.stdout) as Record<string, { port: number }>;
    expect([parsed.webapp2!.port, parsed.webapp3!.port]).toEqual([5001, 5002]);
  });

  it('JSON models in distribution mode skip undeployed services and read --ids from stdin', async () => {
    const previous = JSON.stringify({ ids: { ports: { webapp1: 5000, webapp2: 5001 } }, lastAssignments: { ports: 5001 } });
    const result = await runBin(
      BIN,
      ['-s', story('services-v2.json'), '-i', story('infrastructure.json'), '-d', story('distribution-v1.json'), '--id-resources', story('idresources.json'), '--ids', '-', '--output-json'],
      { input: previous },
    );
    // distribution-v1 names webapp1, which services-v2 does not define: an invalid input.
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/distribution-v1\.json: distribution\.webapp1: unknown service "webapp1"/);

    const ok = await runBin(
      BIN,
      ['-s', story('services-v1.json'), '-i', story('infrastructure.json'), '-d', '-', '--id-resources', story('idresources.json'), '--output-json'],
      { input: JSON.stringify({ webapp2: ['test2'], webapp1: [] }) },
    );
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).ids.ports).toEqual({ webapp2: 5000 });
  });
});

describe('dydisnix-id-assign: pools', () => {
  const expected = {
    gids: { apache: 2000, influxdb1: 2001, influxdb2: 2002, influxdb3: 2003, postgresql: 2004 },
    httpPorts: { apache: 8080 },
    influxdbPorts: { influxdb1: 8086, influxdb2: 8089, influxdb3: 8092 },
    postgresqlPorts: { postgresql: 5432 },
    uids: { apache: 2000, influxdb1: 2001, influxdb2: 2002, influxdb3: 2003, postgresql: 2004 },
  };

  for (const form of ['json', 'nix', 'xml']) {
    it(`separate pools per service type, step = 3 honoured in the ${form} form (B8)`, async () => {
      const services = form === 'xml' ? 'json' : form;
      const result = await runBin(BIN, ['-s', pools(`services.${services}`), '--id-resources', pools(`idresources.${form}`), '--output-json']);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout).ids).toEqual(expected);
    });
  }

  it('a depleted step-3 lattice exits 1 naming the resource and pool size, leaving the output file byte-identical', async () => {
    const dir = await tempDir();
    const ids = path.join(dir, 'ids.nix');
    const first = await runBin(BIN, ['-s', pools('services.json'), '--id-resources', pools('idresources.json'), '--output-file', ids]);
    expect(first.code).toBe(0);
    const before = await fs.readFile(ids);
    const stat = await fs.stat(ids);
    const result = await runBin(BIN, ['-s', pools('services-too-many.json'), '--id-resources', pools('idresources.json'), '--ids', ids, '--output-file', ids]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('The amount of IDs is depleted!');
    expect(result.stderr).toContain('resource "influxdbPorts" (pool 8086..8096 step 3: 4 IDs)');
    expect(result.stderr).toContain('service "influxdb5"');
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(await fs.readFile(ids)).toEqual(before);
    expect((await fs.stat(ids)).mtimeMs).toBe(stat.mtimeMs);
    expect((await fs.readdir(dir)).sort()).toEqual(['ids.nix']); // no temp file left behind
  });

  it('shrinking a pool invalidates out-of-range IDs; removing a resource drops its IDs and lastAssignments entry', async () => {
    const dir = await writeTree({
      'services.json': JSON.stringify({
        a: { name: 'a', requiresUniqueIdsFor: ['ports', 'uids'] },
        b: { name: 'b', requiresUniqueIdsFor: ['ports', 'uids'] },
      }),
      'idresources.json': JSON.stringify({ ports: { min: 3000, max: 3003 } }),
      'ids.json': JSON.stringify({
        ids: { ports: { a: 3000, b: 3005 }, uids: { a: 2000, b: 2001 } },
        lastAssignments: { ports: 3005, uids: 2001 },
      }),
    });
    const result = await runBin(BIN, ['-s', 'services.json', '--id-resources', 'idresources.json', '--ids', 'ids.json', '--output-json'], { cwd: dir });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ ids: { ports: { a: 3000, b: 3001 } }, lastAssignments: { ports: 3001 }, lastAssignmentsPerTarget: {} });
    expect(result.stderr).toBe('dydisnix-id-assign: warning: resource "uids" is not in the ID resources model; no IDs for it are assigned to services "a", "b"\n');
  });

  it('two retained services with the same ID: the later gets a fresh one, with a warning', async () => {
    const dir = await writeTree({
      'services.json': JSON.stringify({ a: { name: 'a', requiresUniqueIdsFor: ['ports'] }, b: { name: 'b', requiresUniqueIdsFor: ['ports'] } }),
      'idresources.json': JSON.stringify({ ports: { min: 3000, max: 3999, scope: 'global' } }),
      'ids.json': JSON.stringify({ ids: { ports: { a: 3000, b: 3000 } }, lastAssignmentsPerTarget: { t1: { ports: 3000 } } }),
    });
    const result = await runBin(BIN, ['-s', 'services.json', '--id-resources', 'idresources.json', '--ids', 'ids.json'], { cwd: dir });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('dydisnix-id-assign: warning: ports: services "a" and "b" both held ID 3000; "b" gets a fresh ID\n');
    expect(result.stdout).toBe('{\n  "ids" = {\n    "ports" = {\n      "a" = 3000;\n      "b" = 3001;\n    };\n  };\n  "lastAssignments" = {\n    "ports" = 3001;\n  };\n}\n');
  });

  it('prints at most 50 warnings, then how many more there were', async () => {
    const names = Array.from({ length: 60 }, (_, i) => `s${String(i).padStart(2, '0')}`);
    const dir = await writeTree({
      'services.json': JSON.stringify(Object.fromEntries(names.map((name) => [name, { name, requiresUniqueIdsFor: ['ports'] }]))),
      'idresources.json': JSON.stringify({ ports: { min: 1, max: 100 } }),
      'ids.json': JSON.stringify({ ids: { ports: Object.fromEntries(names.map((name) => [name, 7])) } }),
    });
    const result = await runBin(BIN, ['-s', 'services.json', '--id-resources', 'idresources.json', '--ids', 'ids.json', '--output-json'], { cwd: dir });
    expect(result.code).toBe(0);
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(51);
    expect(lines[0]).toBe('dydisnix-id-assign: warning: ports: services "s00" and "s01" both held ID 7; "s01" gets a fresh ID');
    expect(lines[50]).toBe('dydisnix-id-assign: warning: … and 9 more warnings');
    const ports = JSON.parse(result.stdout).ids.ports as Record<string, number>;
    expect(ports.s00).toBe(7);
    expect(new Set(Object.values(ports)).size).toBe(60);
  });
});

describe('dydisnix-id-assign: machine scope', () => {
  const args = (dist: string) => ['-s', machine('services.json'), '-i', machine('infrastructure.json'), '-d', machine(dist)];

  it('two services on one target get different IDs, and on two targets the same ID', async () => {
    for (const [dist, resources] of [['distribution.json', 'idresources.json'], ['distribution.nix', 'idresources.nix']] as const) {
      const result = await runBin(BIN, [...args(dist), '--id-resources', machine(resources), '--output-json']);
      expect(result.stderr).toBe('');
      expect(JSON.parse(result.stdout)).toEqual({
        ids: { ports: { a: 3000, b: 3001, c: 3000 }, uids: { a: 2000, b: 2001, c: 2002 } },
        lastAssignments: { uids: 2002 },
        lastAssignmentsPerTarget: { t1: { ports: 3001 }, t2: { ports: 3000 } },
      });
    }
  });

  it('prunes per-target memory of targets that host nothing any more (B9) instead of crashing', async () => {
    const dir = await writeTree({
      'ids.json': JSON.stringify({
        ids: { ports: { a: 3005, c: 3000 } },
        lastAssignmentsPerTarget: { t1: { ports: 3005, removed: 1 }, t3: { ports: 3100 } },
      }),
    });
    const result = await runBin(BIN, [...args('distribution.json'), '--id-resources', machine('idresources.json'), '--ids', path.join(dir, 'ids.json'), '--output-json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      ids: { ports: { a: 3005, b: 3006, c: 3000 }, uids: { a: 2000, b: 2001, c: 2002 } },
      lastAssignments: { uids: 2002 },
      lastAssignmentsPerTarget: { t1: { ports: 3006 }, t2: {} },
    });
  });

  it('XML output round-trips through --ids, updated in place; a failed XML update leaves the file untouched', async () => {
    const dir = await writeTree({
      'services.json': JSON.stringify({
        a: { name: 'a', requiresUniqueIdsFor: ['ports'] },
        b: { name: 'b', requiresUniqueIdsFor: ['ports'] },
        c: { name: 'c', requiresUniqueIdsFor: ['ports'] },
      }),
      'd1.json': JSON.stringify({ a: ['t1'], c: ['t2'] }),
      'd2.json': JSON.stringify({ a: ['t1'], b: ['t1'], c: ['t2'] }),
      'd3.json': JSON.stringify({ a: ['t1'], b: ['t1'], c: ['t1'] }),
      'small.json': JSON.stringify({ ports: { min: 1, max: 2, scope: 'machine' } }),
    });
    const base = ['-s', 'services.json', '-i', machine('infrastructure.json'), '--id-resources', 'small.json'];
    expect((await runBin(BIN, [...base, '-d', 'd1.json', '--output-xml', '--output-file', 'ids.xml'], { cwd: dir })).code).toBe(0);
    const first = await fs.readFile(path.join(dir, 'ids.xml'), 'utf8');
    expect(first).toContain('<target name="t1">\n      <assignment name="ports">1</assignment>');
    const second = await runBin(BIN, [...base, '-d', 'd2.json', '--ids', 'ids.xml', '--output-xml', '--output-file', 'ids.xml'], { cwd: dir });
    expect(second.code).toBe(0);
    const updated = await fs.readFile(path.join(dir, 'ids.xml'), 'utf8');
    expect(updated).toContain('<resource name="ports">\n      <assignment name="a">1</assignment>\n      <assignment name="b">2</assignment>\n      <assignment name="c">1</assignment>');
    const third = await runBin(BIN, [...base, '-d', 'd3.json', '--ids', 'ids.xml', '--output-xml', '--output-file', 'ids.xml'], { cwd: dir });
    expect(third.code).toBe(1);
    expect(third.stderr).toContain('resource "ports" (pool 1..2: 2 IDs) has no free ID left for service "c" on target "t1"');
    expect(await fs.readFile(path.join(dir, 'ids.xml'), 'utf8')).toBe(updated);
  });

  it('is refused in services mode (exit 2) with the reason', async () => {
    const result = await runBin(BIN, ['-s', machine('services.json'), '--id-resources', machine('idresources.json')]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('idresources.json: idresources.ports.scope: scope "machine" needs a distribution');
    expect(result.stderr).toContain('-d DISTRIBUTION');
  });
});

describe('dydisnix-id-assign: feeding IDs back into the services model', () => {
  it('a JS model reads ids.json: port and environment.PORT follow the assignment', async () => {
    const dir = await copyFixture('feedback');
    const assign = await runBin(BIN, ['-s', 'services.mjs', '--id-resources', 'idresources.json', '--output-json', '--output-file', 'ids.json'], { cwd: dir });
    expect(assign.code).toBe(0);
    const services = await runBin('dydisnix-xml', ['-s', 'services.mjs', '--output-json'], { cwd: dir });
    const parsed = JSON.parse(services.stdout) as Record<string, { port: number; uid: number; environment: { PORT: string } }>;
    expect(parsed.webapp1).toMatchObject({ port: 3000, uid: 2000, environment: { PORT: '3000' } });
    expect(parsed.webapp2).toMatchObject({ port: 3001, uid: 2001, environment: { PORT: '3001' } });
  });

  it('a JS model reads ids.nix (the default output) with the readIdsSync helper', async () => {
    const dir = await copyFixture('feedback');
    // The fixture imports the helper relative to its place in the repository.
    const model = path.join(dir, 'services-idsnix.mjs');
    const helper = pathToFileURL(path.join(repoRoot, 'dist/src/ids/read-ids.js')).href;
    await fs.writeFile(model, (await fs.readFile(model, 'utf8')).replace('../../../dist/src/ids/read-ids.js', helper));
    const assign = ['-s', 'services-idsnix.mjs', '--id-resources', 'idresources.json', '--output-file', 'ids.nix'];
    expect((await runBin(BIN, assign, { cwd: dir })).code).toBe(0);
    expect((await runBin(BIN, [...assign, '--ids', 'ids.nix'], { cwd: dir })).code).toBe(0);
    const services = await runBin('dydisnix-xml', ['-s', 'services-idsnix.mjs', '--output-json'], { cwd: dir });
    const parsed = JSON.parse(services.stdout) as Record<string, { port: number; environment: { PORT: string } }>;
    expect(parsed.webapp1).toMatchObject({ port: 3000, uid: 2000, environment: { PORT: '3000' } });
    expect(parsed.webapp2).toMatchObject({ port: 3001, uid: 2001, environment: { PORT: '3001' } });
  });

  it('a Nix model reads ids.nix (guarded by builtins.pathExists), also when updating in place', async () => {
    const dir = await copyFixture('feedback');
    const assign = ['-s', 'services.nix', '--id-resources', 'idresources.json', '--output-file', 'ids.nix'];
    expect((await runBin(BIN, assign, { cwd: dir })).code).toBe(0);
    const again = await runBin(BIN, [...assign, '--ids', 'ids.nix'], { cwd: dir });
    expect(again.code).toBe(0);
    const services = await runBin('dydisnix-xml', ['-s', 'services.nix', '--output-json'], { cwd: dir });
    const parsed = JSON.parse(services.stdout) as Record<string, { port: number; environment: { PORT: string } }>;
    expect(parsed.webapp1).toMatchObject({ port: 3000, environment: { PORT: '3000' } });
    expect(parsed.webapp2).toMatchObject({ port: 3001, environment: { PORT: '3001' } });
  });
});

describe('dydisnix-id-assign: options and bad input', () => {
  const resources = story('idresources.json');
  const services = story('services-v1.json');

  it('--help shows an example and exits 0; -p is not an option', async () => {
    const help = await runBin(BIN, ['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--id-resources <file>');
    expect(help.stdout).toContain('$ dydisnix-id-assign -s services.nix -i infrastructure.nix -d distribution.nix');
    const p = await runBin(BIN, ['-p', 'x', '-s', services, '--id-resources', resources]);
    expect(p.code).toBe(2);
    expect(p.stderr).toMatch(/unknown option '-p'/);
  });

  it('--service-property selects another property; --xml is accepted', async () => {
    const dir = await writeTree({
      'services.json': JSON.stringify({ a: { name: 'a', needsIds: ['ports'] }, b: { name: 'b', requiresUniqueIdsFor: ['ports'] } }),
    });
    const result = await runBin(BIN, ['-s', path.join(dir, 'services.json'), '--id-resources', resources, '--service-property', 'needsIds', '--output-json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).ids).toEqual({ gids: {}, ports: { a: 5000 }, uids: {} });
    const xml = await runBin(BIN, ['--xml', '-s', pools('services.json'), '--id-resources', pools('idresources.xml'), '--output-json']);
    expect(xml.code).toBe(0);
  });

  it('--extra-params reaches the services model function', async () => {
    const dir = await writeTree({
      'services.mjs':
        'export default ({ instances }) => Object.fromEntries(Array.from({ length: instances }, (_, i) => [`w${i}`, { name: `w${i}`, requiresUniqueIdsFor: ["ports"] }]));\n',
    });
    const result = await runBin(BIN, ['-s', path.join(dir, 'services.mjs'), '--id-resources', resources, '--extra-params', '{"instances": 3}', '--output-json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).ids.ports).toEqual({ w0: 5000, w1: 5001, w2: 5002 });
  });

  it('-d without -i works for a distribution that is not a function (as in the original)', async () => {
    const common = ['-s', story('services-v1.json'), '--id-resources', story('idresources.json'), '-d', story('distribution-v1.json'), '--output-json'];
    const without = await runBin(BIN, common);
    expect(without.stderr).toBe('');
    expect(without.code).toBe(0);
    const withInfra = await runBin(BIN, [...common, '-i', story('infrastructure.json')]);
    expect(without.stdout).toBe(withInfra.stdout);
    expect(JSON.parse(without.stdout).ids.ports).toEqual({ webapp1: 5000, webapp2: 5001 });
  });

  it('an unwritable output file is a usage error (exit 2) with the original message', async () => {
    const result = await runBin(BIN, ['-s', services, '--id-resources', resources, '--output-file', '/nonexistent-dir/ids.nix']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^dydisnix-id-assign: Cannot write to output file: \/nonexistent-dir\/ids\.nix: /);
    expect(result.stderr).not.toContain('internal error');
  });

  const bad: [string, string[], RegExp][] = [
    ['no services model', ['--id-resources', resources], /A services expression must be specified!/],
    ['no ID resources model', ['-s', services], /An ID resources expression must be specified!/],
    ['-d without -i (a Nix distribution)', ['-s', services, '--id-resources', resources, '-d', story('distribution-v1.nix')], /needs the infrastructure model/],
    ['two models from stdin', ['-s', '-', '--id-resources', resources, '--ids', '-'], /standard input \(-\) can feed only one model, but -s and --ids read it/],
    ['an empty service property', ['-s', services, '--id-resources', resources, '--service-property', ''], /A service property must be specified!/],
    ['a missing file', ['-s', services, '--id-resources', 'nope.json'], /nope\.json: cannot read: no such file/],
    ['an extra argument', ['-s', services, '--id-resources', resources, 'extra'], /too many arguments|unknown command|excess/i],
  ];
  for (const [what, args, message] of bad) {
    it(`exits 2 on ${what}`, async () => {
      const result = await runBin(BIN, args);
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(message);
    });
  }

  const badModels: [string, Record<string, string>, RegExp][] = [
    ['an empty pool (min > max)', { 'r.json': '{"ports":{"min":10,"max":5}}' }, /r\.json: idresources\.ports: empty pool: min \(10\) is greater than max \(5\)/],
    ['an unknown scope', { 'r.json': '{"ports":{"min":1,"max":5,"scope":"galaxy"}}' }, /r\.json: idresources\.ports\.scope: expected one of/],
    ['a non-integer ID', { 'r.json': '{"ports":{"min":1,"max":5}}', 'ids.json': '{"ids":{"ports":{"webapp1":"x"}}}' }, /ids\.json: ids\.ids\.ports\.webapp1: expected/],
    ['an unknown attribute in the IDs model', { 'r.json': '{"ports":{"min":1,"max":5}}', 'ids.json': '{"idz":{}}' }, /ids\.json: .*unknown attribute "idz"/],
    ['unparsable JSON', { 'r.json': '{"ports":' }, /r\.json/],
  ];
  for (const [what, files, message] of badModels) {
    it(`exits 2 on ${what}`, async () => {
      const dir = await writeTree(files);
      const args = ['-s', services, '--id-resources', path.join(dir, 'r.json')];
      if (files['ids.json']) args.push('--ids', path.join(dir, 'ids.json'));
      const result = await runBin(BIN, args);
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(message);
    });
  }
});
