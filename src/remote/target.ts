/**
 * One remote target machine as the deployer sees it (docs/remote.md): everything runs through the
 * target's `RemoteShell`, as argument arrays running constant bash scripts whose values arrive as
 * arguments (never spliced into script text). On the target, under its root folder:
 *
 *   <root>/modules/<hash>/                       our Dysnomia modules, by content hash
 *   <root>/components/<hash>-<name>/             pkg folders, by content hash (Nix store paths stay where they are)
 *   <root>/profiles/<profile>/<target>/lock/     the coordinator's lock (a folder: mkdir is atomic); owner inside
 *   <root>/profiles/<profile>/<target>/profile.json   the target profile: what is deployed here (atomic rename)
 *   <root>/profiles/<profile>/<target>/dysnomia/ DYSNOMIA_STATEDIR of the modules
 *   <root>/tmp/                                  private (0700) temp files of running operations
 *
 * The root is `$DYDISNIX_TARGET_ROOT` of the target's login environment, else `~/.dydisnix-target`.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { ActivationError } from '../errors.js';
import { parseStat } from '../activation/proc.js';
import { propertiesToEnv, isEnvName } from '../activation/properties.js';
import { componentName, containerName, recordFile, type ProcessRecord } from '../activation/state.js';
import type { TargetTransport } from '../deploy/activator.js';
import type { Liveness } from '../deploy/liveness.js';
import type { Unit } from '../deploy/manifest.js';
import type { Operation } from '../deploy/transition.js';
import { installModules, installTree } from './modules.js';
import { UnreachableError, type RemoteShell } from './shell.js';

const HELLO = [
  'set -u',
  'root=${DYDISNIX_TARGET_ROOT:-${HOME:-/nonexistent}/.dydisnix-target}',
  'case $root in /*) ;; *) echo "DYDISNIX_TARGET_ROOT must be an absolute path, got: $root" >&2; exit 3 ;; esac',
  'mkdir -p -m 0700 "$root" || exit 3',
  'for tool in tar mktemp mv timeout; do command -v "$tool" >/dev/null || { echo "$tool is missing on this target" >&2; exit 3; }; done',
  'if command -v nix-store >/dev/null 2>&1; then nix=1; else nix=0; fi',
  'printf "%s\\0%s\\0" "$root" "$nix"',
].join('\n');

// $1 profile folder, $2 owner id, $3 owner description.
const LOCK = [
  'set -u',
  'mkdir -p -m 0700 "$1" || exit 3',
  'if mkdir "$1/lock" 2>/dev/null; then printf "%s\\n%s\\n" "$2" "$3" >"$1/lock/owner"; echo locked; exit 0; fi',
  'owner=$(head -n 1 "$1/lock/owner" 2>/dev/null)',
  // Our own coordinator profile holds it: a run of ours was killed; we hold the coordinator lock, so it is stale.
  'if [ "$owner" = "$2" ]; then printf "%s\\n%s\\n" "$2" "$3" >"$1/lock/owner"; echo retaken; exit 0; fi',
  'echo "locked by another coordinator: $(tail -n +2 "$1/lock/owner" 2>/dev/null | head -n 1)" >&2',
  'exit 4',
].join('\n');

const UNLOCK = ['set -u', 'owner=$(head -n 1 "$1/lock/owner" 2>/dev/null)', 'if [ "$owner" = "$2" ]; then rm -rf "$1/lock"; fi'].join('\n');

// $1 folder, $2 file name; the content on stdin. Written to a temp file in the same folder, then renamed.
const WRITE_ATOMIC = ['set -eu', 'mkdir -p -m 0700 "$1"', 'tmp=$(mktemp "$1/.$2.XXXXXX")', 'trap \'rm -f "$tmp"\' EXIT', 'cat >"$tmp"', 'mv -f "$tmp" "$1/$2"', 'trap - EXIT'].join('\n');

// $1 components folder, $2… names: prints the names the target lacks.
const MISSING = ['set -u', 'dir=$1; shift', 'for name in "$@"; do [ -d "$dir/$name" ] || printf "%s\\n" "$name"; done'].join('\n');

// $1 paths…: prints the ones that do not exist.
const MISSING_PATHS = ['set -u', 'for p in "$@"; do [ -e "$p" ] || printf "%s\\n" "$p"; done'].join('\n');

/*
 * One Dysnomia operation. $1 root, $2 state dir, $3 our modules, $4 type, $5 operation, $6 component,
 * $7 container, $8 timeout in seconds (0: none). The container properties and
 * DYSNOMIA_SERVICE_ENVIRONMENT arrive through `env NAME=VALUE`; the service environment as
 * NUL-separated NAME=VALUE entries on stdin, put in a private file (docs/activation.md).
 */
