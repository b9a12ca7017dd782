/**
 * dydisnix-processes-switch (reference §7, nixproc-disnix-switch): a processes model becomes services of
 * type `process` (their dependencies become `activatesAfter`), one `localhost` target whose `process`
 * container sets `runtimeDir` under the state folder, and a distribution putting everything there.
 *
 * A processes model is `{ name: { pkg, dependencies?, …other attributes } }` (JSON), a JS module whose
 * default export is that or a function of `{ stateDir, runtimeDir, logDir, tmpDir, cacheDir, system,
 * processManager: "disnix", forceDisableUserChange }`, or the same as a Nix function (called with the
 * arguments it declares). `pkg` is a folder relative to the model file; `dependencies` lists the
 * processes (or their names) to start first. An `environment` attrset reaches the daemon.
 */
import os from 'node:os';
import path from 'node:path';
import { ModelError } from '../errors.js';
import type { Distribution, Infrastructure, Services } from '../model/types.js';
import { isAttrs, sortedKeys, type Attrs, type Value } from '../model/value.js';
import type { Manifest } from './manifest.js';

export interface ProcessesArgs {
  stateDir: string;
  runtimeDir: string;
  logDir: string;
  tmpDir: string;
  cacheDir: string;
  system: string;
  processManager: 'disnix';
  forceDisableUserChange: boolean;
}

/**
 * The folders of nixproc-disnix-switch (`--state-dir`, `--runtime-dir`, …; docs/deploy.md,
 * "dydisnix-processes-switch"): each defaults as in nix-processmgmt, from the state folder.
 */
export interface ProcessDirOptions {
  stateDir?: string;
  runtimeDir?: string;
  logDir?: string;
  tmpDir?: string;
  cacheDir?: string;
  /** `--force-disable-user-change`: no users or groups are created, even as root. */
  forceDisableUserChange?: boolean;
}

/** The arguments of a processes function; `stateDir` defaults to `defaultStateDir`. */
export function processesArgs(defaultStateDir: string, system: string, options: ProcessDirOptions = {}): ProcessesArgs {
  const stateDir = path.resolve(options.stateDir ?? defaultStateDir);
  const resolved = (dir: string | undefined, fallback: string) => path.resolve(dir ?? fallback);
  return {
    stateDir,
    runtimeDir: resolved(options.runtimeDir, path.join(stateDir, 'run')),
    logDir: resolved(options.logDir, path.join(stateDir, 'log')),
    // As nix-processmgmt: /tmp when the state folder is /var, else its tmp folder.
    tmpDir: resolved(options.tmpDir, stateDir === '/var' ? '/tmp' : path.join(stateDir, 'tmp')),
    cacheDir: resolved(options.cacheDir, path.join(stateDir, 'cache')),
    system,
    processManager: 'disnix',
    forceDisableUserChange: options.forceDisableUserChange ?? process.getuid?.() !== 0,
  };
}

/** nixproc-init-state: the folders exist before any process starts. */
export async function initProcessDirs(args: ProcessesArgs): Promise<void> {
  const { promises: fs } = await import('node:fs');
  for (const dir of [args.stateDir, args.runtimeDir, args.logDir, args.tmpDir, args.cacheDir]) await fs.mkdir(dir, { recursive: true });
}

const NIX_ADAPTER = `
{ file, argsJSON, extraParamsJSON ? "{}", buildNames ? null }:
let
  b = builtins;
  f = import file;
  given = b.fromJSON argsJSON // b.fromJSON extraParamsJSON;
  model = if b.isFunction f then f (b.intersectAttrs (b.functionArgs f) given) else f;
  isDrv = v: b.isAttrs v && (v.type or null) == "derivation";
  norm = v:
    if b.isPath v then toString v
    else if isDrv v then throw "dydisnix: a derivation cannot be deployed without building it; give pkg as a path"
    else if b.isAttrs v then b.mapAttrs (_: norm) (b.removeAttrs v (b.filter (n: b.isFunction v.\${n} || v.\${n} == null) (b.attrNames v)))
    else if b.isList v then map norm v
    else v;
  # A dependency is a process name, a process (an attrset with a name, as nix-processmgmt's
  # dependencies = [ db ]) or one of this model's processes; anything else is reported by TS with its path.
  depName = d:
    if b.isString d then d
    else if b.isAttrs d && b.isString (d.name or null) then d.name
    else
      let same = if b.isAttrs d then b.filter (k: model.\${k} == d) (b.attrNames model) else [ ];
      in if b.length same == 1 then b.head same
      else { dydisnixInvalidDependency = if b.isAttrs d then "set" else b.typeOf d; };
  # nix-processmgmt keeps a process's dependencies in its package (passthru.dependencies).
  pkgDeps = p: if b.isAttrs (p.pkg or null) then p.pkg.dependencies or [ ] else [ ];
  entry = name: p: norm (b.removeAttrs p [ "dependencies" "pkg" ]) // {
    pkg = if b.isPath p.pkg then toString p.pkg else if buildable p.pkg then toString p.pkg.outPath else p.pkg;
    dependencies = map depName ((if b.isList (p.dependencies or [ ]) then p.dependencies or [ ] else [ p.dependencies ]) ++ pkgDeps p);
  };
  # A derivation pkg is deployed as its output path; with buildNames (src/deploy/realise.ts) the
  # expression is instead the named processes' derivations, for nix-build.
  buildable = p: b.isAttrs p && p ? outPath;
  toBuild = b.listToAttrs (b.concatMap (n: if buildable (model.\${n}.pkg or null) then [ { name = n; value = model.\${n}.pkg; } ] else [ ]) (b.fromJSON buildNames));
in if buildNames == null then b.mapAttrs entry model else toBuild
`;

