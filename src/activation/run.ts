/**
 * The activation core: resolve a module and run it as an executable through execa (argument array,
 * never a shell) as `MODULE OP COMPONENT CONTAINER`, with the container properties and the service's
 * environment in its environment. Our own modules go through exactly the same path as external ones.
 *
 * `runActivation` captures the logs (for the deployment layer); `runActivationStreaming` lets them
 * stream through (for the CLI). A module that fails returns its exit code; only problems that keep the
 * module from running at all (no such module, bad property names) throw an ActivationError.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ActivationError } from '../errors.js';
import type { Value } from '../model/value.js';
import { resolveModule } from './lookup.js';
import { isEnvName, propertiesToEnv } from './properties.js';
import { isOperation, SERVICE_ENVIRONMENT_FILE_VAR, SERVICE_ENVIRONMENT_VAR, type Operation } from './state.js';

export interface ActivationRequest {
  /** Module name (searched in modulesPath, then ours), or a path to a module / container-providing service. */
  type: string;
  operation: Operation;
  /** Component path (a store path in Disnix). */
  component: string;
  /** Container name (4th argument; defaults to the type's basename) and its properties (go in the environment). */
  container?: { name?: string; properties?: Record<string, Value> };
  /**
   * The service's `environment` attrset: reaches the daemon (process module). The module gets it as JSON
   * in DYSNOMIA_SERVICE_ENVIRONMENT and, while it runs, as a file of NUL-separated NAME=VALUE entries
   * named by DYSNOMIA_SERVICE_ENVIRONMENT_FILE (easy to read from bash).
   */
  environment?: Record<string, string>;
  /** Kill the module (TERM, then KILL 2 s later) after this many milliseconds. */
  timeoutMs?: number;
  /** Colon-separated module folders; default DYSNOMIA_MODULES_PATH of `env`. */
  modulesPath?: string;
  /** Base environment of the module; default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Sets DYSNOMIA_STATEDIR for the module. */
  stateDir?: string;
  cwd?: string;
  /** Called with the module's PID once it runs (the deployer journals running modules). */
  onSpawn?: (pid: number) => void;
}

export interface ActivationResult {
  /** The module's exit status; 124 when it timed out, 128+N when killed by signal N. */
  exitCode: number;
  stdout: string;
  stderr: string;
  /** absolute path of the module executable that ran */
  module: string;
  timedOut: boolean;
  durationMs: number;
}

export interface Invocation {
  file: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  moduleName: string;
}

/** Build the module call of a request (exported for tests and for callers that want to log it). */
export function buildInvocation(request: ActivationRequest): Invocation {
  if (!isOperation(request.operation)) throw new ActivationError(`unknown operation "${String(request.operation)}"`);
  const base = request.env ?? process.env;
  const module = resolveModule(request.type, request.modulesPath ?? base.DYSNOMIA_MODULES_PATH);
  const env: NodeJS.ProcessEnv = { ...base };
  try {
    Object.assign(env, propertiesToEnv(request.container?.properties ?? {}));
  } catch (error) {
    throw new ActivationError((error as Error).message);
  }
  const environment = request.environment ?? {};
  for (const [key, value] of Object.entries(environment)) {
    if (!isEnvName(key)) throw new ActivationError(`service environment variable "${key}" is not a valid name`);
    if (value.includes('\0')) throw new ActivationError(`service environment variable "${key}" contains a NUL character`);
  }
  if (Object.keys(environment).length > 0) env[SERVICE_ENVIRONMENT_VAR] = JSON.stringify(environment);
  // Only the file this call writes (see withServiceEnvironmentFile) may be named, never an inherited one.
  delete env[SERVICE_ENVIRONMENT_FILE_VAR];
  if (request.stateDir !== undefined) env.DYSNOMIA_STATEDIR = path.resolve(request.stateDir);
  const containerName = request.container?.name || module.name;
  return { file: module.file, args: [request.operation, path.resolve(request.component), containerName], env, moduleName: module.name };
}

function signalExit(signal: string | undefined): number {
  const numbers: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGABRT: 6, SIGKILL: 9, SIGSEGV: 11, SIGPIPE: 13, SIGTERM: 15 };
  return 128 + (signal ? (numbers[signal] ?? 0) : 0);
}

/**
 * Run `body` with the module environment of `invocation`, plus (when the request has a service
 * environment) DYSNOMIA_SERVICE_ENVIRONMENT_FILE naming a private temporary file of NUL-separated
 * NAME=VALUE entries, removed once the module has exited. Our bash modules read that instead of
 * parsing the JSON of DYSNOMIA_SERVICE_ENVIRONMENT, which stays for external modules.
 */