const ACTIVATE = [
  'set -u',
  'export DYSNOMIA_STATEDIR="$2"',
  'module=',
  'IFS=: read -r -a dirs <<<"${DYSNOMIA_MODULES_PATH:-}"',
  'for d in "${dirs[@]}"; do if [ -n "$d" ] && [ -f "$d/$4" ] && [ -x "$d/$4" ]; then module="$d/$4"; break; fi; done',
  '[ -n "$module" ] || module="$3/$4"',
  'if [ ! -f "$module" ] || [ ! -x "$module" ]; then echo "no Dysnomia module \\"$4\\" on this target (looked in ${DYSNOMIA_MODULES_PATH:-}${DYSNOMIA_MODULES_PATH:+:}$3)" >&2; exit 3; fi',
  'unset DYSNOMIA_SERVICE_ENVIRONMENT_FILE',
  'if [ -n "${DYSNOMIA_SERVICE_ENVIRONMENT:-}" ]; then',
  '  mkdir -p -m 0700 "$1/tmp" && f=$(mktemp "$1/tmp/service-env.XXXXXX") || exit 3',
  '  trap \'rm -f "$f"\' EXIT',
  '  cat >"$f"',
  '  export DYSNOMIA_SERVICE_ENVIRONMENT_FILE="$f"',
  'fi',
  'if [ "$8" != 0 ]; then timeout -k 2 "$8" "$module" "$5" "$6" "$7" </dev/null; else "$module" "$5" "$6" "$7" </dev/null; fi',
].join('\n');

// $1 record file: prints the record, a NUL, and the /proc stat line of the daemon it names. Exit 3: no record.
const PROBE = [
  'set -u',
  '[ -f "$1" ] || exit 3',
  'cat "$1"; printf "\\0"',
  'pid=$(sed -n \'s/.*"pid": *\\([0-9][0-9]*\\).*/\\1/p\' "$1" | head -n 1)',
  'if [ -n "$pid" ]; then cat "/proc/$pid/stat" 2>/dev/null; fi',
  'exit 0',
].join('\n');

const NIX_BASE32 = '0123456789abcdfghijklmnpqrsvwxyz';

/**
 * A component's folder name on a target: 32 characters of its content hash in Nix's base-32 alphabet,
 * a dash and its name, like a store path, so that the process module names it by `<name>` there too
 * (docs/activation.md: the store hash is stripped from component names).
 */
export function remoteComponentName(contentHash: string, pkg: string): string {
  const bytes = createHash('sha256').update(contentHash).digest();
  let out = '';
  for (let i = 0; i < 32; i++) {
    const bit = i * 5;
    const byte = bit >> 3;
    const value = ((bytes[byte]! << 8) | (bytes[byte + 1] ?? 0)) >> (11 - (bit & 7));
    out += NIX_BASE32[value & 31];
  }
  return `${out}-${path.basename(pkg)}`;
}

export const isNixStorePath = (pkg: string) => /^\/nix\/store\/[0-9a-df-np-sv-z]{32}-[^/]+/.test(pkg);

const SAFE_WORD = /^[A-Za-z0-9_][A-Za-z0-9_.@+-]*$/;

function checkName(kind: string, name: string, target: string): string {
  if (!SAFE_WORD.test(name)) throw new ActivationError(`target ${target}: the ${kind} "${name}" is not a safe file name (letters, digits, "_", ".", "@", "+", "-")`);
  return name;
}

export interface RemoteTargetOptions {
  profile: string;
  /** Identifies this coordinator's profile (host + state folder): the owner of the target profile lock. */
  ownerId: string;
  ownerDescription: string;
  /** Per Dysnomia operation, in milliseconds (the module is killed on the target with `timeout`). */
  timeoutMs?: number;
  log?: (line: string) => void;
}

export class RemoteTarget implements TargetTransport {
  readonly kind: 'ssh' | 'client';
  private hello: Promise<{ root: string; nix: boolean; modules: string }> | undefined;
  private unreachable: UnreachableError | undefined;
  private locked = false;
  private readonly copies = new Map<string, Promise<number>>();
  /** Bytes of components sent to this target in this run. */
  bytesSent = 0;
  readonly copied: string[] = [];

