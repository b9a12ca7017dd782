import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelError, ToolError } from '../../errors.js';
import type { Distribution, DocsConfig, IdResources, Ids, Infrastructure, Services } from '../types.js';
import { evalNixExpression, evalNixModel, nixAvailable } from './nix-eval.js';
import {
  distributionToNix,
  docsConfigToNix,
  idResourcesToNix,
  idsToNix,
  infrastructureToNix,
  nixAttrName,
  nixString,
  nixValue,
  servicesToNix,
} from './nix-write.js';

const hasNix = spawnSync('nix-instantiate', ['--version']).status === 0;

let dir: string;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dydisnix-nix-test-'));
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

async function write(name: string, text: string): Promise<string> {
  const file = path.join(dir, name);
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, text);
  return file;
}

const infrastructure = {
  b: { properties: { hostname: 'shared' } },
  a: { properties: { hostname: 'shared' } },
  c: { properties: { hostname: 'c.example', id: 7 }, targetProperty: 'id' },
  d: { properties: { hostname: 'd.example' }, containers: { mysql: { port: 3306 } } },
};
const infrastructureJSON = JSON.stringify(infrastructure);

describe.skipIf(!hasNix)('evalNixModel', () => {
  it('calls a services function like the original and never forces pkg', async () => {
    const file = await write(
      'services.nix',
      `{system, pkgs, distribution, invDistribution, port ? 1, unused ? 0}:
let customPkgs = pkgs.stdenv; in
rec {
  db = { name = "db"; pkg = throw "db pkg forced"; type = "mysql-database"; port = port; ratio = 1.5;
         dir = ./data; nothing = null; fn = x: x; system = system; };
  web = { name = "web"; pkg = customPkgs.mkDerivation {}; type = "process";
          dependsOn = { inherit db; }; connectsTo = [ "db" ]; activatesAfter = { z = cache; a = db; };
          nested = { list = [ 1 null ./x (y: y) { k = "v"; } ]; }; };
  cache = { name = "cache"; pkg = abort "never"; };
}
`,
    );
    const result = await evalNixModel('services', file, { extraParams: '{ port = 42; other = 1; }' });
    expect(result).toEqual({
      db: {
        name: 'db',
        type: 'mysql-database',
        port: 42,
        ratio: 1.5,
        dir: path.join(dir, 'data'),
        system: expect.any(String),
        dependsOn: [],
        connectsTo: [],
        activatesAfter: [],
      },
      web: {
        name: 'web',
        type: 'process',
        dependsOn: ['db'],
        connectsTo: ['db'],
        // sorted param order: a, z
        activatesAfter: ['db', 'cache'],
        nested: { list: [1, path.join(dir, 'x'), { k: 'v' }] },
      },
      cache: { name: 'cache', dependsOn: [], connectsTo: [], activatesAfter: [] },
    });
  });

  it('accepts extra params as JSON and a plain attrset services model', async () => {
    const fn = await write('services-json.nix', `{system, pkgs, distribution, invDistribution, port}: { s = { name = "s"; inherit port; }; }`);
    expect(await evalNixModel('services', fn, { extraParams: '{"port": 8080}' })).toEqual({
      s: { name: 's', port: 8080, dependsOn: [], connectsTo: [], activatesAfter: [] },
    });
    const plain = await write('services-plain.nix', `{ s = { name = "s"; pkg = ./s; }; }`);
    expect(await evalNixModel('services', plain)).toEqual({ s: { name: 's', dependsOn: [], connectsTo: [], activatesAfter: [] } });
  });

  it('reports pkgs use outside pkg clearly', async () => {
    const file = await write('services-pkgs.nix', `{system, pkgs, distribution, invDistribution}: { s = { name = "s"; v = pkgs.hello.name; }; }`);
    await expect(evalNixModel('services', file)).rejects.toThrow(/pkgs \(nixpkgs\) is not available/);
  });

  it('normalises infrastructure models', async () => {
    const file = await write(
      'infrastructure.nix',
      `{ t1 = { properties = { hostname = "t1"; mem = 1024; cfg = ./cfg; gone = null; }; containers = { process = {}; };
             system = "x86_64-linux"; numOfCores = 2; }; }`,
    );
    expect(await evalNixModel('infrastructure', file)).toEqual({
      t1: { properties: { hostname: 't1', mem: 1024, cfg: path.join(dir, 'cfg') }, containers: { process: {} }, system: 'x86_64-linux', numOfCores: 2 },
    });
    const fn = await write('infrastructure-fn.nix', `{ system ? "none" }: { t1 = { properties.hostname = system; }; }`);
    const result = (await evalNixModel('infrastructure', fn)) as { t1: { properties: { hostname: string } } };
    expect(result.t1.properties.hostname).not.toBe('none');
  });

  it('resolves distribution targets through the target property', async () => {
    const file = await write(
      'distribution.nix',
      `{infrastructure}: {
  list = [ infrastructure.a infrastructure.b infrastructure.c ];
  containers = { targets = [ { target = infrastructure.d; container = "mysql"; } { target = infrastructure.c; } ]; };
  names = [ "a" { target = "d"; container = "mysql"; } ];
  empty = [ ];
}
`,
    );
    expect(await evalNixModel('distribution', file, { infrastructureJSON })).toEqual({
      // a and b share a hostname: the first name in sorted order wins, as in the original
      list: ['a', 'a', 'c'],
      containers: [{ target: 'd', container: 'mysql' }, 'c'],
      names: ['a', { target: 'd', container: 'mysql' }],
      empty: [],
    });
  });

  it('resolves targets sharing a target-property value to the target that was given', async () => {
    const shared = JSON.stringify({
      t1: { properties: { hostname: 'h' }, containers: { process: {} } },
      t2: { properties: { hostname: 'h' } },
      t3: { properties: { hostname: 'h' } },
    });
    const file = await write(
      'distribution-shared.nix',
      `{infrastructure}: { web = [ infrastructure.t2 infrastructure.t1 ]; db = { targets = [ { target = infrastructure.t3; container = "c"; } ]; }; }`,
    );
    // t2 and t3 are indistinguishable: the first in sorted order, as in the original.
    expect(await evalNixModel('distribution', file, { infrastructureJSON: shared })).toEqual({ web: ['t2', 't1'], db: [{ target: 't2', container: 'c' }] });
  });

  it('honours the default target property and extra params of distribution functions', async () => {
    const file = await write('distribution-id.nix', `{infrastructure, pick ? "b"}: { s = [ infrastructure.\${pick} ]; }`);
    const withId = { a: { properties: { id: 'x' } }, b: { properties: { id: 'y' } } };
    const json = JSON.stringify(withId);
    expect(await evalNixModel('distribution', file, { infrastructureJSON: json, defaultTargetProperty: 'id' })).toEqual({ s: ['b'] });
    expect(await evalNixModel('distribution', file, { infrastructureJSON: json, defaultTargetProperty: 'id', extraParams: '{ pick = "a"; }' })).toEqual({ s: ['a'] });
    const saved = process.env.DISNIX_TARGET_PROPERTY;
    process.env.DISNIX_TARGET_PROPERTY = 'id';
    try {
      expect(await evalNixModel('distribution', file, { infrastructureJSON: json })).toEqual({ s: ['b'] });
    } finally {
      if (saved === undefined) delete process.env.DISNIX_TARGET_PROPERTY;
      else process.env.DISNIX_TARGET_PROPERTY = saved;
    }
  });

  it('passes a large infrastructure through a file', async () => {
    const big: Record<string, unknown> = {};
    for (let i = 0; i < 2000; i++) big[`t${i}`] = { properties: { hostname: `host-${i}.example.org`, padding: 'x'.repeat(40) } };
    const file = await write('distribution-big.nix', `{infrastructure}: { s = [ infrastructure.t1999 ]; }`);
    const json = JSON.stringify(big);
    expect(json.length).toBeGreaterThan(128 * 1024);
    expect(await evalNixModel('distribution', file, { infrastructureJSON: json })).toEqual({ s: ['t1999'] });
  });

  it('rejects unresolvable targets and wrong target types, naming the service', async () => {
    const unknown = await write('distribution-unknown.nix', `{infrastructure}: { web = [ { properties.hostname = "nowhere"; } ]; }`);
    await expect(evalNixModel('distribution', unknown, { infrastructureJSON })).rejects.toThrow(/distribution\.web: a target matches no machine.*"nowhere"/);
    const wrong = await write('distribution-wrong.nix', `{infrastructure}: { web = 1; }`);
    const error = await evalNixModel('distribution', wrong, { infrastructureJSON }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelError);
    expect((error as ModelError).file).toBe(wrong);
    expect((error as Error).message).toMatch(/distribution\.web: targets has the wrong type!/);
  });

  it('imports idresources, ids and docs models', async () => {
    const resources = await write('idresources.nix', `{ ports = { min = 3000; max = 4000; scope = "global"; }; }`);
    expect(await evalNixModel('idresources', resources)).toEqual({ ports: { min: 3000, max: 4000, scope: 'global' } });
    const ids = await write('ids.nix', `{ ids = { ports = { web = 3000; }; }; lastAssignments = { ports = 3000; }; }`);
    expect(await evalNixModel('ids', ids)).toEqual({ ids: { ports: { web: 3000 } }, lastAssignments: { ports: 3000 } });
    const docs = await write('docs.nix', `{ groups = { "a/b" = "B"; }; fields = [ "type" ]; descriptions = { type = "Type"; }; }`);
    expect(await evalNixModel('docs', docs)).toEqual({ groups: { 'a/b': 'B' }, fields: ['type'], descriptions: { type: 'Type' } });
  });

  it('turns evaluation errors into ModelErrors naming the file', async () => {
    const file = await write('broken.nix', '{ a = 1; b = [ 1 2\n');
    const error = await evalNixModel('services', file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelError);
    expect((error as ModelError).file).toBe(file);
    expect((error as Error).message).toContain(`broken.nix: syntax error`);
    expect((error as Error).message).toContain(`(at ${file}:`);
    const undef = await write('undefined.nix', '{ a = { name = "a"; x = missingVariable; }; }');
    await expect(evalNixModel('services', undef)).rejects.toThrow(/undefined variable 'missingVariable'/);
  });

  it('blames --extra-params for its own syntax errors', async () => {
    const file = await write('services-ok.nix', '{ s = { name = "s"; }; }');
    const error = await evalNixModel('services', file, { extraParams: '{ a = ; }' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelError);
    expect((error as ModelError).file).toBe('--extra-params');
    await expect(evalNixModel('services', file, { extraParams: '42' })).rejects.toThrow(/^--extra-params: must be an attribute set, got int$/);
  });

  it('keeps the whole report with showTrace', async () => {
    const file = await write('distribution-trace.nix', '{ web = 1; }');
    const error = (await evalNixModel('distribution', file, { showTrace: true }).catch((e: unknown) => e)) as Error;
    expect(error.message).toMatch(/targets has the wrong type!/);
    expect(error.message).toMatch(/while evaluating/);
  });

  it('says clearly when Nix is not installed', async () => {
    const file = await write('any.nix', '{ }');
    const saved = process.env.PATH;
    process.env.PATH = '';
    try {
      const error = await evalNixModel('docs', file).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ToolError);
      expect((error as Error).message).toMatch(/nix-instantiate not found: install Nix/);
    } finally {
      process.env.PATH = saved;
    }
  });
});

