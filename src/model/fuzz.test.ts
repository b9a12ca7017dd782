/**
 * Property test of the model readers (docs/limits.md): the example fixtures, mutated (byte flips,
 * deletions, duplications, type swaps, deep nesting, odd names), are read in-process and written
 * back. Every case must either succeed or fail with one of our typed errors naming the file; an
 * uncaught exception (a stack overflow, a TypeError) or a message without the file fails the test.
 * The generator is seeded: a failure names the case, which reproduces it.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DydisnixError } from '../errors.js';
import type { ModelKind } from './types.js';

const EXAMPLE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/example');
const KINDS: [ModelKind, string][] = [
  ['services', 'services'],
  ['infrastructure', 'infrastructure'],
  ['distribution', 'distribution'],
  ['idresources', 'idresources'],
  ['ids', 'ids'],
  ['docs', 'docs'],
];
const CASES_PER_FIXTURE = 150; // × 6 kinds × 2 formats = 1,800 cases, ~20 s on a loaded 2-core machine
/** Any one case taking longer than this is a hang in the making (generous: the machine is shared). */
const CASE_BOUND_MS = 20_000;

/** mulberry32: small, seeded, good enough to pick mutations. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ODD_NAMES = ['__proto__', '..', '.', '', 'constructor', 'toString', 'a/b', '-x', 'x'.repeat(300), '\u0000', 'hasOwnProperty', 'ö'];
const ODD_VALUES: unknown[] = [null, true, -1, 2 ** 60, 1.5, '', 'x', [], {}, [[[]]], { a: { b: {} } }, -0, 1e308];
const STRUCTURAL = '{}[]<>"\'/:,=&;#\\ \n0-.aZ\u0000\u00ff';

type Mutator = (text: string, format: 'json' | 'xml', rnd: () => number) => string;

const pick = <T>(items: readonly T[], rnd: () => number): T => items[Math.floor(rnd() * items.length)]!;

const flip: Mutator = (text, _f, rnd) => {
  const at = Math.floor(rnd() * text.length);
  return text.slice(0, at) + pick([...STRUCTURAL], rnd) + text.slice(at + 1);
};
const remove: Mutator = (text, _f, rnd) => {
  const at = Math.floor(rnd() * text.length);
  return text.slice(0, at) + text.slice(at + 1 + Math.floor(rnd() * 20));
};
const duplicate: Mutator = (text, _f, rnd) => {
  const at = Math.floor(rnd() * text.length);
  const span = text.slice(at, at + 1 + Math.floor(rnd() * 40));
  return text.slice(0, at) + span + text.slice(at);
};

/** Walks a parsed JSON value and replaces one node (or one key) chosen at random. */
function mutateJson(text: string, rnd: () => number, replace: (value: unknown, key: string | undefined, rnd: () => number) => { key?: string; value: unknown }): string {
  const root = JSON.parse(text) as unknown;
  const slots: [Record<string, unknown> | unknown[], string | number][] = [];
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (node === null || typeof node !== 'object') continue;
    for (const key of Array.isArray(node) ? node.keys() : Object.keys(node)) {
      slots.push([node as Record<string, unknown>, key]);
      stack.push((node as Record<string | number, unknown>)[key]);
    }
  }
  if (slots.length === 0) return text;
  const [parent, key] = pick(slots, rnd);
  const old = (parent as Record<string | number, unknown>)[key];
  const next = replace(old, typeof key === 'string' ? key : undefined, rnd);
  if (next.key !== undefined && !Array.isArray(parent)) {
    delete (parent as Record<string, unknown>)[key as string];
    Object.defineProperty(parent, next.key, { value: next.value, enumerable: true, writable: true, configurable: true });
  } else (parent as Record<string | number, unknown>)[key] = next.value;
  return JSON.stringify(root);
}

/** A value nested `levels` deep, built iteratively (JSON.stringify handles any depth). */
function nested(levels: number, rnd: () => number): unknown {
  let value: unknown = 1;
  const asList = rnd() < 0.5;
  for (let i = 0; i < levels; i++) value = asList ? [value] : { a: value };
  return value;
}

const deepLevels = (rnd: () => number) => pick([990, 1_000, 1_001, 2_000, 100_000], rnd);

const swapType: Mutator = (text, format, rnd) =>
  format === 'json' ? mutateJson(text, rnd, (_old, _key, r) => ({ value: pick(ODD_VALUES, r) })) : text.replace(/type="(\w+)"/, `type="${pick(['int', 'float', 'bool', 'list', 'attrs', 'string', 'nope'], rnd)}"`);

