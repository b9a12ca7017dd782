/**
 * The `process` module: starts a daemon and stops it through its PID file (reference §6.2), safely.
 *
 * - The starter (`process=` or the single executable in bin/) runs without a shell, in a new session
 *   (setsid), with the inherited environment plus container properties and the service environment.
 *   Its output (and the daemon's) goes to `$DYSNOMIA_STATEDIR/logs/<container>/<component>.log`; what
 *   the starter printed is copied to stderr once it has exited.
 * - What was started is recorded under `$DYSNOMIA_STATEDIR/processes/<container>/<component>`: the
 *   starter (session id and start time), then the daemon named by the PID file (PID, start time,
 *   process group). A PID file is acted on only when it names a process proven to be ours.
 * - deactivate: TERM, wait up to stopTimeout, then KILL the process group; leftovers of the session
 *   we created are stopped too.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, constants, existsSync, fstatSync, openSync, promises as fs, readFileSync, readSync, statSync } from 'node:fs';
import path from 'node:path';
import { bootId, describeProcess, findProcesses, pollUntil, readStat, signal, type ProcStat } from '../proc.js';
import { parseKeyValue, splitWords } from '../properties.js';
import {
  defaultRuntimeDir,
  markActive,
  readRecord,
  removeRecord,
  SERVICE_ENVIRONMENT_VAR,
  TOKEN_VAR,
  unmarkActive,
  writeRecord,
  type Names,
  type ProcessRecord,
} from '../state.js';
import type { Support } from '../users.js';
import { ModuleFailure, runModule, type ModuleContext } from './common.js';

export interface ProcessConfig {
  /** argv of the starter */
  command: string[];
  pidFile: string;
  runtimeDir: string;
  /** seconds to wait for the PID file after the starter exited */
  timeout: number;
  /** seconds between TERM and KILL */
  stopTimeout: number;
  /** seconds the starter may run before it must have written the PID file (daemonised) */
  startTimeout: number;
  /** where the settings came from, for messages */
  source: string;
}

function seconds(name: string, ...candidates: (string | undefined)[]): number {
  for (const candidate of candidates) {
    if (candidate === undefined || candidate === '') continue;
    const value = Number(candidate);
    if (!Number.isFinite(value) || value < 0) throw new ModuleFailure(`${name} must be a number of seconds, got "${candidate}"`);
    return value;
  }
  throw new Error('unreachable');
}

function isExecutableFile(file: string): boolean {
  try {
    const stat = statSync(file);
    return stat.isFile() && (stat.mode & 0o111) !== 0;
  } catch {
    return false;
  }
}

/** Read `<component>/etc/dysnomia/process` (a file, or a folder holding exactly one file). */
export async function readConfigFile(component: string, vars: Record<string, string | undefined>): Promise<{ file?: string; values: Record<string, string> }> {
  const location = path.join(component, 'etc', 'dysnomia', 'process');
  let stat;
  try {
    stat = await fs.stat(location);
  } catch {
    return { values: {} };
  }
  let file = location;
  if (stat.isDirectory()) {
    const entries = (await fs.readdir(location)).sort();
    if (entries.length === 0) throw new ModuleFailure(`${location} is an empty folder: put one key=value config file in it`);
    if (entries.length > 1) throw new ModuleFailure(`${location} holds more than one config file (${entries.join(', ')}): keep exactly one`);
    file = path.join(location, entries[0]!);
  }
  try {
    return { file, values: parseKeyValue(await fs.readFile(file, 'utf8'), { file, vars }) };
  } catch (error) {
    throw new ModuleFailure((error as Error).message);
  }
}

