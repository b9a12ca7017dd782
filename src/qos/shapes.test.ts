import { describe, expect, it } from 'vitest';
import type { Distribution } from '../model/types.js';
import { distributionFromShape, distributionShape } from './shapes.js';

describe('distribution shapes', () => {
  const typed = (): Distribution => ({ a: [{ target: 't1' }, { target: 't2', container: 'c' }], b: [{ target: 't2' }] });

  it('round-trip through the cache without conversions while unchanged', () => {
    const distribution = typed();
    const shape = distributionShape(distribution);
    expect(shape).toEqual({ a: ['t1', { target: 't2', container: 'c' }], b: ['t2'] });
    expect(distributionShape(distribution)).toBe(shape);
    expect(distributionFromShape(shape, undefined, 'x')).toBe(distribution);
  });

  it('see the changes policy code makes to a shape it was given', () => {
    const distribution = typed();
    const shape = distributionShape(distribution);
    delete shape.b;
    shape.a!.reverse();
    shape.c = ['t3'];
    expect(distributionFromShape(shape, undefined, 'x')).toEqual({ a: [{ target: 't2', container: 'c' }, { target: 't1' }], c: [{ target: 't3' }] });
    // The typed distribution is untouched, and its shape is made afresh.
    expect(distributionShape(distribution)).toEqual({ a: ['t1', { target: 't2', container: 'c' }], b: ['t2'] });

    const other = typed();
    const otherShape = distributionShape(other);
    (otherShape.a![1] as { container?: string }).container = 'd';
    otherShape.b!.push('t1');
    expect(distributionFromShape(otherShape, undefined, 'x')).toEqual({ a: [{ target: 't1' }, { target: 't2', container: 'd' }], b: [{ target: 't2' }, { target: 't1' }] });
  });
});
