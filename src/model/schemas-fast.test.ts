/**
 * The plain-structure checks of schemas.ts decide whether zod runs at all, so each must be a sound
 * subset of its zod schema: whatever a check accepts, zod accepts unchanged. Random documents, valid
 * and broken in every way the generator knows, are checked against zod itself.
 */
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../util/random.js';
import { isPlainDistribution, isPlainDocs, isPlainIdResources, isPlainIds, isPlainInfrastructure, isPlainServices, servicesFromRaw } from './schemas.js';
import { parseWith } from './schemas-zod.js';
import type { ModelKind } from './types.js';

type Random = () => number;
const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

/** A value of any kind, sometimes one the schemas refuse (NaN, Infinity, a function, a Map). */
function anyValue(random: Random, depth = 0): unknown {
  const kinds = ['string', 'int', 'float', 'bool', 'null', 'undefined', 'list', 'attrs', 'odd'] as const;
  switch (pick(random, depth > 2 ? kinds.slice(0, 6) : kinds)) {
    case 'string':
      return pick(random, ['', 'a', 'machine', 'global', '3000']);
    case 'int':
      return pick(random, [0, 1, -1, 3000, 2 ** 53]);
    case 'float':
      return pick(random, [0.5, -2.5, Number.NaN, Number.POSITIVE_INFINITY]);
    case 'bool':
      return random() < 0.5;
    case 'null':
      return null;
    case 'undefined':
      return undefined;
    case 'list':
      return Array.from({ length: Math.floor(random() * 3) }, () => anyValue(random, depth + 1));
    case 'attrs':
      return attrs(random, () => anyValue(random, depth + 1));
    case 'odd':
      return pick(random, [() => 1, new Map(), new Date(0), Object.create(null) as object]);
  }
}

function attrs(random: Random, value: () => unknown, keys: readonly string[] = ['a', 'b', 'c', '__proto__']): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    if (random() < 0.5) Object.defineProperty(out, key, { value: value(), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** A record of entries that mostly use the given fields with plausible values, sometimes anything. */
function document(random: Random, fields: Record<string, () => unknown>): Record<string, unknown> {
  return attrs(random, () => {
    if (random() < 0.05) return anyValue(random);
    const entry: Record<string, unknown> = {};
    for (const [field, value] of Object.entries(fields)) if (random() < 0.6) entry[field] = random() < 0.1 ? anyValue(random) : value();
    if (random() < 0.05) entry.unknownField = 1;
    return entry;
  });
}

const GENERATORS: Record<ModelKind, [(raw: unknown) => boolean, (random: Random) => unknown]> = {
  services: [
    isPlainServices,
    (r) => document(r, { name: () => 'a', type: () => 'process', dependsOn: () => ['b'], stateful: () => true, providesContainers: () => ({ c: { x: 1 } }), custom: () => anyValue(r) }),
  ],
  infrastructure: [
    isPlainInfrastructure,
    (r) => document(r, { properties: () => attrs(r, () => anyValue(r)), containers: () => attrs(r, () => attrs(r, () => anyValue(r))), system: () => 'x86_64-linux', numOfCores: () => pick(r, [0, 1, 2, 1.5]) }),
  ],
  distribution: [isPlainDistribution, (r) => attrs(r, () => (r() < 0.1 ? anyValue(r) : [pick(r, ['t1', { target: 't2' }, { target: 't2', container: 'c' }, { container: 'c' }, 3])]))],
  idresources: [isPlainIdResources, (r) => document(r, { min: () => pick(r, [0, 3000, -1, 1.5]), max: () => 4000, scope: () => pick(r, ['global', 'machine', '', 'galaxy']), step: () => pick(r, [0, 1, -1]) })],
  ids: [
    isPlainIds,
    (r) => {
      const id = () => pick(r, [1, 1, 1, 1.5, '1']);
      const table = () => (r() < 0.5 ? attrs(r, id) : attrs(r, () => attrs(r, id)));
      return r() < 0.1 ? anyValue(r) : attrs(r, table, ['ids', 'lastAssignments', 'lastAssignmentsPerTarget', 'other']);
    },
  ],
  docs: [isPlainDocs, (r) => attrs(r, () => pick(r, [{ a: 'x' }, ['x'], { a: 1 }, 'x', null]), ['groups', 'fields', 'descriptions', 'other'])],
};

const hasProtoAttribute = (raw: unknown) => Object.values(raw as Record<string, object>).some((entry) => Object.hasOwn(entry, '__proto__'));

describe('plain-structure checks are sound subsets of the zod schemas', () => {
  for (const [kind, [isPlain, generate]] of Object.entries(GENERATORS) as [ModelKind, (typeof GENERATORS)[ModelKind]][]) {
    it(kind, () => {
      const random = seededRandom(15);
      let accepted = 0;
      for (let i = 0; i < 2000; i++) {
        const raw = generate(random);
        if (!isPlain(raw)) continue;
        if (kind === 'services' && hasProtoAttribute(raw)) {
          // The one intended difference: zod would drop the attribute, servicesFromRaw refuses it.
          expect(() => servicesFromRaw(raw, 'doc.json')).toThrow('the attribute name "__proto__" is reserved');
          continue;
        }
        accepted++;
        // zod accepts it, and returns what the fast path uses as it is.
        expect(parseWith(kind, raw, 'doc.json')).toEqual(raw);
      }
      // The generator does produce documents the fast path accepts (the test is not vacuous).
      expect(accepted).toBeGreaterThan(20);
    });
  }
});