/** nix-build arguments that build the derivation pkgs of the named processes of a Nix model. */
export function processesBuildArgs(file: string, args: ProcessesArgs, names: string[], extraParams: Record<string, unknown> = {}): string[] {
  return [
    '-E', NIX_ADAPTER, '--arg', 'file', path.resolve(file), '--argstr', 'argsJSON', JSON.stringify(args),
    '--argstr', 'extraParamsJSON', JSON.stringify(extraParams), '--argstr', 'buildNames', JSON.stringify(names),
  ];
}

/** The raw processes model: name → attributes (pkg as written, dependencies as names). */
export async function loadProcesses(file: string, args: ProcessesArgs, showTrace = false, extraParams: Record<string, unknown> = {}): Promise<Record<string, Attrs>> {
  const lower = file.toLowerCase();
  let raw: unknown;
  if (lower.endsWith('.nix')) {
    const { evalNixExpression } = await import('../model/formats/nix-eval.js');
    const argstrs = { argsJSON: JSON.stringify(args), extraParamsJSON: JSON.stringify(extraParams) };
    raw = await evalNixExpression(NIX_ADAPTER, { argstrs, args: { file: path.resolve(file) }, file, showTrace });
  } else if (lower.endsWith('.js') || lower.endsWith('.mjs')) {
    const { importJsModel } = await import('../model/formats/js.js');
    raw = await importJsModel(file, { ...args, ...extraParams }, 'processes');
  } else {
    const { readText } = await import('../io/input.js');
    const { parseJsonDocument } = await import('../model/formats/json.js');
    raw = parseJsonDocument(await readText(file), file, 'processes');
  }
  if (!isAttrs(raw as Value)) throw new ModelError(file, 'processes', 'expected an attribute set of processes');
  const out: Record<string, Attrs> = {};
  for (const name of sortedKeys(raw as object)) {
    const entry = (raw as Record<string, unknown>)[name];
    if (!isAttrs(entry as Value)) throw new ModelError(file, `processes.${name}`, 'expected an attribute set with a pkg');
    out[name] = entry as Attrs;
  }
  return out;
}

/** builtins.typeOf (and JS typeof) names as the error says them. */
const NIX_TYPE_NAMES: Record<string, string> = {
  set: 'an attribute set without a name',
  list: 'a list',
  null: 'null',
  int: 'an integer',
  float: 'a float',
  number: 'a number',
  bool: 'a Boolean',
  boolean: 'a Boolean',
  lambda: 'a function',
  path: 'a path',
};

const DEPENDENCY_FORM = 'expected a process name ("db") or a process, i.e. an attribute set with a name (dependencies = [ db ] where db = { name = "db"; pkg = …; })';

function names(value: unknown, file: string, where: string, process?: string): string[] {
  if (value === undefined) return [];
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) {
    return value.map((item, i) => {
      if (typeof item === 'string') return item;
      if (item && typeof item === 'object' && typeof (item as { name?: unknown }).name === 'string') return (item as { name: string }).name;
      const invalid = item && typeof item === 'object' ? (item as { dydisnixInvalidDependency?: unknown }).dydisnixInvalidDependency : undefined;
      const got = NIX_TYPE_NAMES[typeof invalid === 'string' ? invalid : Array.isArray(item) ? 'list' : item === null ? 'null' : typeof item === 'object' ? 'set' : typeof item] ?? `a ${String(invalid ?? typeof item)}`;
      throw new ModelError(file, `${where}[${i}]`, `${process ? `a dependency of process ${process}: ` : ''}${DEPENDENCY_FORM}, got ${got}`);
    });
  }
  if (value && typeof value === 'object') return sortedKeys(value);
  throw new ModelError(file, where, 'expected a list of process names');
}

