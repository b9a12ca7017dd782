/**
 * A fake activator for tests and the benchmark's planning checks: records every call in order, keeps
 * a set of "running" units, and can be told to fail or to take time.
 */
import type { Unit } from './manifest.js';
import type { Activator, Operation } from './transition.js';

export interface FakeCall {
  operation: Operation;
  key: string;
  service: string;
  target: string;
}

export class FakeActivator implements Activator {
  readonly calls: FakeCall[] = [];
  /** unit keys currently active */
  readonly running = new Set<string>();
  /** `operation service`, `operation service@target/container` or `operation service#fingerprint` → failure message */
  readonly failures = new Map<string, string>();
  /** Highest number of concurrent jobs seen per target. */
  readonly peak = new Map<string, number>();
  private readonly current = new Map<string, number>();

  constructor(private readonly delayMs: (unit: Unit, operation: Operation) => number = () => 0) {}

  failOn(operation: Operation, service: string, message = `${operation} of ${service} failed (fake)`): this {
    this.failures.set(`${operation} ${service}`, message);
    return this;
  }

  async run(operation: Operation, unit: Unit): Promise<void> {
    this.calls.push({ operation, key: unit.key, service: unit.service, target: unit.target });
    const now = (this.current.get(unit.target) ?? 0) + 1;
    this.current.set(unit.target, now);
    this.peak.set(unit.target, Math.max(this.peak.get(unit.target) ?? 0, now));
    try {
      const delay = this.delayMs(unit, operation);
      await new Promise((resolve) => setTimeout(resolve, delay));
      const failure =
        this.failures.get(`${operation} ${unit.service}`) ?? this.failures.get(`${operation} ${unit.key}`) ?? this.failures.get(`${operation} ${unit.service}#${unit.fingerprint}`);
      if (failure) throw new Error(failure);
      if (operation === 'activate') this.running.add(unit.key);
      if (operation === 'deactivate') this.running.delete(unit.key);
    } finally {
      this.current.set(unit.target, this.current.get(unit.target)! - 1);
    }
  }

  /** `operation service` strings of the calls, excluding lock/unlock. */
  steps(): string[] {
    return this.calls.filter((c) => c.operation === 'activate' || c.operation === 'deactivate').map((c) => `${c.operation} ${c.service}`);
  }
}
