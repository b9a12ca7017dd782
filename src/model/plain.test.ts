import { describe, expect, it } from 'vitest';
import { ModelError } from '../errors.js';
import { checkPlain, MAX_DEPTH, plainCopy } from './plain.js';

/** `{ a: { a: … 1 } }` with `levels` objects. */
function nested(levels: number, kind: 'object' | 'array' = 'object'): unknown {
  let value: unknown = 1;
  for (let i = 0; i < levels; i++) value = kind === 'object' ? { a: value } : [value];
  return value;
}

function errorOf(run: () => unknown): ModelError {
  try {
    run();
  } catch (error) {
    if (error instanceof ModelError) return error;
    throw error;
  }
  throw new Error('expected a ModelError');
}

describe('checkPlain', () => {
  it('accepts exactly MAX_DEPTH levels and counts object keys', () => {
    expect(checkPlain(nested(MAX_DEPTH), 'm.json', 'services')).toBe(MAX_DEPTH);
    expect(checkPlain({ a: [1, { b: 2, c: [] }], d: 'x' }, 'm.json', 'services')).toBe(4);
    expect(checkPlain('scalar', 'm.json', 'services')).toBe(0);
  });

  it('refuses one level more, at any depth, naming file, path and limit', () => {
    for (const levels of [MAX_DEPTH + 1, 100_000]) {
      for (const kind of ['object', 'array'] as const) {
        const error = errorOf(() => checkPlain({ web: nested(levels - 1, kind) }, 'm.json', 'services'));
        expect(error.file).toBe('m.json');
        expect(error.path).toMatch(kind === 'object' ? /^services\.web\.a\.a\.a/ : /^services\.web\[0\]\[0\]/);
        expect(error.path).toMatch(/more levels\)$/);
        expect(error.detail).toContain(`more than ${MAX_DEPTH} levels`);
      }
    }
  });

  it('refuses a __proto__ key with its path (JSON.parse makes it an own key)', () => {
    const error = errorOf(() => checkPlain(JSON.parse('{"web": {"props": [{"__proto__": 1}]}}'), 's.json', 'services'));
    expect(error.message).toBe('s.json: services.web.props[0]: the name "__proto__" is not allowed (JavaScript objects cannot hold it; see docs/limits.md)');
  });
});

describe('plainCopy', () => {
  it('copies plain data, keeps shared objects shared and kept objects identical', () => {
    const shared = { x: 1 };
    const kept = { t: 1 };
    const copy = plainCopy({ a: shared, b: [shared, kept], f: Math.max }, 'm.js', 'model', new Set([kept])) as Record<string, unknown>;
    expect(copy).toEqual({ a: { x: 1 }, b: [{ x: 1 }, { t: 1 }], f: Math.max });
    expect(copy.a).not.toBe(shared);
    expect((copy.b as unknown[])[0]).toBe(copy.a);
    expect((copy.b as unknown[])[1]).toBe(kept);
  });

  it('reads getters once and reports one that throws with file and key', () => {
    const value = { web: { name: 'web', get pkg(): string { throw new Error('boom'); } } };
    expect(errorOf(() => plainCopy(value, 's.js', 'services')).message).toBe("s.js: services.web.pkg: the module's default export could not be read: boom");
  });

  it('reports Proxy traps that throw', () => {
    const trap = new Proxy({}, { ownKeys() { throw new TypeError('no keys'); } });
    expect(errorOf(() => plainCopy({ web: trap }, 's.js', 'services')).message).toBe("s.js: services.web: the module's default export could not be read: no keys");
    const { proxy, revoke } = Proxy.revocable([], {});
    revoke();
    expect(errorOf(() => plainCopy({ list: proxy }, 's.js', 'services')).path).toBe('services.list');
  });

  it('reports cycles as cycles', () => {
    const web: Record<string, unknown> = { name: 'web' };
    web.deps = [{ back: web }];
    expect(errorOf(() => plainCopy({ web }, 's.js', 'services')).message).toBe('s.js: services.web.deps[0].back: the value refers to itself (a cycle); models are trees of plain data');
  });

  it('refuses more than MAX_DEPTH levels without overflowing the stack', () => {
    expect(() => plainCopy(nested(MAX_DEPTH), 's.js', 'services')).not.toThrow();
    expect(errorOf(() => plainCopy(nested(100_000), 's.js', 'services')).detail).toContain(`more than ${MAX_DEPTH} levels`);
  });

  it('keeps a __proto__ key as a key (checkPlain then refuses it)', () => {
    const source = JSON.parse('{"__proto__": {"x": 1}}') as object;
    const copy = plainCopy(source, 's.js', 'services') as object;
    expect(Object.keys(copy)).toEqual(['__proto__']);
    expect(() => checkPlain(copy, 's.js', 'services')).toThrow(/"__proto__" is not allowed/);
  });
});
