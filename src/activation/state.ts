/**
 * Dysnomia naming and state: the utility variables of `composeUtilityVariables` (type identifier,
 * component and container names), the state directory, and the records of processes the `process`
 * module started. Our modules (libexec/dysnomia, bash) implement the same rules; this is the TypeScript
 * side of that layout, for the core and for readers of the records (deployment layer, tests).
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The service's `environment` attrset, as a JSON object, on its way to the daemon. */
export const SERVICE_ENVIRONMENT_VAR = 'DYSNOMIA_SERVICE_ENVIRONMENT';
/** The same, as a file of NUL-separated NAME=VALUE entries (while the module runs; for bash modules). */
export const SERVICE_ENVIRONMENT_FILE_VAR = 'DYSNOMIA_SERVICE_ENVIRONMENT_FILE';
/** Put in the daemon's environment so that it can be recognised as ours later. */
export const TOKEN_VAR = 'DYSNOMIA_PROCESS_TOKEN';

export const OPERATIONS = ['activate', 'deactivate', 'lock', 'unlock', 'snapshot', 'restore', 'collect-garbage', 'shell'] as const;
export type Operation = (typeof OPERATIONS)[number];

export function isOperation(text: string): text is Operation {
  return (OPERATIONS as readonly string[]).includes(text);
}

export function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/**
 * `DYSNOMIA_STATEDIR`, else `/var/state/dysnomia` for root and `~/.dysnomia` for everybody else (as the
 * original). A relative value is made absolute so that records name the same place from any cwd.
 */
export function stateDir(env: NodeJS.ProcessEnv = process.env): string {
  const configured = env.DYSNOMIA_STATEDIR;
  if (configured) return path.resolve(configured);
  return isRoot() ? '/var/state/dysnomia' : path.join(env.HOME || os.homedir(), '.dysnomia');
}

/**
 * Default `runtimeDir` (where PID files go): `/var/run` for root as the original; otherwise
 * `$DYSNOMIA_STATEDIR/run` (by default `~/.dysnomia/run`), which the user can write, which does not
 * depend on the login session (XDG_RUNTIME_DIR would differ between a shell and a cron job), and
 * which no other user can prepare in advance (unlike a fixed name in /tmp).
 */
export function defaultRuntimeDir(env: NodeJS.ProcessEnv = process.env): string {
  return isRoot() ? '/var/run' : path.join(stateDir(env), 'run');
}

/** A Nix store path basename starts with a 32-character hash and a dash: strip those 33 characters. */
export function stripStoreHash(basename: string): string {
  return /^[0-9a-df-np-sv-z]{32}-/.test(basename) ? basename.slice(33) : basename;
}

/** `componentName`: basename of the component path without its store hash. */
export function componentName(component: string): string {
  return stripStoreHash(path.basename(path.resolve(component)));
}

/** `containerName`: the same rule for the container argument, or the type when it is empty. */
export function containerName(container: string | undefined, typeIdentifier: string): string {
  return container ? stripStoreHash(path.basename(container)) : typeIdentifier;
}

export interface Names {
  stateDir: string;
  component: string;
  container: string;
}

/**
 * What the process module knows about a daemon it started (`$STATEDIR/processes/<container>/<component>`),
 * written by libexec/dysnomia/process in the layout of `JSON.stringify(record, null, 2)` with the keys
 * version, component, pidFile, bootId, starterPid, starterStartTime, token, then pid, startTime, pgid.
 */
export interface ProcessRecord {
  version: 1;
  /** The component path it was started from (the same name at another path is another component). */
  component: string;
  pidFile: string;
  bootId: string;
  /** The starter we spawned: session leader (setsid), so its PID is the session id of everything it forked. */
  starterPid: number;
  starterStartTime: number;
  /** The daemon named by the PID file, once it appeared. */
  pid?: number;
  startTime?: number;
  pgid?: number;
  /** Random value put in the daemon's environment (DYSNOMIA_PROCESS_TOKEN) to recognise it later. */
  token?: string;
}

export function recordFile(names: Names): string {
  return path.join(names.stateDir, 'processes', names.container, names.component);
}

export async function readRecord(names: Names): Promise<ProcessRecord | undefined> {
  try {
    const data = JSON.parse(await fs.readFile(recordFile(names), 'utf8')) as ProcessRecord;
    return data && data.version === 1 ? data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Where the process module appends a daemon's output: `$STATEDIR/logs/<container>/<component>.log`;
 * rotated copies are `<…>.log.1` (newest) to `<…>.log.N` (libexec/dysnomia/lib/logrotate.bash).
 */
export function logFile(names: Names): string {
  return path.join(names.stateDir, 'logs', names.container, `${names.component}.log`);
}
