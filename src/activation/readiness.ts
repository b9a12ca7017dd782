/**
 * Readiness checks (docs/activation.md, "Readiness"): after a service is activated, its dependents wait
 * until it answers. A check is declared as the service property `readiness` (or as the `readiness`
 * property of the container it is deployed into, for every service there without one of its own):
 *
 *   { kind = "tcp";     port = 5432; host = "127.0.0.1"; timeout = 30; }
 *   { kind = "http";    url = "http://127.0.0.1:8080/health"; timeout = 30; }
 *   { kind = "command"; command = [ "bin/check" "--quiet" ]; timeout = 30; }   (or one string of words)
 *
 * The check is repeated (back-off 50 ms doubling up to 1 s) until it passes or `timeout` seconds
 * (default 30) have passed; then it fails with the check and its last result in the message.
 */
import { createRequire } from 'node:module';
import net from 'node:net';
import path from 'node:path';
import type { z as Z } from 'zod';
import { ModelError } from '../errors.js';
import { isAttrs, type Value } from '../model/value.js';
import { splitWords } from './properties.js';

export const READINESS_KINDS = ['tcp', 'http', 'command'] as const;
export const DEFAULT_READINESS_TIMEOUT_S = 30;

export type ReadinessCheck =
  | { kind: 'tcp'; host: string; port: number; timeoutS: number }
  | { kind: 'http'; url: string; timeoutS: number }
  | { kind: 'command'; command: string[]; timeoutS: number };

/**
 * The schemas of the three kinds, built on first use: zod loads only when a model declares a check
 * (it costs ~0.1 s of start-up, docs/BENCHMARKS.md; the same lazy load as src/model/schemas-zod.ts).
 */
function defineSchemas(z: typeof Z) {
  const timeout = z.number().positive().max(86_400).nullish();
  return {
    tcp: z.strictObject({ kind: z.literal('tcp'), port: z.number().int().min(1).max(65_535), host: z.string().min(1).nullish(), timeout }),
    http: z.strictObject({
      kind: z.literal('http'),
      url: z.string().refine((text) => /^https?:\/\/[^/]/.test(text), { error: 'expected an http:// or https:// URL' }),
      timeout,
    }),
    command: z.strictObject({
      kind: z.literal('command'),
      command: z.union([z.string().min(1), z.array(z.string()).min(1)], { error: 'expected a command: a list of words or one string' }),
      timeout,
    }),
  };
}
let schemas: ReturnType<typeof defineSchemas> | undefined;
const readinessSchemas = () => (schemas ??= defineSchemas((createRequire(import.meta.url)('zod') as { z: typeof Z }).z));

/**
 * A `readiness` value → a check, or undefined when there is none. `where` is the model path of the
 * value (e.g. `services.web.readiness`), named in the ModelError a bad value gives.
 */
export function parseReadiness(value: Value | undefined, file: string | undefined, where: string): ReadinessCheck | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isAttrs(value)) throw new ModelError(file, where, `expected a readiness check { kind = "tcp" | "http" | "command"; … }, got ${describe(value)}`);
  const kind = value.kind;
  if (typeof kind !== 'string' || !(READINESS_KINDS as readonly string[]).includes(kind)) {
    throw new ModelError(file, `${where}.kind`, `unknown readiness check kind ${JSON.stringify(kind ?? null)}: expected one of ${READINESS_KINDS.join(', ')}`);
  }
  const parsed = readinessSchemas()[kind as keyof ReturnType<typeof defineSchemas>].safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const sub = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
    throw new ModelError(file, `${where}${sub}`, issue.message);
  }
  const data = parsed.data;
  const timeoutS = data.timeout ?? DEFAULT_READINESS_TIMEOUT_S;
  if (data.kind === 'tcp') return { kind: 'tcp', host: data.host ?? '127.0.0.1', port: data.port, timeoutS };
  if (data.kind === 'http') return { kind: 'http', url: data.url, timeoutS };
  const words = typeof data.command === 'string' ? splitWords(data.command) : data.command;
  if (words.length === 0) throw new ModelError(file, `${where}.command`, 'expected a command, got no words');
  return { kind: 'command', command: words, timeoutS };
}

function describe(value: Value): string {
  return Array.isArray(value) ? 'a list' : typeof value === 'string' ? JSON.stringify(value) : typeof value;
}

