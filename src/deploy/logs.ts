/**
 * A deployed service's log (`dydisnix-logs`; docs/deploy.md, "Logs"): the process module appends a
 * daemon's output to a log file per component and rotates it by size (docs/activation.md); this module
 * finds those files for the units of a service, prints their last lines and follows them, reopening
 * the file when it was rotated (its inode changed) or truncated.
 */
import { promises as fs, type Stats } from 'node:fs';
import { PlanningError } from '../errors.js';
import { componentName, containerName, logFile } from '../activation/state.js';
import { dysnomiaStateDir } from './activator.js';
import { manifestUnits, type Unit } from './manifest.js';
import { profileDir, readCurrentManifest } from './state.js';

export interface ServiceLog {
  unit: Unit;
  /** The current log file; `file.1` … are older, rotated ones. */
  file: string;
}

/** The log files of every unit of `service` (optionally on one target) in the current deployment. */
export async function serviceLogs(stateDir: string, profile: string, service: string, target?: string): Promise<ServiceLog[]> {
  const manifest = await readCurrentManifest(stateDir, profile);
  if (!manifest) throw new PlanningError(`profile "${profile}" in ${stateDir} was never deployed`);
  const units = manifestUnits(manifest).filter((unit) => unit.service === service);
  if (units.length === 0) {
    const deployed = [...new Set(manifest.mappings.map((m) => m.service))];
    throw new PlanningError(`service "${service}" is not deployed in profile "${profile}" (deployed: ${deployed.join(', ') || 'nothing'})`);
  }
  const chosen = target === undefined ? units : units.filter((unit) => unit.target === target);
  if (chosen.length === 0) throw new PlanningError(`service "${service}" is not deployed to target "${target}" (targets: ${units.map((u) => u.target).join(', ')})`);
  const dir = profileDir(stateDir, profile);
  return chosen.map((unit) => ({
    unit,
    file: logFile({ stateDir: dysnomiaStateDir(dir, unit.target), component: componentName(unit.pkg), container: containerName(unit.container, unit.type) }),
  }));
}

const CHUNK = 64 * 1024;

async function statOf(file: string): Promise<Stats | undefined> {
  return fs.stat(file).catch(() => undefined);
}

/** The rotated files of a log, oldest first, then the current one (those that exist). */
async function generationsOf(file: string): Promise<string[]> {
  const dir = file.slice(0, file.lastIndexOf('/'));
  const base = file.slice(file.lastIndexOf('/') + 1);
  const names = await fs.readdir(dir).catch(() => [] as string[]);
  const rotated = names
    .map((name) => (name.startsWith(`${base}.`) ? Number(name.slice(base.length + 1)) : NaN))
    .filter((n) => Number.isInteger(n) && n > 0)
    .sort((a, b) => b - a)
    .map((n) => `${file}.${n}`);
  return [...rotated, ...(names.includes(base) ? [file] : [])];
}

/**
 * The last `lines` lines (all with undefined) of a log, the rotated files included, and the size of the
 * current file when it was read (where following starts).
 */
export async function readLog(file: string, lines?: number): Promise<{ text: string; offset: number; ino?: number }> {
  const files = await generationsOf(file);
  const parts: Buffer[] = [];
  let newlines = 0;
  let offset = 0;
  let ino: number | undefined;
  // Newest first, reading each file backwards in chunks until enough lines are gathered.
  for (const name of [...files].reverse()) {
    const handle = await fs.open(name, 'r').catch(() => undefined);
    if (!handle) continue;
    try {
      const stat = await handle.stat();
      if (name === file) {
        offset = stat.size;
        ino = stat.ino;
      }
      let end = stat.size;
      while (end > 0 && (lines === undefined || newlines <= lines)) {
        const start = Math.max(0, end - CHUNK);
        const buffer = Buffer.alloc(end - start);
        await handle.read(buffer, 0, buffer.length, start);
        parts.unshift(buffer);
        for (const byte of buffer) if (byte === 0x0a) newlines++;
        end = start;
      }
    } finally {
      await handle.close();
    }
    if (lines !== undefined && newlines > lines) break;
  }
  let text = Buffer.concat(parts).toString('utf8');
  if (lines !== undefined) {
    const all = text.split('\n');
    const trailing = all.at(-1) === '' ? all.pop() : undefined;
    text = all.slice(Math.max(0, all.length - lines)).join('\n') + (trailing !== undefined && all.length > 0 ? '\n' : '');
    if (lines === 0) text = '';
  }
  return { text, offset, ...(ino !== undefined ? { ino } : {}) };
}

/**
 * Follow a log from `offset`: new data goes to `write`; a rotated (new inode) or truncated file is read
 * again from its start. Polls (cheap stats) every `intervalMs` until `signal` aborts.
 */
export async function followLog(
  file: string,
  from: { offset: number; ino?: number },
  write: (text: string) => void,
  signal: AbortSignal,
  intervalMs = 100,
): Promise<void> {
  let { offset, ino } = from;
  const decoder = new TextDecoder('utf8');
  while (!signal.aborted) {
    const stat = await statOf(file);
    if (stat) {
      if (ino !== undefined && stat.ino !== ino) {
        // Rotated: the file we followed is now `file.1`; print what it got since, then start the new one at 0.
        const previous = await statOf(`${file}.1`);
        if (previous?.ino === ino && previous.size > offset) write(decoder.decode(await readRange(`${file}.1`, offset, previous.size), { stream: true }));
        offset = 0;
      } else if (stat.size < offset) {
        offset = 0; // truncated
      }
      ino = stat.ino;
      if (stat.size > offset) {
        const handle = await fs.open(file, 'r').catch(() => undefined);
        if (handle) {
          try {
            const buffer = Buffer.alloc(Math.min(stat.size - offset, 4 * 1024 * 1024));
            const { bytesRead } = await handle.read(buffer, 0, buffer.length, offset);
            offset += bytesRead;
            const text = decoder.decode(buffer.subarray(0, bytesRead), { stream: true });
            if (text !== '') write(text);
          } finally {
            await handle.close();
          }
          continue;
        }
      }
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, intervalMs);
      signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
    });
  }
}

async function readRange(file: string, start: number, end: number): Promise<Buffer> {
  const handle = await fs.open(file, 'r');
  try {
    const buffer = Buffer.alloc(end - start);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, start);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}