/** Resolve the process config of a component: config file, defaults, container properties. */
export async function resolveConfig(component: string, env: NodeJS.ProcessEnv): Promise<ProcessConfig> {
  const runtimeDir = env.runtimeDir || defaultRuntimeDir(env);
  const { file, values } = await readConfigFile(component, { ...env, runtimeDir });
  let command: string[];
  let source: string;
  if (values.process) {
    command = splitWords(values.process);
    if (command.length === 0) throw new ModuleFailure(`${file}: process= is empty`);
    // A relative path with a slash is relative to the component; a bare name is looked up in PATH.
    if (command[0]!.includes('/') && !path.isAbsolute(command[0]!)) command[0] = path.join(component, command[0]!);
    source = file!;
  } else {
    const bin = path.join(component, 'bin');
    const candidates = (await fs.readdir(bin).catch(() => [] as string[])).sort().filter((name) => isExecutableFile(path.join(bin, name)));
    if (candidates.length === 0) {
      throw new ModuleFailure(`No process could be found. Make sure there is an executable in bin/ or a process config (looked in ${bin}${file ? ` and ${file}` : ''})`);
    }
    if (candidates.length > 1) {
      throw new ModuleFailure(`More than one process found (${candidates.join(', ')} in ${bin}). Specify which executable to start in a process config file: ${path.join(component, 'etc/dysnomia/process')} with process=...`);
    }
    command = [path.join(bin, candidates[0]!)];
    source = bin;
  }
  const pidFile = path.resolve(values.pidFile || path.join(runtimeDir, `${path.basename(command[0]!)}.pid`));
  return {
    command,
    pidFile,
    runtimeDir,
    timeout: seconds('timeout', values.timeout, env.timeout, '1'),
    stopTimeout: seconds('stopTimeout', values.stopTimeout, env.stopTimeout, '10'),
    startTimeout: seconds('startTimeout', values.startTimeout, env.startTimeout, '60'),
    source,
  };
}


/**
 * The daemon's environment: everything inherited (HOME, PATH, container properties …), then
 * `<component>/etc/dysnomia/environment` (key=value), then the JSON object in
 * DYSNOMIA_SERVICE_ENVIRONMENT (the service's `environment` attrset), then `runtimeDir`,
 * `DYSNOMIA_PID_FILE` and the instance token.
 */
