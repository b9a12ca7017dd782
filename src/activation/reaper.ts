/**
 * Test and benchmark support: find and kill every process carrying a marker environment variable.
 * Give each test a fresh marker in the environment of everything it starts; afterwards `reap(marker)`
 * KILLs whatever is left (process group first), even when the test failed half-way.
 */
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { findProcesses, pollUntil, readStat } from './proc.js';

export const MARKER_VAR = 'DYDISNIX_ACTIVATION_MARK';

export function newMarker(): string {
  return randomBytes(8).toString('hex');
}

/** Live processes whose environment holds `MARKER_VAR=marker`. */
export function markedProcesses(marker: string): number[] {
  const needle = `${MARKER_VAR}=${marker}`;
  return findProcesses((stat) => {
    try {
      return readFileSync(`/proc/${stat.pid}/environ`, 'utf8').split('\0').includes(needle);
    } catch {
      return false;
    }
  }).map((stat) => stat.pid);
}

/** KILL every marked process (and its group when the group is not ours); returns how many there were. */
export async function reap(marker: string): Promise<number> {
  const pids = markedProcesses(marker);
  const ownGroup = readStat(process.pid)?.pgrp;
  for (const pid of pids) {
    const group = readStat(pid)?.pgrp;
    try {
      if (group !== undefined && group > 1 && group !== ownGroup) process.kill(-group, 'SIGKILL');
    } catch {
      // gone already
    }
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone already
    }
  }
  await pollUntil(() => markedProcesses(marker).length === 0, 5000);
  return pids.length;
}
