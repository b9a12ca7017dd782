/**
 * Whether a deployed unit is running (docs/deploy.md, "Converge"). Only process units have a daemon to
 * check: the process module records the daemon it started (src/activation/state.ts), and the daemon
 * counts as alive while that PID runs with the recorded start time (a reused PID is not ours).
 *
 * The probe is an interface so that a remote transport can answer it for a target on another machine;
 * `localProbe` reads the records this machine's modules wrote under the profile.
 */
import { readStat, startedAt } from '../activation/proc.js';
import { componentName, containerName, readRecord } from '../activation/state.js';
import { readSupervisorStatus } from '../activation/supervision.js';
import { dysnomiaStateDir } from './activator.js';
import type { Unit } from './manifest.js';

export type Liveness =
  /** `startTime`: clock ticks since boot (field 22 of /proc/<pid>/stat), as the process module records it. */
  | { state: 'running'; pid: number; startTime?: number; since?: Date; restarts?: number }
  /** `restarts`: of a supervised daemon (restart=…), from its supervisor's record. */
  | { state: 'dead'; why: string; restarts?: number }
  /** Not a process unit, or nothing recorded that can be checked. */
  | { state: 'unknown' };

/** What a check needs to know of a unit (dydisnix-visualize --live checks manifest mappings too). */
export type ProbedUnit = Pick<Unit, 'type' | 'target' | 'pkg' | 'container'>;

export interface LivenessProbe {
  probe(unit: ProbedUnit): Promise<Liveness>;
}

const PROCESS_TYPES = new Set(['process']);

export function localProbe(profileDir: string): LivenessProbe {
  return {
    async probe(unit) {
      if (!PROCESS_TYPES.has(unit.type)) return { state: 'unknown' };
      const names = { stateDir: dysnomiaStateDir(profileDir, unit.target), component: componentName(unit.pkg), container: containerName(unit.container, unit.type) };
      const record = await readRecord(names);
      if (!record) return { state: 'dead', why: 'no process record' };
      // A supervised daemon (docs/activation.md, "Supervision"): the supervisor counts its restarts.
      const supervisor = readSupervisorStatus(names);
      const restarts = supervisor ? { restarts: supervisor.restarts } : {};
      const gaveUp = supervisor?.state === 'gave-up' ? `; its supervisor gave up after ${supervisor.streak} restarts in a row, last exit status ${supervisor.lastExitStatus}` : '';
      if (record.pid === undefined || record.startTime === undefined) return { state: 'dead', why: 'the daemon never wrote its PID file' };
      const stat = readStat(record.pid);
      if (!stat || stat.state === 'Z' || stat.state === 'X') return { state: 'dead', why: `process ${record.pid} is not running${gaveUp}`, ...restarts };
      if (stat.startTime !== record.startTime) return { state: 'dead', why: `process ${record.pid} is gone (its PID now belongs to another process)`, ...restarts };
      const since = startedAt(record.startTime);
      return { state: 'running', pid: record.pid, startTime: record.startTime, ...(since ? { since } : {}), ...restarts };
    },
  };
}

/** The unchanged units whose daemon is known to be dead: these are activated again. */
export async function deadUnits(units: Unit[], probe: LivenessProbe): Promise<{ unit: Unit; why: string }[]> {
  const results = await Promise.all(units.map(async (unit) => ({ unit, liveness: await probe.probe(unit) })));
  return results.flatMap(({ unit, liveness }) => (liveness.state === 'dead' ? [{ unit, why: liveness.why }] : []));
}