export async function daemonEnvironment(component: string, env: NodeJS.ProcessEnv, config: ProcessConfig, token: string): Promise<NodeJS.ProcessEnv> {
  const result: NodeJS.ProcessEnv = { ...env };
  delete result[SERVICE_ENVIRONMENT_VAR];
  const envFile = path.join(component, 'etc', 'dysnomia', 'environment');
  const text = await fs.readFile(envFile, 'utf8').catch(() => undefined);
  if (text !== undefined) {
    try {
      Object.assign(result, parseKeyValue(text, { file: envFile, vars: env }));
    } catch (error) {
      throw new ModuleFailure((error as Error).message);
    }
  }
  const json = env[SERVICE_ENVIRONMENT_VAR];
  if (json) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(json);
    } catch {
      throw new ModuleFailure(`${SERVICE_ENVIRONMENT_VAR} is not a JSON object`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new ModuleFailure(`${SERVICE_ENVIRONMENT_VAR} is not a JSON object`);
    for (const [key, value] of Object.entries(parsed)) result[key] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  result.runtimeDir = config.runtimeDir;
  result.DYSNOMIA_PID_FILE = config.pidFile;
  result[TOKEN_VAR] = token;
  return result;
}

export type PidFileState =
  | { kind: 'missing' }
  | { kind: 'stale'; pid: number; why: string }
  | { kind: 'ours'; pid: number; stat: ProcStat }
  | { kind: 'refused'; message: string };

function environHasToken(pid: number, token: string | undefined): boolean {
  if (!token) return false;
  try {
    return readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(`${TOKEN_VAR}=${token}`);
  } catch {
    return false;
  }
}

/** Parse the PID file text: a positive decimal number > 1, or a refusal message. */
export function parsePid(text: string, pidFile: string): number | string {
  const trimmed = text.trim();
  if (!/^\d{1,10}$/.test(trimmed)) {
    const shown = trimmed.length > 40 ? `${trimmed.slice(0, 40)}...` : trimmed;
    return `PID file ${pidFile} does not hold a PID (content: ${JSON.stringify(shown)}); refusing to act on it and sending no signal. Remove it if the daemon is not running.`;
  }
  const pid = Number(trimmed);
  if (pid <= 1) return `PID file ${pidFile} names PID ${pid}; refusing to act on it and sending no signal. Remove it if the daemon is not running.`;
  return pid;
}

/**
 * What a PID file means for us. Ours = the PID matches our record (same boot, same start time), or the
 * process belongs to the session we created (or carries our token) and started after our starter.
 */
export async function inspectPidFile(pidFile: string, component: string, record: ProcessRecord | undefined): Promise<PidFileState> {
  let text: string;
  try {
    text = await fs.readFile(pidFile, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
    return { kind: 'refused', message: `cannot read PID file ${pidFile}: ${(error as Error).message}` };
  }
  const parsed = parsePid(text, pidFile);
  if (typeof parsed === 'string') return { kind: 'refused', message: parsed };
  const pid = parsed;
  const stat = readStat(pid);
  if (!stat || stat.state === 'Z' || stat.state === 'X') return { kind: 'stale', pid, why: `process ${pid} is not running` };
  const sameOrigin = record !== undefined && record.component === component && record.bootId === bootId();
  if (sameOrigin && record.pid === pid) {
    if (stat.startTime === record.startTime) return { kind: 'ours', pid, stat };
    if (!environHasToken(pid, record.token)) {
      return { kind: 'stale', pid, why: `the daemon we started as PID ${pid} is gone; that PID now belongs to another process (${describeProcess(pid)}), which is left alone` };
    }
  }
  if (sameOrigin && stat.startTime >= record.starterStartTime && (stat.session === record.starterPid || environHasToken(pid, record.token))) {
    return { kind: 'ours', pid, stat };
  }
  return {
    kind: 'refused',
    message:
      `PID file ${pidFile} names process ${pid} (${describeProcess(pid)}), which was not started by dysnomia from ${component}; ` +
      'refusing to act on it and sending no signal. If that daemon is not this component\'s, remove the PID file.',
  };
}

/**
 * Live processes we started for a record: members of the session our starter created (its PID is the
 * session id) and of the daemon's process group, started after the starter. An id is trusted only while
 * it has not been reused: Linux does not hand out a PID that is still a session or group id, so a live
 * leader with another start time means the old session/group is gone and the id belongs to others.
 */
export function leftovers(record: ProcessRecord | undefined): ProcStat[] {
  if (!record || record.bootId !== bootId()) return [];
  const ids: { id: number; key: 'session' | 'pgrp'; leaderStart?: number }[] = [{ id: record.starterPid, key: 'session', leaderStart: record.starterStartTime }];
  if (record.pgid !== undefined && record.pgid > 1) {
    const leaderStart = record.pgid === record.starterPid ? record.starterStartTime : record.pgid === record.pid ? record.startTime : undefined;
    ids.push({ id: record.pgid, key: 'pgrp', leaderStart });
  }
  const found = new Map<number, ProcStat>();
  for (const { id, key, leaderStart } of ids) {
    const leader = readStat(id);
    if (leader && leader.startTime !== leaderStart) continue;
    for (const member of findProcesses((stat) => stat[key] === id && stat.startTime >= record.starterStartTime)) found.set(member.pid, member);
  }
  return [...found.values()];
}

/** TERM the given processes, wait up to stopTimeout, then KILL them and their groups. */
async function terminate(targets: ProcStat[], stopTimeout: number, err: (line: string) => void): Promise<void> {
  const alive = () => targets.filter((t) => {
    const now = readStat(t.pid);
    return now !== undefined && now.startTime === t.startTime && now.state !== 'Z' && now.state !== 'X';
  });
  for (const target of targets) signal({ pid: target.pid }, 'SIGTERM');
  if (await pollUntil(() => alive().length === 0, stopTimeout * 1000)) return;
  const stubborn = alive();
  const groups = new Set(stubborn.map((t) => t.pgrp).filter((g) => g > 1));
  err(`${stubborn.map((t) => t.pid).join(', ')} still running ${stopTimeout} s after TERM: sending KILL to process group ${[...groups].join(', ')}`);
  const ownGroup = readStat(process.pid)?.pgrp;
  for (const group of groups) if (group !== ownGroup) signal({ pgid: group }, 'SIGKILL');
  for (const target of alive()) signal({ pid: target.pid }, 'SIGKILL');
  if (!(await pollUntil(() => alive().length === 0, 5000))) {
    throw new ModuleFailure(`processes ${alive().map((t) => t.pid).join(', ')} survived KILL`);
  }
}

function readLogFrom(logFile: string, offset: number): string {
  let fd: number | undefined;
  try {
    fd = openSync(logFile, 'r');
    const size = fstatSync(fd).size;
    const length = Math.min(size - offset, 1 << 20);
    if (length <= 0) return '';
    const buffer = Buffer.alloc(length);
    readSync(fd, buffer, 0, length, offset);
    return buffer.toString('utf8');
  } catch {
    return '';
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function logFileFor(names: Names): string {
  return path.join(names.stateDir, 'logs', names.container, `${names.component}.log`);
}

function readPidQuiet(pidFile: string): number | undefined {
  try {
    const parsed = parsePid(readFileSync(pidFile, 'utf8'), pidFile);
    return typeof parsed === 'number' ? parsed : undefined;
  } catch {
    return undefined;
  }
}

async function start(context: ModuleContext, config: ProcessConfig): Promise<void> {
  const { names, err } = context;
  await fs.mkdir(path.dirname(config.pidFile), { recursive: true }).catch(() => undefined);
  const logFile = logFileFor(names);
  await fs.mkdir(path.dirname(logFile), { recursive: true });
  const logFd = openSync(logFile, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT, 0o640);
  const offset = fstatSync(logFd).size;
  const token = randomBytes(12).toString('hex');
  const env = await daemonEnvironment(context.component, context.env, config, token);

  const child = spawn(config.command[0]!, config.command.slice(1), { detached: true, stdio: ['ignore', logFd, logFd], env });
  closeSync(logFd);
  const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));
  let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  child.once('exit', (code, sig) => {
    exit = { code, signal: sig };
  });
  const starterPid = child.pid;
  if (starterPid === undefined) {
    const error = await spawnError;
    throw new ModuleFailure(`cannot start ${config.command[0]}: ${(error as NodeJS.ErrnoException).code ?? error.message}`);
  }
  // Read before the event loop can reap it: the starter exists (maybe as a zombie) right now.
  const starterStat = readStat(starterPid);
  const record: ProcessRecord = {
    version: 1,
    component: context.component,
    pidFile: config.pidFile,
    bootId: bootId(),
    starterPid,
    starterStartTime: starterStat?.startTime ?? readStat(process.pid)?.startTime ?? 0,
    token,
  };
  await writeRecord(names, record);

  const starterOutput = () => readLogFrom(logFile, offset);
  const cleanUpAndFail = async (message: string): Promise<never> => {
    const output = starterOutput();
    if (output) process.stderr.write(output.endsWith('\n') ? output : `${output}\n`);
    await terminate(leftovers(record), Math.min(config.stopTimeout, 2), err);
    await removeRecord(names);
    throw new ModuleFailure(message);
  };

  // Wait for the starter to exit (daemonised) or the PID file to appear (a foreground daemon that
  // writes its own PID file), bounded by startTimeout.
  const pidWritten = () => readPidQuiet(config.pidFile) !== undefined;
  const settled = await pollUntil(() => exit !== undefined || pidWritten(), config.startTimeout * 1000);
  if (!settled) {
    await cleanUpAndFail(`${config.command[0]} is still running after ${config.startTimeout} s without writing ${config.pidFile}: it did not daemonise. Stopped it.`);
  }
  // The PID file is there but the starter is still finishing (printing, cleaning up): give it up to
  // `timeout` to exit; one that keeps running is a foreground daemon that wrote its own PID file.
  if (!exit) await pollUntil(() => exit !== undefined, config.timeout * 1000);
  if (exit && (exit.code !== 0 || exit.signal)) {
    await cleanUpAndFail(`${config.command.join(' ')} failed (${exit.signal ? `killed by ${exit.signal}` : `exit status ${exit.code}`}); output in ${logFile}`);
  }
  child.unref();
  if (!pidWritten()) await pollUntil(pidWritten, config.timeout * 1000);
  const output = starterOutput();
  if (output) process.stderr.write(output.endsWith('\n') ? output : `${output}\n`);

  const pid = readPidQuiet(config.pidFile);
  if (pid === undefined) {
    const running = leftovers(record);
    err(
      [
        `WARNING: PID file ${config.pidFile} did not appear within ${config.timeout} s after starting ${config.command.join(' ')}.`,
        `  The daemon may not have started, may write its PID file elsewhere, or may need a larger timeout.`,
        running.length > 0
          ? `  Processes started in its session (${running.map((r) => r.pid).join(', ')}) are recorded and will be stopped on deactivate.`
          : '  No process of its session is running.',
        `  Set pidFile= in ${path.join(context.component, 'etc/dysnomia/process')} if the daemon writes it elsewhere.`,
      ].join('\n'),
    );
    return;
  }
  const stat = readStat(pid);
  if (!stat || stat.state === 'Z') {
    await cleanUpAndFail(`the daemon wrote PID ${pid} to ${config.pidFile} but is not running; output in ${logFile}`);
  }
  if (stat!.startTime < record.starterStartTime && !environHasToken(pid, token)) {
    err(`WARNING: ${config.pidFile} names process ${pid} (${describeProcess(pid)}), which was running before the daemon was started; it is not recorded as ours, so deactivate will refuse it.`);
    return;
  }
  await writeRecord(names, { ...record, pid, startTime: stat!.startTime, pgid: stat!.pgrp });
}

export async function activate(context: ModuleContext): Promise<number> {
  const { env, err, names } = context;
  // users.js (and child_process) is loaded only for components that need users or groups: module
  // processes start for every operation.
  const users = existsSync(path.join(context.component, 'dysnomia-support')) ? await import('../users.js') : undefined;
  const support = users ? await users.readSupport(context.component) : undefined;
  let created: Support | undefined;
  if (users && support) {
    if (users.manageUsers(env)) created = await users.addSupport(support, err);
    else err(`Skipped creating the users and groups of ${path.join(context.component, 'dysnomia-support')}: not running as root`);
  }
  try {
    const config = await resolveConfig(context.component, env);
    const record = await readRecord(names);
    const state = await inspectPidFile(config.pidFile, context.component, record);
    switch (state.kind) {
      case 'refused':
        throw new ModuleFailure(state.message);
      case 'ours':
        err(`PID file: ${config.pidFile} already exists and names process ${state.pid} started from this component: assuming that the process has been started already!`);
        break;
      case 'stale':
        err(`Removing stale PID file ${config.pidFile}: ${state.why}`);
        await fs.rm(config.pidFile, { force: true });
        await start(context, config);
        break;
      case 'missing':
        await start(context, config);
        break;
    }
  } catch (error) {
    if (users && created) users.removeSupport(created, err);
    throw error;
  }
  await markActive(names);
  return 0;
}

export async function deactivate(context: ModuleContext): Promise<number> {
  const { env, err, names } = context;
  const record = await readRecord(names);
  let config: ProcessConfig;
  try {
    config = await resolveConfig(context.component, env);
  } catch (error) {
    // The component may be gone (garbage collected): stop what we recorded.
    if (!record || record.component !== context.component) throw error;
    err(`${(error as Error).message}; using the recorded PID file ${record.pidFile}`);
    config = { command: [], pidFile: record.pidFile, runtimeDir: '', timeout: 1, stopTimeout: seconds('stopTimeout', env.stopTimeout, '10'), startTimeout: 60, source: 'record' };
  }
  const state = await inspectPidFile(config.pidFile, context.component, record);
  switch (state.kind) {
    case 'refused':
      throw new ModuleFailure(state.message);
    case 'missing':
      err(`${config.pidFile} does not exist! Assuming that the process was stopped already!`);
      break;
    case 'stale':
      err(`Removing stale PID file ${config.pidFile}: ${state.why}`);
      break;
    case 'ours':
      await terminate([state.stat], config.stopTimeout, err);
      break;
  }
  // Whatever else we started from this component (children of the daemon, a daemon without PID file).
  const rest = leftovers(record);
  if (rest.length > 0) {
    err(`Stopping ${rest.length} remaining process(es) started from this component: ${rest.map((r) => `${r.pid} (${r.comm})`).join(', ')}`);
    await terminate(rest, config.stopTimeout, err);
  }
  if (state.kind !== 'missing') await fs.rm(config.pidFile, { force: true });
  await removeRecord(names);
  if (existsSync(path.join(context.component, 'dysnomia-support'))) {
    const users = await import('../users.js');
    const support = await users.readSupport(context.component).catch(() => undefined);
    if (support && users.manageUsers(env)) users.removeSupport(support, err);
  }
  await unmarkActive(names);
  return 0;
}

export async function shell(context: ModuleContext): Promise<number> {
  const config = await resolveConfig(context.component, context.env);
  const lines = [
    `This is the process module: ${context.component} runs ${config.command.join(' ')} (from ${config.source}).`,
    '',
    'Show the PID of the daemon:',
    `  cat ${config.pidFile}`,
    'Check whether it is running:',
    `  ps -p "$(cat ${config.pidFile})"`,
    'Start it by hand:',
    `  ${config.command.join(' ')}`,
    'Stop it:',
    `  kill "$(cat ${config.pidFile})"`,
    'Its output:',
    `  cat ${logFileFor(context.names)}`,
  ];
  context.err(lines.join('\n'));
  return 0;
}

export async function processModule(context: ModuleContext): Promise<number> {
  switch (context.operation) {
    case 'activate':
      return activate(context);
    case 'deactivate':
      return deactivate(context);
    case 'shell':
      return shell(context);
    default:
      return 0;
  }
}

export async function main(): Promise<void> {
  await runModule('process', processModule);
}
