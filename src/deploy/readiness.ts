/**
 * The readiness step of a transition (docs/deploy.md, "Readiness"): after a unit was activated, wait
 * until its readiness check passes, so that its dependents start against a service that answers. The
 * checks themselves are in src/activation/readiness.ts. They run on the coordinator: a `tcp` or `http`
 * check names the address it probes (loopback by default, which suits local targets).
 */
import { ActivationError } from '../errors.js';
import { describeCheck, waitUntilReady } from '../activation/readiness.js';
import type { Unit } from './manifest.js';

export function readinessStep(log: (line: string) => void = () => {}): (unit: Unit) => Promise<void> {
  return async (unit) => {
    const check = unit.readiness;
    if (!check) return;
    const what = describeCheck(check);
    log(`[target: ${unit.target}]: Waiting for service ${unit.service} to be ready (${what}, up to ${check.timeoutS} s)`);
    const started = performance.now();
    const result = await waitUntilReady(check, { component: unit.pkg, environment: unit.environment });
    const seconds = ((performance.now() - started) / 1000).toFixed(2);
    if (result.ready) {
      log(`[target: ${unit.target}]: Service ${unit.service} is ready (${what}: ${result.last.result}, after ${seconds} s)`);
      return;
    }
    throw new ActivationError(
      `service ${unit.service} did not become ready within ${check.timeoutS} s: readiness check ${what} failed ${result.attempts} time(s), last result: ${result.last.result}`,
    );
  };
}