describe.skipIf(!hasNix)('evalNixExpression', () => {
  it('evaluates expressions with arguments and the shipped lib', async () => {
    expect(await nixAvailable()).toBe(true);
    expect(await evalNixExpression('{ a = 1; b = [ "x" ]; }')).toEqual({ a: 1, b: ['x'] });
    expect(await evalNixExpression('{ n, s }: { inherit n s; }', { args: { n: '1 + 2' }, argstrs: { s: 'text' } })).toEqual({ n: 3, s: 'text' });
    const lib = 'let lib = import <dydisnix/lib.nix>; in';
    expect(await evalNixExpression(`${lib} lib.recursiveUpdate { a.b = 1; a.c = 2; } { a.b = 3; }`)).toEqual({ a: { b: 3, c: 2 } });
    expect(await evalNixExpression(`${lib} lib.filterAttrs (n: v: v > 1) (lib.mapAttrs (n: v: v * 2) { x = 1; y = 0; })`)).toEqual({ x: 2 });
    expect(await evalNixExpression(`${lib} [ (lib.unique [ 1 2 1 ]) (lib.optionals true [ 1 ]) (lib.splitString "/" "a/b") ]`)).toEqual([[1, 2], [1], ['a', 'b']]);
  });

  it('picks the shipped lib without nixpkgs', async () => {
    expect(await evalNixExpression('(import <dydisnix/env.nix>).lib.mapAttrsToList (n: v: n) { b = 1; a = 2; }')).toEqual(['a', 'b']);
  });

  it('prefers nixpkgs from the search path, without importing pkgs unless used', async () => {
    await write('nixpkgs/lib/default.nix', '{ fromNixpkgs = true; }');
    await write('nixpkgs/default.nix', '{ system }: throw "pkgs imported"');
    const saved = process.env.NIX_PATH;
    process.env.NIX_PATH = `nixpkgs=${path.join(dir, 'nixpkgs')}:https://example.org/channel.tar.gz`;
    try {
      expect(await evalNixExpression('(import <dydisnix/env.nix>).lib')).toEqual({ fromNixpkgs: true });
      const file = await write('services-real.nix', '{system, pkgs, distribution, invDistribution}: { s = { name = "s"; pkg = pkgs.hello; }; }');
      expect(await evalNixModel('services', file)).toEqual({ s: { name: 's', dependsOn: [], connectsTo: [], activatesAfter: [] } });
    } finally {
      if (saved === undefined) delete process.env.NIX_PATH;
      else process.env.NIX_PATH = saved;
    }
  });

  it('reports errors against the given file', async () => {
    await expect(evalNixExpression('throw "nope"', { file: 'qos.nix' })).rejects.toThrow(/^qos\.nix: nope$/);
  });
});

