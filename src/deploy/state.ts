/**
 * Deployment state on disk (docs/deploy.md):
 *
 *   <state-dir>/<profile>/manifest.json         the current deployment (absent: never deployed)
 *   <state-dir>/<profile>/generations/<N>.json  every committed generation, the current one included
 *   <state-dir>/<profile>/lock                  the exclusive lock of a running deployment
 *   <state-dir>/<profile>/transition.json       journal of a transition in progress (left by a killed run)
 *
 * Every file is written atomically (temp file + rename), so a killed run never leaves a torn file.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { UsageError } from '../errors.js';
import { writeFileAtomic } from '../io/atomic.js';
import type { Distribution } from '../model/types.js';
import { manifestDistribution, parseManifest, type Manifest, type Unit } from './manifest.js';

export const DEFAULT_PROFILE = 'default';

/** `$XDG_STATE_HOME/dydisnix`, else `~/.local/state/dydisnix`. */
export function defaultStateDir(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_STATE_HOME;
  if (xdg && path.isAbsolute(xdg)) return path.join(xdg, 'dydisnix');
  return path.join(env.HOME || os.homedir(), '.local', 'state', 'dydisnix');
}

export function checkProfileName(profile: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(profile)) {
    throw new UsageError(`invalid profile name "${profile}": use letters, digits, ".", "_" and "-" (not starting with "." or "-")`);
  }
  return profile;
}

export function profileDir(stateDir: string, profile: string = DEFAULT_PROFILE): string {
  return path.join(path.resolve(stateDir), checkProfileName(profile));
}

export const manifestFile = (stateDir: string, profile?: string) => path.join(profileDir(stateDir, profile), 'manifest.json');
export const generationsDir = (stateDir: string, profile?: string) => path.join(profileDir(stateDir, profile), 'generations');
export const generationFile = (stateDir: string, profile: string | undefined, n: number) => path.join(generationsDir(stateDir, profile), `${n}.json`);
export const journalFile = (stateDir: string, profile?: string) => path.join(profileDir(stateDir, profile), 'transition.json');

/**
 * A state path that cannot be read because of the user's folder (a file where the state folder should
 * be, no permission) is a usage error naming the path, not an internal one.
 */
function stateReadError(error: unknown, file: string): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOTDIR') return new UsageError(`${file}: cannot read the deployment state: a part of this path is not a folder (check --state-dir)`);
  if (code === 'EACCES' || code === 'EPERM') return new UsageError(`${file}: cannot read the deployment state: permission denied`);
  if (code === 'EISDIR') return new UsageError(`${file}: cannot read the deployment state: a folder where a file was expected`);
  return error;
}

async function readIfExists(file: string): Promise<string | undefined> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw stateReadError(error, file);
  }
}

/** The current deployment manifest, or null when the profile was never deployed. */
export async function readCurrentManifest(stateDir: string, profile: string = DEFAULT_PROFILE): Promise<Manifest | null> {
  const file = manifestFile(stateDir, profile);
  const text = await readIfExists(file);
  return text === undefined ? null : parseManifest(text, file);
}

/**
 * The distribution of the current deployment (reference §1.13), or null when there is none. An
 * undeployed profile gives an empty distribution.
 */
export async function previousDistributionFromState(stateDir: string, profile: string = DEFAULT_PROFILE): Promise<Distribution | null> {
  const manifest = await readCurrentManifest(stateDir, profile);
  return manifest ? manifestDistribution(manifest) : null;
}

/**
 * `-o/--old-profile PATH` (as disnix-deploy's old manifest): the deployment to switch from, given as a
 * manifest file (e.g. `<profile>/generations/3.json`) or a profile folder holding `manifest.json`.
 */
export async function readOldProfile(location: string): Promise<Manifest> {
  const stat = await fs.stat(location).catch(() => undefined);
  if (!stat) throw new UsageError(`--old-profile: ${location} does not exist`);
  const file = stat.isDirectory() ? path.join(location, 'manifest.json') : location;
  const text = await readIfExists(file);
  if (text === undefined) throw new UsageError(`--old-profile: ${location} holds no manifest.json (expected a manifest file or a profile folder)`);
  return parseManifest(text, file);
}

export async function readGeneration(stateDir: string, profile: string, n: number): Promise<Manifest | null> {
  const file = generationFile(stateDir, profile, n);
  const text = await readIfExists(file);
  return text === undefined ? null : parseManifest(text, file);
}