/** One line naming a check: `tcp 127.0.0.1:5432`, `http http://…`, `command bin/check --quiet`. */
export function describeCheck(check: ReadinessCheck): string {
  if (check.kind === 'tcp') return `tcp ${check.host.includes(':') ? `[${check.host}]` : check.host}:${check.port}`;
  if (check.kind === 'http') return `http ${check.url}`;
  return `command ${check.command.join(' ')}`;
}

export interface Attempt {
  ok: boolean;
  /** What the attempt saw: "connected", "HTTP 503", "exit status 1: not yet", "connect ECONNREFUSED …". */
  result: string;
}

export interface CheckContext {
  /** The component: a command's relative path (with a `/`) is relative to it. */
  component: string;
  /** The service's environment, added to the command's. */
  environment: Record<string, string>;
}

/** One attempt's limit; never below the floor, so that a slow machine does not turn a refusal into a timeout. */
const ATTEMPT_LIMIT_MS = 2_000;
const ATTEMPT_FLOOR_MS = 1_000;

function tryTcp(host: string, port: number, limitMs: number): Promise<Attempt> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (attempt: Attempt) => {
      socket.destroy();
      resolve(attempt);
    };
    socket.setTimeout(limitMs, () => done({ ok: false, result: `no answer within ${limitMs} ms` }));
    socket.once('connect', () => done({ ok: true, result: 'connected' }));
    socket.once('error', (error) => done({ ok: false, result: error.message }));
  });
}

async function tryHttp(url: string, limitMs: number): Promise<Attempt> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(limitMs), redirect: 'manual' });
    await response.body?.cancel();
    return { ok: response.status >= 200 && response.status < 400, result: `HTTP ${response.status}` };
  } catch (error) {
    if ((error as Error).name === 'TimeoutError') return { ok: false, result: `no answer within ${limitMs} ms` };
    const cause = (error as { cause?: { message?: string } }).cause?.message;
    return { ok: false, result: cause ?? (error as Error).message };
  }
}

async function tryCommand(command: string[], context: CheckContext, limitMs: number): Promise<Attempt> {
  const { execa } = await import('execa');
  const [file, ...args] = command;
  const resolved = file!.includes('/') && !path.isAbsolute(file!) ? path.join(context.component, file!) : file!;
  const result = await execa(resolved, args, {
    reject: false,
    stdin: 'ignore',
    all: true,
    timeout: limitMs,
    forceKillAfterDelay: 1_000,
    env: context.environment,
    cwd: context.component,
  });
  const lastLine = (result.all ?? '').split('\n').filter((line) => line.trim() !== '').at(-1)?.trim();
  if (result.exitCode === 0) return { ok: true, result: 'exit status 0' };
  const how = result.timedOut ? `no result within ${limitMs} ms` : result.exitCode !== undefined ? `exit status ${result.exitCode}` : (result.shortMessage ?? 'failed');
  return { ok: false, result: lastLine ? `${how}: ${lastLine}` : how };
}

export function attemptOnce(check: ReadinessCheck, context: CheckContext, limitMs = ATTEMPT_LIMIT_MS): Promise<Attempt> {
  if (check.kind === 'tcp') return tryTcp(check.host, check.port, limitMs);
  if (check.kind === 'http') return tryHttp(check.url, limitMs);
  return tryCommand(check.command, context, limitMs);
}

export interface ReadyResult {
  ready: boolean;
  attempts: number;
  last: Attempt;
}

/**
 * Repeat the check until it passes or its timeout is over. Bounded in time (the timeout, plus at most
 * one attempt of 1–2 s) and so in count.
 */
export async function waitUntilReady(check: ReadinessCheck, context: CheckContext): Promise<ReadyResult> {
  const deadline = performance.now() + check.timeoutS * 1000;
  let delay = 50;
  let attempts = 0;
  for (;;) {
    const left = deadline - performance.now();
    const last = await attemptOnce(check, context, Math.max(ATTEMPT_FLOOR_MS, Math.min(ATTEMPT_LIMIT_MS, left)));
    attempts++;
    if (last.ok) return { ready: true, attempts, last };
    const remaining = deadline - performance.now();
    if (remaining <= 0) return { ready: false, attempts, last };
    await new Promise((resolve) => setTimeout(resolve, Math.min(delay, remaining)));
    delay = Math.min(delay * 2, 1_000);
  }
}