describe('nix writer primitives', () => {
  it('quotes strings and names', () => {
    expect(nixString('a"b\\c${d}$e\n\r\t')).toBe('"a\\"b\\\\c\\${d}$e\\n\\r\\t"');
    expect(nixAttrName('web')).toBe('web');
    expect(nixAttrName("my-web_2'")).toBe("my-web_2'");
    expect(nixAttrName('x.y')).toBe('"x.y"');
    expect(nixAttrName('2x')).toBe('"2x"');
    expect(nixAttrName('in')).toBe('"in"');
    expect(nixAttrName('')).toBe('""');
  });

  it('writes values', () => {
    expect(nixValue(1.5, 0)).toBe('1.5');
    expect(nixValue(2, 0)).toBe('2');
    expect(nixValue(1e21, 0)).toBe('1.0e+21');
    expect(nixValue(1e-7, 0)).toBe('1.0e-7');
    expect(nixValue([], 0)).toBe('[ ]');
    expect(nixValue({}, 0)).toBe('{ }');
    expect(nixValue([-1, true, 'a'], 1)).toBe('[\n    (-1)\n    true\n    "a"\n  ]');
    expect(nixValue({ b: { 'x y': false }, a: -2.5 }, 0)).toBe('{\n  a = -2.5;\n  b = {\n    "x y" = false;\n  };\n}');
    expect(nixValue({ a: {} }, 0, 'c')).toBe('{\n  "a" = {\n  };\n}');
  });
});

