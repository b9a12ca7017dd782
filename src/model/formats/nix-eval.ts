/**
 * Nix input: models are evaluated by `nix-instantiate --eval --strict --json` through nix/load.nix,
 * which calls model functions with the arguments the original passes them, never forces `pkg` and
 * returns the JSON shape of the model (docs/ARCHITECTURE.md).
 *
 * Evaluation uses the `dummy://` store: it needs no daemon and no write access to /nix (so it works
 * for any user) and still computes store paths. `DYDISNIX_NIX_STORE` overrides it ('' = Nix's own).
 */
import { execFile, type ExecFileException } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ModelError, ToolError } from '../../errors.js';
import type { ModelKind } from '../types.js';
import { nixString } from './nix-write.js';

export interface NixEvalOptions {
  /** `--extra-params`: a Nix attrset expression, or a JSON object. */
  extraParams?: string;
  /**
   * Deployment only: evaluate each service's `pkg` to a path (a path or string value; derivations
   * and build functions are refused). Planning never sets this, so it never forces `pkg`.
   */
  evaluatePkg?: boolean;
  showTrace?: boolean;
  /** The infrastructure in its JSON shape, for distribution functions. */
  infrastructureJSON?: string;
  /** Default of a target's `targetProperty`: `$DISNIX_TARGET_PROPERTY`, else `hostname`. */
  defaultTargetProperty?: string;
}

export interface NixExpressionOptions {
  showTrace?: boolean;
  /** `--arg NAME EXPR`, applied when the expression is a function. */
  args?: Record<string, string>;
  /** `--argstr NAME VALUE`, applied when the expression is a function. */
  argstrs?: Record<string, string>;
  /** Named in error messages (e.g. the QoS model the expression imports). */
  file?: string;
  /** Relative paths in the expression resolve against this folder. */
  cwd?: string;
}

const MISSING_NIX = 'nix-instantiate not found: install Nix (Debian: apt-get install nix-bin) or use the JSON/XML form';
/** Larger infrastructure documents go through a file: one argv string may hold at most 128 KiB. */
const INLINE_JSON_LIMIT = 64 * 1024;

let nixDirectory: string | undefined;
/**
 * The shipped `nix/` folder. Sources (vitest) and compiled modules (dist/src/…) sit at different
 * depths, so walk up to the package root instead of using a fixed relative URL.
 */
export function nixDir(): string {
  if (nixDirectory) return nixDirectory;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'nix', 'load.nix'))) break;
    const parent = path.dirname(dir);
    if (parent === dir) throw new ToolError('dydisnix installation is incomplete: nix/load.nix not found');
    dir = parent;
  }
  nixDirectory = path.join(dir, 'nix');
  return nixDirectory;
}

/**
 * The arguments of nix/load.nix for a model file: `kind` is a model kind, or "build" (the derivation
 * pkgs of services, for nix-build in src/deploy/realise.ts).
 */
export function loadNixArgs(kind: ModelKind | 'build', file: string, options: NixEvalOptions = {}): string[] {
  const args = [path.join(nixDir(), 'load.nix'), '-I', `dydisnix=${nixDir()}`, '--argstr', 'kind', kind, '--argstr', 'file', path.resolve(file)];
  if (options.extraParams !== undefined && options.extraParams.trim() !== '') {
    args.push('--arg', 'extraParams', extraParamsExpression(options.extraParams));
  }
  const property = options.defaultTargetProperty ?? (process.env.DISNIX_TARGET_PROPERTY || 'hostname');
  args.push('--argstr', 'defaultTargetProperty', property);
  if (options.evaluatePkg) args.push('--arg', 'evaluatePkg', 'true');
  return args;
}

/** The JSON shape of the model in `file` (a `.nix` expression). */
export async function evalNixModel(kind: ModelKind, file: string, options: NixEvalOptions = {}): Promise<unknown> {
  const [loadNix, ...args] = loadNixArgs(kind, file, options);
  return withInfrastructureArgs(options.infrastructureJSON, async (infraArgs) => {
    try {
      return await runNix([loadNix!, ...args, ...infraArgs], options.showTrace);
    } catch (error) {
      if (!(error instanceof NixFailure)) throw error;
      // A location in «string» is the --arg expression, i.e. --extra-params, not the model file.
      const inExtraParams = error.location?.startsWith('«string»') || error.detail.startsWith('--extra-params');
      if (inExtraParams && options.extraParams) throw new ModelError('--extra-params', undefined, error.detail.replace(/^--extra-params: /, ''));
      throw new ModelError(file, undefined, error.detail);
    }
  });
}

/** Evaluates a Nix expression (`-E`); `<dydisnix/lib.nix>` etc. resolve to the shipped nix/ folder. */
export async function evalNixExpression(expr: string, options: NixExpressionOptions = {}): Promise<unknown> {
  const args = ['-E', expr];
  for (const [name, value] of Object.entries(options.args ?? {})) args.push('--arg', name, value);
  for (const [name, value] of Object.entries(options.argstrs ?? {})) args.push('--argstr', name, value);
  try {
    return await runNix(args, options.showTrace, options.cwd);
  } catch (error) {
    if (error instanceof NixFailure) throw new ModelError(options.file, undefined, error.detail);
    throw error;
  }
}

let available: Promise<boolean> | undefined;
/** Whether `nix-instantiate` can be run at all (cached). */
export function nixAvailable(): Promise<boolean> {
  available ??= new Promise((resolve) => {
    execFile('nix-instantiate', ['--version'], (error) => resolve(!error));
  });
  return available;
}