  constructor(
    readonly shell: RemoteShell,
    private readonly options: RemoteTargetOptions,
  ) {
    this.kind = shell.description.startsWith('ssh') ? 'ssh' : 'client';
  }

  get name(): string {
    return this.shell.name;
  }

  private fail(result: { exitCode: number; stderr: string }, what: string): never {
    throw new ActivationError(`target ${this.name}: ${what} failed (exit status ${result.exitCode}): ${result.stderr.trim()}`);
  }

  /** Run a command; a lost connection becomes an UnreachableError (and the target counts as gone). */
  private async run(argv: string[], input?: string | Buffer, timeoutMs?: number) {
    if (this.unreachable) throw this.unreachable;
    const result = await this.shell.run(argv, input, timeoutMs !== undefined ? { timeoutMs } : {});
    if (result.exitCode === 255 && !(await this.shell.reachable())) {
      this.unreachable = new UnreachableError(this.name, result.stderr.trim().split('\n').at(-1) || 'the connection was lost');
      throw this.unreachable;
    }
    return result;
  }

  /** First contact: connect, learn the root, check the tools, install our modules (once per content hash). */
  connect(): Promise<{ root: string; nix: boolean; modules: string }> {
    this.hello ??= (async () => {
      const result = await this.run(['bash', '-c', HELLO, 'bash']);
      if (result.exitCode === 127) throw new ActivationError(`target ${this.name} has no bash (${result.stderr.trim()}); a target needs bash, tar and coreutils (docs/remote.md)`);
      if (result.exitCode !== 0) this.fail(result, 'checking the target');
      const [root, nix] = result.stdout.split('\0');
      if (!root || !path.isAbsolute(root)) throw new ActivationError(`target ${this.name}: unexpected answer to the first contact: ${JSON.stringify(result.stdout.slice(0, 200))}`);
      const modules = await installModules(this.shell, root);
      if (modules.installed) this.options.log?.(`[target: ${this.name}]: Installed the Dysnomia modules in ${modules.dir} (${modules.bytes} bytes)`);
      return { root, nix: nix === '1', modules: modules.dir };
    })();
    this.hello.catch(() => undefined);
    return this.hello;
  }

  /** Whether the target answers (connecting when needed); the error when it does not. */
  async reachable(): Promise<UnreachableError | undefined> {
    try {
      await this.connect();
      return undefined;
    } catch (error) {
      if (error instanceof UnreachableError) return error;
      throw error;
    }
  }

  private async profileFolder(): Promise<string> {
    const { root } = await this.connect();
    return `${root}/profiles/${this.options.profile}/${checkName('target name', this.name, this.name)}`;
  }

  private profileLock: Promise<void> | undefined;

  /** Take the target profile lock (once per run; every operation needs it, recovery's too). */
  lockProfile(): Promise<void> {
    this.profileLock ??= (async () => {
      const dir = await this.profileFolder();
      const result = await this.run(['bash', '-c', LOCK, 'bash', dir, this.options.ownerId, this.options.ownerDescription]);
      if (result.exitCode === 4) throw new ActivationError(`target ${this.name}: profile "${this.options.profile}" is ${result.stderr.trim()}; nothing was changed`);
      if (result.exitCode !== 0) this.fail(result, 'locking the target profile');
      this.locked = true;
    })();
    const attempt = this.profileLock;
    attempt.catch(() => {
      if (this.profileLock === attempt) this.profileLock = undefined;
    });
    return attempt;
  }

  async unlockProfile(): Promise<void> {
    if (!this.locked || this.unreachable) return;
    this.locked = false;
    this.profileLock = undefined;
    const dir = await this.profileFolder();
    await this.run(['bash', '-c', UNLOCK, 'bash', dir, this.options.ownerId]).catch(() => undefined);
  }

  /** Where a unit's component is on the target. */
  componentPath(unit: Unit, root: string): string {
    if (isNixStorePath(unit.pkg)) return unit.pkg;
    if (!unit.contentHash) throw new ActivationError(`target ${this.name}: the component of ${unit.service} has no content hash (a manifest from an older version): deploy it again`);
    return `${root}/components/${remoteComponentName(unit.contentHash, unit.pkg)}`;
  }