const services: Services = {
  web: {
    name: 'web',
    type: 'process',
    pkg: 'components/web',
    dependsOn: ['db', 'x.y'],
    connectsTo: ['cache'],
    activatesAfter: [],
    properties: { group: 'front/end', requireMem: 256, ratio: 0.5, tags: ['a', 'b'], stateful: false },
  },
  db: { name: 'db', type: 'mysql-database', pkg: '/opt/db', dependsOn: [], connectsTo: [], activatesAfter: [], properties: {} },
  cache: { name: 'cache', pkg: 'weird path', dependsOn: [], connectsTo: [], activatesAfter: ['db'], properties: {} },
  'x.y': { name: 'x.y', dependsOn: [], connectsTo: [], activatesAfter: [], properties: { note: 'say "${hi}"\n' } },
};

const infra: Infrastructure = {
  t1: { name: 't1', properties: { hostname: 't1', mem: 1024 }, containers: { process: {}, mysql: { port: 3306 } }, system: 'x86_64-linux', numOfCores: 2 },
  'my.host': { name: 'my.host', properties: { hostname: 'my.host' }, containers: {}, targetProperty: 'hostname', clientInterface: 'ssh' },
};

const plainDist: Distribution = { web: [{ target: 't1' }, { target: 'my.host' }], db: [] };
const containerDist: Distribution = { web: [{ target: 't1' }], db: [{ target: 't1', container: 'mysql' }, { target: 'my.host' }] };
const resources: IdResources = { ports: { min: 3000, max: 4000, scope: 'global', step: 1 }, uids: { min: 1000, max: 2000, scope: 'machine', step: 2 } };
const ids: Ids = { ids: { ports: { web: 3000 }, uids: {} }, lastAssignments: { ports: 3000 }, lastAssignmentsPerTarget: {} };
const docs: DocsConfig = { groups: { front: 'Front', 'front/end': 'End' }, fields: ['type', 'description'], descriptions: { type: 'Type' } };