/** Generation numbers present on disk, ascending. */
export async function listGenerations(stateDir: string, profile: string = DEFAULT_PROFILE): Promise<number[]> {
  let names: string[];
  try {
    names = await fs.readdir(generationsDir(stateDir, profile));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw stateReadError(error, generationsDir(stateDir, profile));
  }
  return names
    .map((name) => /^(\d+)\.json$/.exec(name)?.[1])
    .filter((n): n is string => n !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
}

const manifestText = (manifest: Manifest) => `${JSON.stringify(manifest, null, 2)}\n`;

/**
 * Commit a manifest as a new generation (number = highest + 1) and make it current. The generation
 * file is written first: a crash between the two writes leaves the old current manifest.
 */
export async function commitNewGeneration(stateDir: string, profile: string, manifest: Manifest): Promise<Manifest> {
  const generations = await listGenerations(stateDir, profile);
  const next = (generations.at(-1) ?? 0) + 1;
  const committed: Manifest = { ...manifest, generation: next, deployedAt: new Date().toISOString() };
  await fs.mkdir(generationsDir(stateDir, profile), { recursive: true });
  await writeFileAtomic(generationFile(stateDir, profile, next), manifestText(committed));
  await writeFileAtomic(manifestFile(stateDir, profile), manifestText(committed));
  return committed;
}

/** Make an existing generation current again (rollback): no new number, like a Nix profile. */
export async function switchToGeneration(stateDir: string, profile: string, manifest: Manifest): Promise<void> {
  await fs.mkdir(profileDir(stateDir, profile), { recursive: true });
  await writeFileAtomic(manifestFile(stateDir, profile), manifestText(manifest));
}

/** State of each unit while a transition runs. Uncertain states are settled by the recovery. */
export type UnitState = 'active' | 'inactive' | 'activating' | 'deactivating';

export interface Journal {
  version: 1;
  pid: number;
  startedAt: string;
  /** The generation that was current when the transition started (0: none). */
  fromGeneration: number;
  /** Every unit involved, by journal id (`key#fingerprint`). */
  units: Record<string, Unit>;
  /** Journal ids of the units the interrupted deployment started from: what recovery restores. */
  restore: string[];
  state: Record<string, UnitState>;
  /**
   * Module processes running for this transition: PID → start time (clock ticks since boot). Modules
   * run in their own process groups, so they outlive a deployer killed with SIGKILL; recovery waits
   * for them before it settles anything.
   */
  modules?: Record<string, number>;
  /** The targets involved (infrastructure JSON shape), so that recovery can reach remote ones (docs/remote.md). */
  infrastructure?: Record<string, unknown>;
}

export const journalId = (unit: Unit) => `${unit.key}#${unit.fingerprint.slice(0, 16)}`;

export async function readJournal(stateDir: string, profile: string): Promise<Journal | null> {
  const file = journalFile(stateDir, profile);
  const text = await readIfExists(file);
  if (text === undefined) return null;
  try {
    const journal = JSON.parse(text) as Journal;
    if (journal.version !== 1 || typeof journal.units !== 'object' || !Array.isArray(journal.restore)) throw new Error('bad shape');
    return journal;
  } catch {
    // Atomic writes never leave a torn journal; an unreadable one was not written by us.
    throw new UsageError(`${file}: unreadable transition journal; inspect it and remove it to continue`);
  }
}

/**
 * Writes the journal after every state change. Writes are serialised and coalesced: while one write
 * runs, later changes are gathered into the next one, so the file always holds a recent snapshot.
 */
export class JournalWriter {
  private pending: Promise<void> = Promise.resolve();
  private dirty = false;
  private writing = false;
  constructor(
    private readonly file: string,
    readonly journal: Journal,
  ) {}

  set(unit: Unit, state: UnitState): Promise<void> {
    const id = journalId(unit);
    this.journal.units[id] = unit;
    this.journal.state[id] = state;
    return this.flush();
  }

  flush(): Promise<void> {
    this.dirty = true;
    if (!this.writing) {
      this.writing = true;
      this.pending = (async () => {
        try {
          while (this.dirty) {
            this.dirty = false;
            await writeFileAtomic(this.file, `${JSON.stringify(this.journal)}\n`);
          }
        } finally {
          this.writing = false;
        }
      })();
    }
    return this.pending;
  }

  /** Record a module process starting (with its start time) or ending. */
  module(pid: number, startTime: number | undefined): Promise<void> {
    const modules = (this.journal.modules ??= {});
    if (startTime === undefined) delete modules[pid];
    else modules[pid] = startTime;
    return this.flush();
  }

  async remove(): Promise<void> {
    await this.pending.catch(() => undefined);
    await fs.rm(this.file, { force: true });
  }
}