const deepen: Mutator = (text, format, rnd) => {
  const levels = deepLevels(rnd);
  if (format === 'json') return mutateJson(text, rnd, () => ({ value: nested(levels, rnd) }));
  const close = text.indexOf('</property>');
  if (close < 0) return text;
  const open = '<property name="d" type="attrs">';
  return `${text.slice(0, close)}${open.repeat(levels)}${'</property>'.repeat(levels)}${text.slice(close)}`;
};

const rename: Mutator = (text, format, rnd) => {
  const name = pick(ODD_NAMES, rnd);
  if (format === 'json') return mutateJson(text, rnd, (old) => ({ key: name, value: old }));
  const escaped = name.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/\u0000/g, '&#0;');
  const names = [...text.matchAll(/name="[^"]*"/g)];
  if (names.length === 0) return text;
  const match = pick(names, rnd);
  return text.slice(0, match.index) + `name="${escaped}"` + text.slice(match.index + match[0].length);
};

const elementTypo: Mutator = (text, format, rnd) => (format === 'xml' ? text.replace(/<(\w)(\w+)/, (_m, a: string, b: string) => `<${a}${b.slice(1)}`) : remove(text, format, rnd));

const MUTATORS: [string, Mutator][] = [
  ['flip', flip],
  ['remove', remove],
  ['duplicate', duplicate],
  ['swap-type', swapType],
  ['deepen', deepen],
  ['rename', rename],
  ['element-typo', elementTypo],
];

let dir: string;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dydisnix-fuzz-'));
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('model readers under mutated input', () => {
  for (const format of ['json', 'xml'] as const) {
    it(`never throw anything but a typed error naming the file (${format})`, async () => {
      const load = await import('./load.js');
      const { formatModel } = await import('./write.js');
      const services = await load.loadServices(path.join(EXAMPLE, 'services.json'));
      const infrastructure = await load.loadInfrastructure(path.join(EXAMPLE, 'infrastructure.json'));
      const read = (kind: ModelKind, file: string) => {
        switch (kind) {
          case 'services': return load.loadServices(file);
          case 'infrastructure': return load.loadInfrastructure(file);
          case 'distribution': return load.loadDistribution(file, { services, infrastructure });
          case 'idresources': return load.loadIdResources(file);
          case 'ids': return load.loadIds(file);
          case 'docs': return load.loadDocsConfig(file);
        }
      };
      const failures: string[] = [];
      let slowest = 0;
      let accepted = 0;
      let caseNumber = 0;
      for (const [kind, base] of KINDS) {
        const original = await fs.readFile(path.join(EXAMPLE, `${base}.${format}`), 'utf8');
        for (let i = 0; i < CASES_PER_FIXTURE; i++) {
          const seed = ++caseNumber * 7919 + (format === 'xml' ? 1 : 0);
          const rnd = random(seed);
          const [mutation, mutate] = pick(MUTATORS, rnd);
          let text = original;
          // One to three mutations on top of each other.
          for (let n = 1 + Math.floor(rnd() * 3); n > 0; n--) {
            try {
              text = (n === 1 ? mutate : pick(MUTATORS, rnd)[1])(text, format, rnd);
            } catch {
              // A JSON-level mutation of text an earlier flip made invalid: keep the text as it is.
            }
          }
          const file = path.join(dir, `case-${seed}.${format}`);
          await fs.writeFile(file, text);
          const label = `${kind} ${format} seed ${seed} (${mutation})`;
          const started = performance.now();
          try {
            const model = await read(kind, file);
            accepted++;
            for (const out of ['json', 'xml', 'nix'] as const) await formatModel(kind, model, out);
          } catch (error) {
            if (!(error instanceof DydisnixError)) failures.push(`${label}: uncaught ${String(error).slice(0, 200)}`);
            else if (!error.message.includes(path.basename(file))) failures.push(`${label}: no file name in "${error.message.slice(0, 200)}"`);
          } finally {
            slowest = Math.max(slowest, performance.now() - started);
            await fs.rm(file, { force: true });
          }
        }
      }
      expect(failures.slice(0, 20)).toEqual([]);
      expect(slowest).toBeLessThan(CASE_BOUND_MS);
      // The mutations must not all be fatal, or the writers would never be exercised.
      expect(accepted).toBeGreaterThan(50);
    });
  }
});
