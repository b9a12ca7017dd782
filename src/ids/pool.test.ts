import { describe, expect, it } from 'vitest';
import { Pool } from './pool.js';

describe('Pool', () => {
  it('is the lattice min + i·step up to max', () => {
    const pool = new Pool('influxdbPorts', { min: 8086, max: 8096, step: 3 });
    expect(pool.size).toBe(4); // 8086 8089 8092 8095
    expect([0, 1, 2, 3].map((i) => pool.valueAt(i))).toEqual([8086, 8089, 8092, 8095]);
    expect(pool.contains(8089)).toBe(true);
    expect(pool.contains(8087)).toBe(false);
    expect(pool.contains(8098)).toBe(false);
    expect(pool.contains(8083)).toBe(false);
    expect(pool.describe()).toBe('8086..8096 step 3: 4 IDs');
  });

  it('starts after the last assignment, wrapping to min, never below min (B10)', () => {
    const pool = new Pool('ports', { min: 3000, max: 4000, step: 1 });
    expect(pool.startIndex(undefined)).toBe(0);
    expect(pool.valueAt(pool.startIndex(3000))).toBe(3001);
    expect(pool.valueAt(pool.startIndex(4000))).toBe(3000);
    expect(pool.valueAt(pool.startIndex(9999))).toBe(3000);
    expect(pool.valueAt(pool.startIndex(100))).toBe(3000);
    expect(pool.valueAt(pool.startIndex(2999))).toBe(3000);
    expect(pool.describe()).toBe('3000..4000: 1001 IDs');
  });

  it('starts at the next lattice point after an off-lattice last assignment', () => {
    const pool = new Pool('p', { min: 10, max: 20, step: 5 });
    expect(pool.valueAt(pool.startIndex(11))).toBe(15);
    expect(pool.valueAt(pool.startIndex(15))).toBe(20);
    expect(pool.valueAt(pool.startIndex(19))).toBe(20);
    expect(pool.valueAt(pool.startIndex(20))).toBe(10);
  });

  it('treats a step below 1 as 1 and a single-ID pool as size 1', () => {
    expect(new Pool('p', { min: 5, max: 5, step: 0 }).size).toBe(1);
    expect(new Pool('p', { min: 5, max: 7, step: 0 }).step).toBe(1);
  });
});