describe('nix writers', () => {
  it('writes services', () => {
    expect(servicesToNix(services)).toBe(`{system, pkgs, distribution, invDistribution}:

let
  services = {
    cache = {
      name = "cache";
      pkg = "weird path";
      activatesAfter = {
        inherit (services) db;
      };
    };
    db = {
      name = "db";
      type = "mysql-database";
      pkg = /opt/db;
    };
    web = {
      name = "web";
      type = "process";
      pkg = ./components/web;
      dependsOn = {
        inherit (services) db;
        "x.y" = services."x.y";
      };
      connectsTo = {
        inherit (services) cache;
      };
      group = "front/end";
      ratio = 0.5;
      requireMem = 256;
      stateful = false;
      tags = [
        "a"
        "b"
      ];
    };
    "x.y" = {
      name = "x.y";
      note = "say \\"\\\${hi}\\"\\n";
    };
  };
in
services
`);
  });

  it('writes infrastructure', () => {
    expect(infrastructureToNix(infra)).toBe(`{
  "my.host" = {
    properties = {
      hostname = "my.host";
    };
    containers = { };
    clientInterface = "ssh";
    targetProperty = "hostname";
  };
  t1 = {
    properties = {
      hostname = "t1";
      mem = 1024;
    };
    containers = {
      mysql = {
        port = 3306;
      };
      process = { };
    };
    system = "x86_64-linux";
    numOfCores = 2;
  };
}
`);
  });

  it('writes distributions in the gendist layout', () => {
    expect(distributionToNix(plainDist, 'function')).toBe(`{infrastructure}:

{
  db = [
  ];
  web = [
    infrastructure.t1
    infrastructure."my.host"
  ];
}
`);
    expect(distributionToNix(containerDist, 'function')).toBe(`{infrastructure}:

{
  db = {
    targets = [
      { target = infrastructure.t1; container = "mysql"; }
      { target = infrastructure."my.host"; }
    ];
  };
  web = [
    infrastructure.t1
  ];
}
`);
    expect(distributionToNix({}, 'function')).toBe('{infrastructure}:\n\n{\n}\n');
  });

  it('writes distributions in the C tools layout', () => {
    expect(distributionToNix(plainDist, 'plain')).toBe(`{
  "db" = [
  ];
  "web" = [
    "t1"
    "my.host"
  ];
}
`);
    expect(distributionToNix(containerDist, 'plain')).toBe(`{
  "db" = [
    {
      "target" = "t1";
      "container" = "mysql";
    }
    {
      "target" = "my.host";
    }
  ];
  "web" = [
    {
      "target" = "t1";
    }
  ];
}
`);
  });

  it('writes id resources, ids and docs', () => {
    expect(idResourcesToNix(resources)).toBe(`{
  ports = {
    min = 3000;
    max = 4000;
    scope = "global";
    step = 1;
  };
  uids = {
    min = 1000;
    max = 2000;
    scope = "machine";
    step = 2;
  };
}
`);
    expect(idsToNix(ids, ['gids'])).toBe(`{
  "ids" = {
    "gids" = {
    };
    "ports" = {
      "web" = 3000;
    };
    "uids" = {
    };
  };
  "lastAssignments" = {
    "ports" = 3000;
  };
}
`);
    expect(idsToNix({ ids: {}, lastAssignments: {}, lastAssignmentsPerTarget: { t1: { uids: 1000 } } })).toBe(`{
  "ids" = {
  };
  "lastAssignmentsPerTarget" = {
    "t1" = {
      "uids" = 1000;
    };
  };
}
`);
    expect(docsConfigToNix(docs)).toBe(`{
  groups = {
    front = "Front";
    "front/end" = "End";
  };
  fields = [
    "type"
    "description"
  ];
  descriptions = {
    type = "Type";
  };
}
`);
  });
});