/** Processes → the three models of a local deployment. */
export function processesToModels(
  processes: Record<string, Attrs>,
  file: string,
  runtimeDir: string,
  forceDisableUserChange = false,
): { services: Services; infrastructure: Infrastructure; distribution: Distribution } {
  const services: Services = {};
  for (const name of sortedKeys(processes)) {
    const { pkg, dependencies, dependsOn, activatesAfter, connectsTo, name: _name, type: _type, ...rest } = processes[name]!;
    if (typeof pkg !== 'string' || pkg === '') throw new ModelError(file, `processes.${name}.pkg`, 'expected the path of the process component');
    const after = [
      ...new Set([
        ...names(dependencies, file, `processes.${name}.dependencies`, name),
        ...names(dependsOn, file, `processes.${name}.dependsOn`, name),
        ...names(activatesAfter, file, `processes.${name}.activatesAfter`, name),
      ]),
    ];
    for (const dep of after) {
      if (!processes[dep]) throw new ModelError(file, `processes.${name}.dependencies`, `unknown process "${dep}"`);
    }
    services[name] = { name, type: 'process', pkg, dependsOn: [], connectsTo: names(connectsTo, file, `processes.${name}.connectsTo`), activatesAfter: after, properties: rest };
  }
  const infrastructure: Infrastructure = {
    localhost: { name: 'localhost', properties: { hostname: 'localhost' }, containers: { process: { runtimeDir, ...(forceDisableUserChange ? { forceDisableUserChange: true } : {}) } }, numOfCores: Math.max(1, os.availableParallelism?.() ?? os.cpus().length) },
  };
  const distribution: Distribution = {};
  for (const name of sortedKeys(services)) distribution[name] = [{ target: 'localhost' }];
  return { services, infrastructure, distribution };
}

export interface ProcessesManifestOptions extends ProcessDirOptions {
  showTrace?: boolean;
  /** `--extra-params`, as an attrset: more arguments for a processes function. */
  extraParams?: Record<string, unknown>;
  /** `--strict`: a misspelt key is an error instead of a warning. */
  strict?: boolean;
  /** The profile folder (Nix builds keep their GC roots there: src/deploy/realise.ts). */
  profileDir: string;
  /** A dry run builds nothing. */
  dryRun?: boolean;
  log?: (line: string) => void;
}

/** The manifest of a processes model, and the folders its processes use (created by the caller). */
export async function processesManifest(file: string, defaultStateDir: string, options: ProcessesManifestOptions): Promise<{ manifest: Manifest; args: ProcessesArgs }> {
  const { currentSystem } = await import('../model/formats/js.js');
  const args = processesArgs(defaultStateDir, currentSystem(), options);
  const processes = await loadProcesses(file, args, options.showTrace ?? false, options.extraParams);
  const { findUnknownKeys, reportUnknownKeys, PROCESS_KEYS } = await import('../model/unknown-keys.js');
  reportUnknownKeys(findUnknownKeys('processes', processes, PROCESS_KEYS), file, options.strict ? { strict: true } : {});
  const models = processesToModels(processes, file, args.runtimeDir, options.forceDisableUserChange === true);
  const { validateServices } = await import('../model/validate.js');
  validateServices(models.services, file);
  const { realiseComponents } = await import('./realise.js');
  const baseDir = path.dirname(path.resolve(file));
  const services = await realiseComponents(models.services, {
    servicesFile: file,
    modelRoot: 'processes',
    baseDir,
    deployed: Object.keys(models.services),
    ...(file.toLowerCase().endsWith('.nix') ? { nixBuildArgs: async (names: string[]) => processesBuildArgs(file, args, names, options.extraParams) } : {}),
    profileDir: options.profileDir,
    ...(options.dryRun ? { dryRun: true } : {}),
    showTrace: options.showTrace ?? false,
    ...(options.log ? { log: options.log } : {}),
  });
  const { buildManifest } = await import('./manifest.js');
  const manifest = await buildManifest({ ...models, services, baseDir, servicesFile: file, modelRoot: 'processes', origin: { command: 'dydisnix-processes-switch', processes: path.resolve(file) } });
  return { manifest, args };
}
