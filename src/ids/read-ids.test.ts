import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseNixAttrs, readIdsModelSync, readIdsSync } from './read-ids.js';

describe('parseNixAttrs', () => {
  it('reads the layout dydisnix-id-assign writes', () => {
    const text = '{\n  "ids" = {\n    "ports" = {\n      "web" = 3000;\n    };\n    "uids" = {\n    };\n  };\n  "lastAssignments" = {\n    "ports" = 3000;\n  };\n}\n';
    expect(parseNixAttrs(text)).toEqual({ ids: { ports: { web: 3000 }, uids: {} }, lastAssignments: { ports: 3000 } });
  });

  it('reads hand-written forms: bare names, dotted paths, comments, strings, negative numbers', () => {
    const text = '# ids\n{ ids.ports.web = 3000; /* block */ ids.ports."my-app" = 3001; note = "a \\"b\\""; lastAssignments = { ports = -1; }; }';
    expect(parseNixAttrs(text)).toEqual({ ids: { ports: { web: 3000, 'my-app': 3001 } }, note: 'a "b"', lastAssignments: { ports: -1 } });
  });

  it('keeps __proto__ as a plain key', () => {
    const parsed = parseNixAttrs('{ ids = { __proto__ = { a = 1; }; }; }');
    expect(Object.getPrototypeOf(parsed.ids)).toBe(Object.prototype);
    expect(Object.keys(parsed.ids as object)).toEqual(['__proto__']);
  });

  it('refuses expressions it would have to evaluate, naming the line', () => {
    expect(() => parseNixAttrs('let x = 1; in { ids = {}; }', 'ids.nix')).toThrow(/^ids\.nix:1: expected "\{"/);
    expect(() => parseNixAttrs('{\n ids = import ./x.nix;\n}', 'ids.nix')).toThrow(/^ids\.nix:2: unexpected "\/" \(only literal IDs models/);
    expect(() => parseNixAttrs('{ a = 1; a = 2; }')).toThrow(/defined twice/);
    expect(() => parseNixAttrs('{ a = 1; } x')).toThrow(/unexpected text/);
  });
});

describe('readIdsSync', () => {
  it('returns {} when the file does not exist, and the ids section of .nix and .json files', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dydisnix-read-ids-'));
    expect(readIdsSync(path.join(dir, 'ids.nix'))).toEqual({});
    expect(readIdsModelSync(path.join(dir, 'ids.nix'))).toBeUndefined();
    await fs.writeFile(path.join(dir, 'ids.nix'), '{ "ids" = { "ports" = { "web" = 3000; }; }; }');
    await fs.writeFile(path.join(dir, 'ids.json'), '{ "ids": { "ports": { "web": 3001 } } }');
    expect(readIdsSync(path.join(dir, 'ids.nix'))).toEqual({ ports: { web: 3000 } });
    expect(readIdsSync(new URL(`file://${path.join(dir, 'ids.json')}`))).toEqual({ ports: { web: 3001 } });
  });
});