describe.skipIf(!hasNix)('write → eval round trips', () => {
  it('services (minus pkg)', async () => {
    const file = await write('rt/services.nix', servicesToNix(services));
    const expected: Record<string, unknown> = {};
    for (const [key, s] of Object.entries(services)) {
      expected[key] = {
        ...s.properties,
        name: s.name,
        ...(s.type !== undefined ? { type: s.type } : {}),
        dependsOn: s.dependsOn,
        connectsTo: s.connectsTo,
        activatesAfter: s.activatesAfter,
      };
    }
    expect(await evalNixModel('services', file)).toEqual(expected);
  });

  it('infrastructure, distributions, resources, ids and docs', async () => {
    const infraFile = await write('rt/infrastructure.nix', infrastructureToNix(infra));
    const loadedInfra = await evalNixModel('infrastructure', infraFile);
    const shape = Object.fromEntries(Object.entries(infra).map(([key, { name: _name, ...target }]) => [key, target]));
    expect(loadedInfra).toEqual(shape);

    const json = JSON.stringify(loadedInfra);
    const asShape = (d: Distribution) =>
      Object.fromEntries(Object.entries(d).map(([svc, ms]) => [svc, ms.map((m) => (m.container === undefined ? m.target : m))]));
    for (const d of [plainDist, containerDist]) {
      for (const style of ['function', 'plain'] as const) {
        const file = await write(`rt/distribution-${style}.nix`, distributionToNix(d, style));
        expect(await evalNixModel('distribution', file, { infrastructureJSON: json })).toEqual(asShape(d));
      }
    }

    expect(await evalNixModel('idresources', await write('rt/idresources.nix', idResourcesToNix(resources)))).toEqual(resources);
    expect(await evalNixModel('ids', await write('rt/ids.nix', idsToNix(ids)))).toEqual({ ids: ids.ids, lastAssignments: ids.lastAssignments });
    expect(await evalNixModel('docs', await write('rt/docs.nix', docsConfigToNix(docs)))).toEqual(docs);
  });

  it('strings and numbers survive', async () => {
    const tricky = { s: 'a"b\\c${d}$${e}$\n\r\tü€', n: -3, f: -0.25, big: 1e21, list: [-1, 2.5, 'in', { or: true }] };
    // Nix itself prints floats with 6 significant digits; these must not be rounded.
    Object.assign(tricky, { exact: [123456789.123, 0.1 + 0.2, -1234567.5, 1 / 3, 1.7976931348623157e308, 2.2250738585072014e-308, 1.5e-7] });
    const file = await write('rt/values.nix', `${nixValue(tricky, 0)}\n`);
    expect(await evalNixModel('docs', file)).toEqual(tricky);
  });
});

describe('evaluatePkg (deployment only)', () => {
  it('turns path pkgs into absolute paths and refuses build functions', async () => {
    const { mkdtemp, writeFile } = await import('node:fs/promises');
    const os = await import('node:os');
    const path = await import('node:path');
    const dir = await mkdtemp(path.join(os.tmpdir(), 'dydisnix-pkg-'));
    const file = path.join(dir, 'services.nix');
    await writeFile(file, '{system, pkgs, distribution, invDistribution}: rec { a = { name = "a"; pkg = ./comp; }; b = { name = "b"; pkg = "/abs/b"; dependsOn = { inherit a; }; }; }');
    const shaped = (await evalNixModel('services', file, { evaluatePkg: true })) as Record<string, { pkg?: string }>;
    expect(shaped.a!.pkg).toBe(path.join(dir, 'comp'));
    expect(shaped.b!.pkg).toBe('/abs/b');
    const planned = (await evalNixModel('services', file)) as Record<string, { pkg?: string }>;
    expect(planned.a!.pkg).toBeUndefined();
    await writeFile(file, '{system, pkgs, distribution, invDistribution}: { c = { name = "c"; pkg = {x}: x; }; }');
    await expect(evalNixModel('services', file, { evaluatePkg: true })).rejects.toThrow(/services\.c\.pkg: to deploy, pkg must be a path/);
  });
});
