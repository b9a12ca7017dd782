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

export function processesArgs(profileDir: string, system: string): ProcessesArgs {
  const stateDir = path.join(profileDir, 'var');
  return {
    stateDir,
    runtimeDir: path.join(profileDir, 'run'),
    logDir: path.join(stateDir, 'log'),
    tmpDir: path.join(stateDir, 'tmp'),
    cacheDir: path.join(stateDir, 'cache'),
    system,
    processManager: 'disnix',
    forceDisableUserChange: process.getuid?.() !== 0,
  };
}

const NIX_ADAPTER = `
{ file, argsJSON, buildNames ? null }:
let
  b = builtins;
  f = import file;
  given = b.fromJSON argsJSON;
  model = if b.isFunction f then f (b.intersectAttrs (b.functionArgs f) given) else f;
  isDrv = v: b.isAttrs v && (v.type or null) == "derivation";
  norm = v:
    if b.isPath v then toString v
    else if isDrv v then throw "dydisnix: a derivation cannot be deployed without building it; give pkg as a path"
    else if b.isAttrs v then b.mapAttrs (_: norm) (b.removeAttrs v (b.filter (n: b.isFunction v.\${n} || v.\${n} == null) (b.attrNames v)))
    else if b.isList v then map norm v
    else v;
  depName = d: if b.isString d then d else d.name or (throw "dydisnix: a dependency without a name");
  entry = name: p: norm (b.removeAttrs p [ "dependencies" "pkg" ]) // {
    pkg = if b.isPath p.pkg then toString p.pkg else if buildable p.pkg then toString p.pkg.outPath else p.pkg;
    dependencies = map depName (p.dependencies or [ ]);
  };
  # A derivation pkg is deployed as its output path; with buildNames (src/deploy/realise.ts) the
  # expression is instead the named processes' derivations, for nix-build.
  buildable = p: b.isAttrs p && p ? outPath;
  toBuild = b.listToAttrs (b.concatMap (n: if buildable (model.\${n}.pkg or null) then [ { name = n; value = model.\${n}.pkg; } ] else [ ]) (b.fromJSON buildNames));
in if buildNames == null then b.mapAttrs entry model else toBuild
`;

/** nix-build arguments that build the derivation pkgs of the named processes of a Nix model. */
export function processesBuildArgs(file: string, args: ProcessesArgs, names: string[]): string[] {
  return ['-E', NIX_ADAPTER, '--arg', 'file', path.resolve(file), '--argstr', 'argsJSON', JSON.stringify(args), '--argstr', 'buildNames', JSON.stringify(names)];
}

/** The raw processes model: name → attributes (pkg as written, dependencies as names). */
export async function loadProcesses(file: string, args: ProcessesArgs, showTrace = false): Promise<Record<string, Attrs>> {
  const lower = file.toLowerCase();
  let raw: unknown;
  if (lower.endsWith('.nix')) {
    const { evalNixExpression } = await import('../model/formats/nix-eval.js');
    raw = await evalNixExpression(NIX_ADAPTER, { argstrs: { argsJSON: JSON.stringify(args) }, args: { file: path.resolve(file) }, file, showTrace });
  } else if (lower.endsWith('.js') || lower.endsWith('.mjs')) {
    const { importJsModel } = await import('../model/formats/js.js');
    raw = await importJsModel(file, { ...args }, 'processes');
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

function names(value: unknown, file: string, where: string): string[] {
  if (value === undefined) return [];
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) {
    return value.map((item, i) => {
      if (typeof item === 'string') return item;
      if (item && typeof item === 'object' && typeof (item as { name?: unknown }).name === 'string') return (item as { name: string }).name;
      throw new ModelError(file, `${where}[${i}]`, 'expected a process name or a process');
    });
  }
  if (value && typeof value === 'object') return sortedKeys(value);
  throw new ModelError(file, where, 'expected a list of process names');
}

/** Processes → the three models of a local deployment. */
export function processesToModels(processes: Record<string, Attrs>, file: string, runtimeDir: string): { services: Services; infrastructure: Infrastructure; distribution: Distribution } {
  const services: Services = {};
  for (const name of sortedKeys(processes)) {
    const { pkg, dependencies, dependsOn, activatesAfter, connectsTo, name: _name, type: _type, ...rest } = processes[name]!;
    if (typeof pkg !== 'string' || pkg === '') throw new ModelError(file, `processes.${name}.pkg`, 'expected the path of the process component');
    const after = [...new Set([...names(dependencies, file, `processes.${name}.dependencies`), ...names(dependsOn, file, `processes.${name}.dependsOn`), ...names(activatesAfter, file, `processes.${name}.activatesAfter`)])];
    for (const dep of after) {
      if (!processes[dep]) throw new ModelError(file, `processes.${name}.dependencies`, `unknown process "${dep}"`);
    }
    services[name] = { name, type: 'process', pkg, dependsOn: [], connectsTo: names(connectsTo, file, `processes.${name}.connectsTo`), activatesAfter: after, properties: rest };
  }
  const infrastructure: Infrastructure = {
    localhost: { name: 'localhost', properties: { hostname: 'localhost' }, containers: { process: { runtimeDir } }, numOfCores: Math.max(1, os.availableParallelism?.() ?? os.cpus().length) },
  };
  const distribution: Distribution = {};
  for (const name of sortedKeys(services)) distribution[name] = [{ target: 'localhost' }];
  return { services, infrastructure, distribution };
}

export async function processesManifest(
  file: string,
  profileDir: string,
  showTrace = false,
  build: { dryRun?: boolean; log?: (line: string) => void } = {},
): Promise<Manifest> {
  const { currentSystem } = await import('../model/formats/js.js');
  const args = processesArgs(profileDir, currentSystem());
  const processes = await loadProcesses(file, args, showTrace);
  const models = processesToModels(processes, file, args.runtimeDir);
  const { validateServices } = await import('../model/validate.js');
  validateServices(models.services, file);
  const { realiseComponents } = await import('./realise.js');
  const baseDir = path.dirname(path.resolve(file));
  const services = await realiseComponents(models.services, {
    servicesFile: file,
    modelRoot: 'processes',
    baseDir,
    deployed: Object.keys(models.services),
    ...(file.toLowerCase().endsWith('.nix') ? { nixBuildArgs: async (names: string[]) => processesBuildArgs(file, args, names) } : {}),
    profileDir,
    ...(build.dryRun ? { dryRun: true } : {}),
    showTrace,
    ...(build.log ? { log: build.log } : {}),
  });
  const { buildManifest } = await import('./manifest.js');
  return buildManifest({ ...models, services, baseDir, servicesFile: file, origin: { command: 'dydisnix-processes-switch', processes: path.resolve(file) } });
}