  /** Copy what the target lacks of these units' components (each once per run); returns the bytes sent. */
  async distribute(units: Unit[], limit = 1): Promise<number> {
    const { root, nix } = await this.connect();
    const byPath = new Map<string, Unit>();
    for (const unit of units) byPath.set(this.componentPath(unit, root), unit);
    const folders = [...byPath.keys()].filter((p) => !isNixStorePath(p)).map((p) => path.posix.basename(p));
    const storePaths = [...byPath.keys()].filter(isNixStorePath);
    let missing = new Set<string>();
    if (folders.length > 0) {
      const result = await this.run(['bash', '-c', MISSING, 'bash', `${root}/components`, ...folders]);
      if (result.exitCode !== 0) this.fail(result, 'listing the components');
      missing = new Set(result.stdout.split('\n').filter(Boolean));
    }
    const jobs: (() => Promise<number>)[] = [];
    for (const [remote, unit] of byPath) {
      const name = path.posix.basename(remote);
      if (isNixStorePath(remote) || !missing.has(name)) continue;
      jobs.push(() => this.copyComponent(unit, root, name));
    }
    if (storePaths.length > 0) jobs.push(() => this.copyStorePaths(storePaths, nix));
    let bytes = 0;
    await runPool(jobs, limit, async (job) => {
      bytes += await job();
    });
    return bytes;
  }

  private copyComponent(unit: Unit, root: string, name: string): Promise<number> {
    let copy = this.copies.get(name);
    if (!copy) {
      copy = (async () => {
        this.options.log?.(`[target: ${this.name}]: Copying component ${unit.pkg}`);
        const sent = await installTree(this.shell, unit.pkg, `${root}/components`, name, `component ${unit.pkg}`);
        this.bytesSent += sent;
        if (sent > 0) this.copied.push(unit.pkg);
        return sent;
      })();
      this.copies.set(name, copy);
    }
    return copy;
  }

  /** Nix store paths: the closure's paths the target lacks, with nix-store --export | --import. */
  private async copyStorePaths(paths: string[], targetHasNix: boolean): Promise<number> {
    if (!targetHasNix) throw new ActivationError(`target ${this.name} has no Nix (nix-store not found), so the Nix store path ${paths[0]} cannot be copied there; deploy pkg folders instead or install Nix on the target`);
    const { execa } = await import('execa');
    const closure = await execa('nix-store', ['-qR', ...paths], { reject: false, stdin: 'ignore' });
    if (closure.exitCode !== 0) throw new ActivationError(`cannot compute the closure of ${paths.join(', ')}: ${String(closure.stderr).trim()}`);
    const all = String(closure.stdout).split('\n').filter(Boolean);
    const check = await this.run(['bash', '-c', MISSING_PATHS, 'bash', ...all]);
    if (check.exitCode !== 0) this.fail(check, 'checking the Nix store');
    const missing = check.stdout.split('\n').filter(Boolean);
    if (missing.length === 0) return 0;
    this.options.log?.(`[target: ${this.name}]: Copying ${missing.length} Nix store path(s)`);
    const exported = await execa('nix-store', ['--export', ...missing], { encoding: 'buffer', reject: false, stdin: 'ignore' });
    if (exported.exitCode !== 0) throw new ActivationError(`nix-store --export failed: ${Buffer.from(exported.stderr ?? []).toString().trim()}`);
    const stream = Buffer.from(exported.stdout);
    const imported = await this.run(['nix-store', '--import'], stream);
    if (imported.exitCode !== 0) this.fail(imported, 'importing the Nix store paths (nix-store --import)');
    this.bytesSent += stream.length;
    this.copied.push(...missing);
    return stream.length;
  }