async function withServiceEnvironmentFile<T>(request: ActivationRequest, invocation: Invocation, body: (env: NodeJS.ProcessEnv) => Promise<T>): Promise<T> {
  const entries = Object.entries(request.environment ?? {});
  if (entries.length === 0) return body(invocation.env);
  const file = path.join(os.tmpdir(), `dydisnix-service-env-${process.pid}-${randomBytes(8).toString('hex')}`);
  await fs.writeFile(file, entries.map(([key, value]) => `${key}=${value}\0`).join(''), { mode: 0o600, flag: 'wx' });
  try {
    return await body({ ...invocation.env, [SERVICE_ENVIRONMENT_FILE_VAR]: file });
  } finally {
    await fs.rm(file, { force: true });
  }
}

/**
 * How long to keep reading the module's output after it exited. A daemon that inherited the module's
 * stdout would otherwise keep the call open forever.
 */
const DRAIN_AFTER_EXIT_MS = 200;

/**
 * Run a module, capturing its stdout and stderr. The module runs in a process group of its own: a
 * Ctrl-C on the terminal (SIGINT to the caller's whole group) reaches only the caller, which decides
 * (the deployment lets running jobs finish and then rolls back) instead of interrupting modules
 * half-way. The timeout still stops it.
 */
export async function runActivation(request: ActivationRequest): Promise<ActivationResult> {
  const invocation = buildInvocation(request);
  const { execa } = await import('execa');
  const started = performance.now();
  const result = await withServiceEnvironmentFile(request, invocation, async (env) => {
    const subprocess = execa(invocation.file, invocation.args, {
      env,
      extendEnv: false,
      reject: false,
      detached: true,
      stdin: 'ignore',
      stripFinalNewline: false,
      ...(request.cwd ? { cwd: request.cwd } : {}),
      ...(request.timeoutMs !== undefined ? { timeout: request.timeoutMs, forceKillAfterDelay: 2000 } : {}),
    });
    if (subprocess.pid !== undefined) request.onSpawn?.(subprocess.pid);
    subprocess.once('exit', () => {
      setTimeout(() => {
        subprocess.stdout?.destroy();
        subprocess.stderr?.destroy();
      }, DRAIN_AFTER_EXIT_MS).unref();
    });
    return subprocess;
  });
  const stdout = typeof result.stdout === 'string' ? result.stdout : '';
  let stderr = typeof result.stderr === 'string' ? result.stderr : '';
  if (result.timedOut) stderr += `${invocation.moduleName}: ${request.operation} timed out after ${request.timeoutMs} ms\n`;
  return {
    exitCode: result.timedOut ? 124 : (result.exitCode ?? signalExit(result.signal)),
    stdout,
    stderr,
    module: invocation.file,
    timedOut: result.timedOut === true,
    durationMs: performance.now() - started,
  };
}

/** Run a module with its output streaming to ours (stdin too, for `shell`). */
export async function runActivationStreaming(request: ActivationRequest): Promise<Omit<ActivationResult, 'stdout' | 'stderr'>> {
  const invocation = buildInvocation(request);
  const { execa } = await import('execa');
  const started = performance.now();
  const result = await withServiceEnvironmentFile(request, invocation, (env) =>
    execa(invocation.file, invocation.args, {
      env,
      extendEnv: false,
      reject: false,
      stdio: 'inherit',
      ...(request.cwd ? { cwd: request.cwd } : {}),
      ...(request.timeoutMs !== undefined ? { timeout: request.timeoutMs, forceKillAfterDelay: 2000 } : {}),
    }),
  );
  if (result.timedOut) process.stderr.write(`${invocation.moduleName}: ${request.operation} timed out after ${request.timeoutMs} ms\n`);
  return {
    exitCode: result.timedOut ? 124 : (result.exitCode ?? signalExit(result.signal)),
    module: invocation.file,
    timedOut: result.timedOut === true,
    durationMs: performance.now() - started,
  };
}

/** Throw an ActivationError (with the module's stderr) unless the result is a success. */
export function assertActivated(request: Pick<ActivationRequest, 'operation' | 'component' | 'type'>, result: Pick<ActivationResult, 'exitCode' | 'timedOut'> & { stderr?: string }): void {
  if (result.exitCode === 0) return;
  const detail = result.stderr?.trim() ? `:\n${result.stderr.trimEnd()}` : '';
  throw new ActivationError(
    `${request.operation} of ${request.component} (type ${request.type}) ${result.timedOut ? 'timed out' : `failed with exit status ${result.exitCode}`}${detail}`,
  );
}
