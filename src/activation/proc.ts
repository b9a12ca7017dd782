/**
 * Process inspection through /proc (Linux): is a process alive, when did it start (clock ticks since
 * boot, field 22 of /proc/<pid>/stat), which process group and session it belongs to. Used by the test
 * and benchmark support (reaper.ts); libexec/dysnomia/process reads /proc the same way.
 */
import { readFileSync, readdirSync } from 'node:fs';

export interface ProcStat {
  pid: number;
  /** One-letter state: R, S, D, Z (zombie), T, … */
  state: string;
  ppid: number;
  pgrp: number;
  session: number;
  /** Clock ticks since boot. */
  startTime: number;
  /** The command name (comm) without parentheses. */
  comm: string;
}

/** Parse the text of /proc/<pid>/stat. The comm field may hold spaces and parentheses. */
export function parseStat(text: string): ProcStat | undefined {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return undefined;
  const pid = Number(text.slice(0, open).trim());
  const rest = text.slice(close + 2).trim().split(/\s+/);
  // rest[0] is field 3 (state); field n is rest[n - 3].
  const field = (n: number) => Number(rest[n - 3]);
  const stat: ProcStat = {
    pid,
    state: rest[0] ?? '?',
    ppid: field(4),
    pgrp: field(5),
    session: field(6),
    startTime: field(22),
    comm: text.slice(open + 1, close),
  };
  if (![stat.pid, stat.ppid, stat.pgrp, stat.session, stat.startTime].every(Number.isFinite)) return undefined;
  return stat;
}

/** The stat of a process, or undefined when it does not exist (or is unreadable). */
export function readStat(pid: number): ProcStat | undefined {
  try {
    return parseStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Alive = exists and is not a zombie (a zombie cannot be signalled into doing anything any more). */
export function isAlive(pid: number): boolean {
  const stat = readStat(pid);
  return stat !== undefined && stat.state !== 'Z' && stat.state !== 'X';
}

/** Live (non-zombie) processes matching `predicate`, excluding ourselves. */
export function findProcesses(predicate: (stat: ProcStat) => boolean): ProcStat[] {
  const found: ProcStat[] = [];
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return found;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid === process.pid) continue;
    const stat = readStat(pid);
    if (!stat || stat.state === 'Z' || stat.state === 'X') continue;
    if (predicate(stat)) found.push(stat);
  }
  return found;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Poll `condition` with a short back-off (1 ms doubling up to 25 ms) until it holds or `timeoutMs`
 * passes; returns whether it held. Cheap conditions only (a stat, a /proc read).
 */
export async function pollUntil(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  let delay = 1;
  for (;;) {
    if (condition()) return true;
    const left = deadline - Date.now();
    if (left <= 0) return false;
    await sleep(Math.min(delay, left));
    delay = Math.min(delay * 2, 25);
  }
}

/** USER_HZ: the unit of /proc start times. 100 on every Linux architecture Node runs on. */
const CLOCK_TICKS_PER_SECOND = 100;
let bootTimeMs: number | undefined;

/** Boot time (`btime` of /proc/stat), in ms since the epoch; undefined when /proc cannot tell. */
export function bootTime(): number | undefined {
  if (bootTimeMs !== undefined) return bootTimeMs;
  try {
    const match = /^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'));
    if (match) bootTimeMs = Number(match[1]) * 1000;
  } catch {
    // not Linux, or /proc is not mounted
  }
  return bootTimeMs;
}

/** When a process started (its start time in clock ticks since boot), as a Date (second precision). */
export function startedAt(startTicks: number): Date | undefined {
  const boot = bootTime();
  return boot === undefined ? undefined : new Date(boot + Math.floor(startTicks / CLOCK_TICKS_PER_SECOND) * 1000);
}
