/**
 * The exclusive lock of a profile: `<state-dir>/<profile>/lock`, created with O_EXCL and holding who
 * owns it (pid, the process start time and the boot id, which together identify a process even after
 * its pid is reused). A second run fails fast naming the holder; a lock whose holder is gone (a killed
 * run, a reboot) is stale and taken over.
 */
import { readFileSync } from 'node:fs';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ActivationError } from '../errors.js';

export interface LockInfo {
  pid: number;
  /** Start time of the holder in clock ticks since boot (/proc/<pid>/stat field 22). */
  startTime: number | null;
  bootId: string;
  hostname: string;
  command: string;
  acquiredAt: string;
}

export class LockedError extends ActivationError {
  override name = 'LockedError';
  constructor(readonly file: string, readonly holder: LockInfo | undefined) {
    super(
      holder
        ? `the profile is locked by another deployment: pid ${holder.pid} (${holder.command}) since ${holder.acquiredAt} on ${holder.hostname}; lock file ${file}`
        : `the profile is locked by another deployment (lock file ${file})`,
    );
  }
}

function procStartTime(pid: number): number | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = text.slice(text.lastIndexOf(')') + 2).trim().split(/\s+/);
    if (rest[0] === 'Z' || rest[0] === 'X') return null;
    const value = Number(rest[19]);
    return Number.isFinite(value) ? value : null;
  } catch {
    return null;
  }
}

let boot: string | undefined;
function bootId(): string {
  if (boot === undefined) {
    try {
      boot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    } catch {
      boot = 'unknown';
    }
  }
  return boot;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Is the process that wrote this lock still running? */
export function holderAlive(info: LockInfo): boolean {
  if (info.hostname !== os.hostname()) return true; // cannot tell: never steal a lock of another host
  if (info.bootId !== bootId()) return false;
  if (!pidAlive(info.pid)) return false;
  const start = procStartTime(info.pid);
  if (start === null && info.startTime !== null && process.platform === 'linux') return false; // a zombie
  return info.startTime === null || start === null || start === info.startTime;
}

export function currentHolder(command: string): LockInfo {
  return {
    pid: process.pid,
    startTime: procStartTime(process.pid),
    bootId: bootId(),
    hostname: os.hostname(),
    command,
    acquiredAt: new Date().toISOString(),
  };
}

async function readLock(file: string): Promise<LockInfo | undefined | 'missing'> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw error;
  }
  try {
    const info = JSON.parse(text) as LockInfo;
    return typeof info.pid === 'number' ? info : undefined;
  } catch {
    return undefined; // torn or garbage: treated as stale below unless it is fresh
  }
}

export interface Lock {
  file: string;
  /** The holder whose stale lock was taken over, if any. */
  tookOverFrom?: LockInfo | undefined;
  release(): Promise<void>;
}

/** Acquire the lock or throw LockedError at once (never waits). */
export async function acquireLock(dir: string, command: string): Promise<Lock> {
  await fs.mkdir(dir, { recursive: true });
  const file = path.join(dir, 'lock');
  const me = currentHolder(command);
  let tookOverFrom: LockInfo | undefined;
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      // Write the content first, then publish it atomically: the lock is never seen half-written.
      const tmp = `${file}.${process.pid}.tmp`;
      await fs.writeFile(tmp, `${JSON.stringify(me, null, 2)}\n`);
      try {
        await fs.link(tmp, file);
      } finally {
        await fs.rm(tmp, { force: true });
      }
      const release = async () => {
        const current = await readLock(file);
        if (current !== 'missing' && current && current.pid === me.pid && current.startTime === me.startTime) await fs.rm(file, { force: true });
      };
      return { file, tookOverFrom, release };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = await readLock(file);
    if (holder === 'missing') continue;
    if (holder && holderAlive(holder)) throw new LockedError(file, holder);
    if (!holder) {
      // Unreadable content: only stale if it is old (a writer never leaves it unreadable: link is atomic).
      const stat = await fs.stat(file).catch(() => undefined);
      if (stat && Date.now() - stat.mtimeMs < 5_000) throw new LockedError(file, undefined);
    }
    // Stale: move it aside under a private name (atomic; only one contender wins), then check that
    // what we moved is the stale lock we judged and not a fresh one that replaced it meanwhile.
    const aside = `${file}.stale.${process.pid}`;
    try {
      await fs.rename(file, aside);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw error;
    }
    const moved = await readLock(aside);
    if (moved !== 'missing' && moved && holderAlive(moved)) {
      await fs.link(aside, file).catch(() => undefined);
      await fs.rm(aside, { force: true });
      throw new LockedError(file, moved);
    }
    await fs.rm(aside, { force: true });
    tookOverFrom = holder ?? undefined;
  }
  throw new LockedError(file, undefined);
}