/** JSON objects are accepted as extra params (the JS loader accepts them too). */
function extraParamsExpression(text: string): string {
  try {
    const value: unknown = JSON.parse(text);
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) return `builtins.fromJSON ${nixString(text)}`;
  } catch {
    // Not JSON: a Nix expression.
  }
  return text;
}

async function withInfrastructureArgs<T>(json: string | undefined, run: (args: string[]) => Promise<T>): Promise<T> {
  if (json === undefined) return run([]);
  if (json.length <= INLINE_JSON_LIMIT) return run(['--argstr', 'infrastructureJSON', json]);
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dydisnix-nix-'));
  try {
    const file = path.join(dir, 'infrastructure.json');
    await fs.writeFile(file, json);
    return await run(['--argstr', 'infrastructureJSONFile', file]);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/** An evaluation error, before it is attributed to a file. */
class NixFailure extends Error {
  constructor(readonly detail: string, readonly location: string | undefined) {
    super(detail);
  }
}

function storeArgs(): string[] {
  const store = process.env.DYDISNIX_NIX_STORE ?? 'dummy://';
  return store === '' ? [] : ['--store', store];
}

function runNix(args: string[], showTrace = false, cwd?: string): Promise<unknown> {
  const argv = ['--eval', '--strict', '--json', ...storeArgs(), '-I', `dydisnix=${nixDir()}`, ...(showTrace ? ['--show-trace'] : []), ...args];
  return new Promise((resolve, reject) => {
    // Large models give large outputs: lift the 1 MiB default.
    execFile('nix-instantiate', argv, { maxBuffer: 1 << 30, cwd, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error) return reject(toFailure(error, stderr, showTrace));
      try {
        resolve(stdout.includes(FLOAT_MARKER) ? JSON.parse(stdout, reviveFloat) : JSON.parse(stdout));
      } catch {
        reject(new ToolError(`nix-instantiate printed no valid JSON: ${stdout.slice(0, 200)}`));
      }
    });
  });
}

const FLOAT_MARKER = '"__dydisnixFloat"';

/**
 * nix/models.nix writes floats as `{ "__dydisnixFloat": [mantissa, exponent] }` because Nix prints
 * them with 6 significant digits; the value is mantissa * 2^exponent, exactly.
 */
function reviveFloat(_key: string, value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const parts = (value as { __dydisnixFloat?: unknown }).__dydisnixFloat;
  if (!Array.isArray(parts) || parts.length !== 2 || Object.keys(value).length !== 1) return value;
  const [mantissa, exponent] = parts as unknown[];
  if (!Number.isSafeInteger(mantissa) || !Number.isSafeInteger(exponent)) return value;
  const result = (mantissa as number) * 2 ** (exponent as number);
  return result === 0 ? 0 : result;
}

function toFailure(error: ExecFileException, stderr: string, showTrace: boolean): Error {
  if (error.code === 'ENOENT') return new ToolError(MISSING_NIX);
  if (error.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') return new ToolError('nix-instantiate: output too large');
  if (error.signal) return new ToolError(`nix-instantiate was killed by ${error.signal}`);
  const text = stripAnsi(stderr).trim();
  if (!/(^|\n)\s*error:/.test(text)) return new ToolError(`nix-instantiate failed: ${text || error.message}`);
  return parseNixError(text, showTrace);
}

function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '');
}

/**
 * Nix's error report, reduced to what a user needs: the message, the location when it is in the
 * user's files (not in our nix/ helpers), and Nix's "Did you mean" hint. With --show-trace the
 * whole report is kept.
 */
function parseNixError(text: string, showTrace = false): NixFailure {
  const lines = text.split('\n');
  const location = findLocation(lines);
  if (showTrace) return new NixFailure(text.replace(/^error:\s*/, '').replace(/dydisnix: /g, ''), location);
  const raw = errorMessage(lines);
  // Our own messages need no pointer to Nix's trace; Nix's own keep it (dydisnix has --show-trace).
  const message = raw.startsWith('dydisnix: ') ? raw.slice('dydisnix: '.length).replace(TRACE_HINT, '') : raw;
  const hint = /Did you mean [^\n]*/.exec(text)?.[0];
  const shownLocation = location ? ` (at ${location})` : '';
  return new NixFailure(`${message}${shownLocation}${hint ? ` ${hint}` : ''}`, location);
}

const TRACE_HINT = / \(use '--show-trace' to show detailed location information\)$/;

/** The first non-empty `error:` message with its continuation lines (newer Nix puts traces first). */
function errorMessage(lines: string[]): string {
  for (let i = 0; i < lines.length; i++) {
    const match = /^\s*error:\s*(.*)$/.exec(lines[i]!);
    if (!match || match[1] === '') continue;
    const parts = [match[1]!];
    for (let j = i + 1; j < lines.length && lines[j]!.trim() !== '' && !/^\s*(at |… |error:)/.test(lines[j]!); j++) {
      parts.push(lines[j]!.trim());
    }
    return parts.join(' ');
  }
  return lines[0]!.trim();
}

/** The first location outside our nix/ helpers: where the user's model went wrong. */
function findLocation(lines: string[]): string | undefined {
  const ours = nixDir() + path.sep;
  for (const line of lines) {
    const match = /^\s*at (.+?:\d+:\d+):/.exec(line);
    if (match && !match[1]!.startsWith(ours)) return match[1];
  }
  return undefined;
}