  /** One Dysnomia operation on the target, through the connection, with the modules installed there. */
  private async invoke(operation: Operation, unit: Unit): Promise<{ stdout: string; stderr: string }> {
    const { root, modules } = await this.connect();
    // Any operation needs the target profile lock (recovery too); activating needs the component there.
    await this.lockProfile();
    if (operation === 'activate') await this.distribute([unit]);
    const type = checkName('module type', unit.type, this.name);
    const env: string[] = [];
    for (const [key, value] of Object.entries(propertiesToEnv(unit.containerProperties))) env.push(`${key}=${value}`);
    const entries = Object.entries(unit.environment);
    for (const [key, value] of entries) {
      if (!isEnvName(key)) throw new ActivationError(`service environment variable "${key}" is not a valid name`);
      if (value.includes('\0')) throw new ActivationError(`service environment variable "${key}" contains a NUL character`);
    }
    if (entries.length > 0) env.push(`DYSNOMIA_SERVICE_ENVIRONMENT=${JSON.stringify(unit.environment)}`);
    const input = entries.length > 0 ? entries.map(([key, value]) => `${key}=${value}\0`).join('') : undefined;
    const timeoutS = this.options.timeoutMs !== undefined ? Math.max(1, Math.ceil(this.options.timeoutMs / 1000)) : 0;
    const argv = ['env', ...env, 'bash', '-c', ACTIVATE, 'bash', root, `${await this.profileFolder()}/dysnomia`, modules, type, operation, this.componentPath(unit, root), unit.container, String(timeoutS)];
    const result = await this.run(argv, input);
    if (result.exitCode !== 0) {
      const detail = result.stderr.trim() || result.stdout.trim();
      throw Object.assign(
        new ActivationError(`${operation} of ${unit.pkg} (type ${unit.type}) on target ${this.name} ${result.exitCode === 124 ? 'timed out' : `failed with exit status ${result.exitCode}`}${detail ? `: ${detail}` : ''}`),
        { output: `${result.stdout}${result.stderr}` },
      );
    }
    return result;
  }

  async operate(operation: Operation, unit: Unit): Promise<void> {
    const result = await this.invoke(operation, unit);
    if (this.options.log) {
      for (const line of `${result.stdout}${result.stderr}`.split('\n')) if (line.trim() !== '') this.options.log(`[target: ${this.name}]: ${unit.service}: ${line}`);
    }
  }

  async probe(unit: Unit): Promise<Liveness> {
    if (unit.type !== 'process') return { state: 'unknown' };
    let root: string;
    try {
      root = (await this.connect()).root;
    } catch {
      return { state: 'unknown' };
    }
    const file = recordFile({ stateDir: `${await this.profileFolder()}/dysnomia`, component: componentName(this.componentPath(unit, root)), container: containerName(unit.container, unit.type) });
    const result = await this.run(['bash', '-c', PROBE, 'bash', file]).catch(() => undefined);
    if (!result) return { state: 'unknown' };
    if (result.exitCode === 3) return { state: 'dead', why: 'no process record' };
    if (result.exitCode !== 0) return { state: 'unknown' };
    const [text, statText] = result.stdout.split('\0');
    let record: ProcessRecord;
    try {
      record = JSON.parse(text ?? '') as ProcessRecord;
    } catch {
      return { state: 'unknown' };
    }
    if (record.pid === undefined || record.startTime === undefined) return { state: 'dead', why: 'the daemon never wrote its PID file' };
    const stat = statText ? parseStat(statText) : undefined;
    if (!stat || stat.state === 'Z' || stat.state === 'X') return { state: 'dead', why: `process ${record.pid} is not running` };
    if (stat.startTime !== record.startTime) return { state: 'dead', why: `process ${record.pid} is gone (its PID now belongs to another process)` };
    return { state: 'running', pid: record.pid };
  }

  /** Write the target profile: the units deployed on this target, after a successful transition. */
  async record(units: Unit[], generation: number): Promise<void> {
    const { root } = await this.connect();
    const profile = {
      version: 1,
      profile: this.options.profile,
      coordinator: this.options.ownerDescription,
      generation,
      services: units.map((unit) => ({ key: unit.key, service: unit.service, container: unit.container, type: unit.type, component: this.componentPath(unit, root), fingerprint: unit.fingerprint })),
    };
    const result = await this.run(['bash', '-c', WRITE_ATOMIC, 'bash', await this.profileFolder(), 'profile.json'], `${JSON.stringify(profile, null, 2)}\n`);
    if (result.exitCode !== 0) this.fail(result, 'writing the target profile');
  }

  /** The target profile as written by `record` (undefined when there is none). */
  async readProfile(): Promise<unknown> {
    const result = await this.run(['cat', `${await this.profileFolder()}/profile.json`]);
    return result.exitCode === 0 ? JSON.parse(result.stdout) : undefined;
  }

  async close(): Promise<void> {
    await this.unlockProfile();
  }
}

/** Run jobs with at most `limit` at once. */
export async function runPool<T>(items: T[], limit: number, body: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: unknown;
  const worker = async () => {
    while (next < items.length && failure === undefined) {
      const item = items[next++]!;
      try {
        await body(item);
      } catch (error) {
        failure ??= error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (failure !== undefined) throw failure;
}
