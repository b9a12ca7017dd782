import { describe, expect, it } from 'vitest';
import { applyInfrastructurePatch, mergePatch } from './merge-patch.js';

describe('mergePatch (RFC 7396)', () => {
  it('follows the RFC examples', () => {
    expect(mergePatch({ a: 'b' }, { a: 'c' })).toEqual({ a: 'c' });
    expect(mergePatch({ a: 'b' }, { b: 'c' })).toEqual({ a: 'b', b: 'c' });
    expect(mergePatch({ a: 'b' }, { a: null })).toEqual({});
    expect(mergePatch({ a: 'b', b: 'c' }, { a: null })).toEqual({ b: 'c' });
    expect(mergePatch({ a: ['b'] }, { a: 'c' })).toEqual({ a: 'c' });
    expect(mergePatch({ a: 'c' }, { a: ['b'] })).toEqual({ a: ['b'] });
    expect(mergePatch({ a: { b: 'c' } }, { a: { b: 'd', c: null } })).toEqual({ a: { b: 'd' } });
    expect(mergePatch({ a: [{ b: 'c' }] }, { a: [1] })).toEqual({ a: [1] });
    expect(mergePatch(['a', 'b'], ['c', 'd'])).toEqual(['c', 'd']);
    expect(mergePatch({ a: 'b' }, ['c'])).toEqual(['c']);
    expect(mergePatch({ a: 'foo' }, null)).toBeNull();
    expect(mergePatch({ a: 'foo' }, 'bar')).toBe('bar');
    expect(mergePatch({ e: null }, { a: 1 })).toEqual({ e: null, a: 1 });
    expect(mergePatch([1, 2], { a: 'b', c: null })).toEqual({ a: 'b' });
    expect(mergePatch({}, { a: { bb: { ccc: null } } })).toEqual({ a: { bb: {} } });
  });
  it('never mutates its inputs', () => {
    const target = { a: { b: 1 } };
    mergePatch(target, { a: { b: 2 } });
    expect(target).toEqual({ a: { b: 1 } });
  });
});

describe('applyInfrastructurePatch', () => {
  const infra = { t1: { properties: { mem: 1 } }, t2: { properties: { mem: 2 } } };
  it('"*" patches every existing target first, then named targets override', () => {
    expect(applyInfrastructurePatch(infra, { '*': { properties: { zone: 'eu' } }, t2: { properties: { zone: 'us' } }, t3: { properties: { mem: 3 } } })).toEqual({
      t1: { properties: { mem: 1, zone: 'eu' } },
      t2: { properties: { mem: 2, zone: 'us' } },
      t3: { properties: { mem: 3 } },
    });
  });
  it('null removes a target', () => {
    expect(applyInfrastructurePatch(infra, { t1: null })).toEqual({ t2: { properties: { mem: 2 } } });
  });
});
