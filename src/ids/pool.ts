/**
 * An ID pool: the lattice `min + i·step` (i ≥ 0) up to `max`. Every ID we hand out and every ID we
 * retain lies on this lattice, so "pool size" and "depleted" have one meaning for every step.
 */
import type { IdResource } from '../model/types.js';

export class Pool {
  readonly min: number;
  readonly max: number;
  readonly step: number;
  /** Number of lattice points: the most IDs this pool can ever hold at once. */
  readonly size: number;

  constructor(
    readonly name: string,
    resource: Pick<IdResource, 'min' | 'max' | 'step'>,
  ) {
    this.min = resource.min;
    this.max = resource.max;
    // The loader already turns a missing or 0 step into 1; be defensive for direct callers.
    this.step = resource.step >= 1 ? resource.step : 1;
    this.size = this.max < this.min ? 0 : Math.floor((this.max - this.min) / this.step) + 1;
  }

  /** Whether `id` is a lattice point of the pool (inside [min, max] and `min + i·step`). */
  contains(id: number): boolean {
    return Number.isInteger(id) && id >= this.min && id <= this.max && (id - this.min) % this.step === 0;
  }

  valueAt(index: number): number {
    return this.min + index * this.step;
  }

  indexOf(id: number): number {
    return (id - this.min) / this.step;
  }

  /**
   * Index of the first candidate after the last assignment: the next lattice point above `last`,
   * wrapping to `min` past `max`. A `last` below the pool starts at `min` (fix B10: never below min).
   */
  startIndex(last: number | undefined): number {
    if (last === undefined || last < this.min || this.size === 0) return 0;
    const index = Math.floor((last - this.min) / this.step) + 1;
    return index >= this.size ? 0 : index;
  }

  /** `3000..4000 step 3: 334 IDs`, for messages. */
  describe(): string {
    const ids = `${this.size} ID${this.size === 1 ? '' : 's'}`;
    return this.step === 1 ? `${this.min}..${this.max}: ${ids}` : `${this.min}..${this.max} step ${this.step}: ${ids}`;
  }
}
