/**
 * The status the process module's supervisor keeps for a service with `restart` set
 * (`$DYSNOMIA_STATEDIR/supervisor/<container>/<component>`, JSON, written by
 * libexec/dysnomia/lib/supervisor; docs/activation.md, "Supervision"). It is how a reader such as
 * `dydisnix-query` learns how often a daemon was restarted.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Names } from './state.js';

export interface SupervisorStatus {
  version: 1;
  policy: 'on-failure' | 'always';
  /** The supervisor: the daemon the module started and recorded (its PID file names it). */
  supervisorPid: number;
  /** The supervised command while it runs; null while backing off or after the end. */
  pid: number | null;
  state: 'running' | 'backing-off' | 'gave-up' | 'exited';
  /** Restarts since the activation. */
  restarts: number;
  /** Failures in a row (the limit counts these). */
  streak: number;
  /** The delays (ms) of the current streak, in order: the back-off. */
  backoffMs: number[];
  lastExitStatus: number | null;
  /** Epoch milliseconds. */
  lastExitAt: number | null;
}

export function supervisorStatusFile(names: Names): string {
  return path.join(names.stateDir, 'supervisor', names.container, names.component);
}

/** The status, or undefined when the service is not supervised (or the file cannot be read). */
export function readSupervisorStatus(names: Names): SupervisorStatus | undefined {
  try {
    const data = JSON.parse(readFileSync(supervisorStatusFile(names), 'utf8')) as SupervisorStatus;
    return data && data.version === 1 && typeof data.restarts === 'number' ? data : undefined;
  } catch {
    return undefined;
  }
}
