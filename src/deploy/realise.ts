/**
 * Nix components (docs/deploy.md, "Nix components"): before the transition, as `disnix-manifest` does,
 * every deployed `pkg` that is a derivation is built, once per deployment, so that its store path
 * exists when it is activated and is what the manifest records.
 *
 * - A Nix model gives a derivation pkg as its output path (nix/load.nix with evaluatePkg); one
 *   `nix-build` of the model's "build" kind realises all of them together.
 * - A pkg that names a store derivation (`/nix/store/…-x.drv`, from any model format) is realised
 *   with `nix-store --realise`, and its output path replaces it.
 *
 * A pkg outside the store that does not exist is a model error, found before anything runs (a dry
 * run included). A build failure is an error before anything is stopped. A dry run builds nothing and says what it
 * would build. The outputs are registered as GC roots under `<profile>/gcroots/` so that a garbage
 * collection does not remove a deployed component.
 */
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { ModelError, ToolError } from '../errors.js';
import type { LoadOptions } from '../model/load.js';
import type { Services } from '../model/types.js';

export interface RealiseOptions {
  /** The services model file: a `.nix` model's derivations are built from it. */
  servicesFile: string;
  /** Relative pkgs resolve against this folder. */
  baseDir: string;
  /** Root of model paths in errors: `services` (default) or `processes`. */
  modelRoot?: string;
  /** The services that are deployed (only their pkgs are built). */
  deployed: string[];
  loadOptions?: LoadOptions;
  /** nix-build arguments that build the named services' derivations (default: nix/load.nix's "build" kind). */
  nixBuildArgs?: (names: string[]) => Promise<string[]>;
  /** `<state-dir>/<profile>`: GC roots go to its `gcroots/` folder. */
  profileDir?: string;
  dryRun?: boolean;
  showTrace?: boolean;
  log?: (line: string) => void;
}

/** The Nix store folder (`NIX_STORE_DIR`, else /nix/store). */
export function storeDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(env.NIX_STORE_DIR || '/nix/store');
}

const inStore = (pkg: string) => pkg.startsWith(`${storeDir()}/`);
const isDrvPath = (pkg: string) => inStore(pkg) && pkg.endsWith('.drv');

async function run(command: string, args: string[]): Promise<string> {
  const { execa } = await import('execa');
  const result = await execa(command, args, { reject: false, stdin: 'ignore', maxBuffer: 1 << 28 });
  if ((result as { code?: string }).code === 'ENOENT' || (result.failed && result.exitCode === undefined && /ENOENT/.test(String(result.message)))) {
    throw new ToolError(`${command} not found: install Nix (Debian: apt-get install nix-bin) to deploy derivations`);
  }
  if (result.exitCode !== 0) {
    const stderr = String(result.stderr).trimEnd().split('\n');
    const shown = stderr.length > 40 ? ['…', ...stderr.slice(-40)] : stderr;
    throw new ToolError(`${command} failed (exit status ${result.exitCode ?? result.signal}); nothing was deployed or stopped:\n${shown.join('\n')}`);
  }
  return String(result.stdout);
}

/**
 * The services with every deployed derivation pkg built (and `.drv` pkgs replaced by their output
 * path). Services that need no build are returned unchanged.
 */
export async function realiseComponents(services: Services, options: RealiseOptions): Promise<Services> {
  const log = options.log ?? (() => {});
  const resolved = (pkg: string) => path.resolve(options.baseDir, pkg);
  const where = (name: string) => `${options.modelRoot ?? 'services'}.${name}.pkg`;
  const deployed = options.deployed.filter((name) => services[name]?.pkg !== undefined);
  const drvs = deployed.filter((name) => isDrvPath(resolved(services[name]!.pkg!)));
  const unbuilt = deployed.filter((name) => !drvs.includes(name) && inStore(resolved(services[name]!.pkg!)) && !existsSync(resolved(services[name]!.pkg!)));
  // A component folder that is not there is a model error now (a dry run too), not an activation failure later.
  for (const name of deployed) {
    const pkg = resolved(services[name]!.pkg!);
    if (!inStore(pkg) && !existsSync(pkg)) throw new ModelError(options.servicesFile, where(name), `the component ${pkg} does not exist`);
    if (isDrvPath(pkg) && !existsSync(pkg)) throw new ModelError(options.servicesFile, where(name), `the store derivation ${pkg} does not exist (instantiate it first, e.g. with nix-instantiate)`);
  }
  if (drvs.length + unbuilt.length === 0) return services;
  const names = [...drvs, ...unbuilt];
  if (options.dryRun) {
    for (const name of names) log(`[coordinator]: Dry run: would build ${services[name]!.pkg} (${where(name)})`);
    return services;
  }
  log(`[coordinator]: Building ${names.length} component${names.length === 1 ? '' : 's'}: ${names.join(', ')}...`);
  const trace = options.showTrace ? ['--show-trace'] : [];
  const roots = options.profileDir ? path.join(options.profileDir, 'gcroots') : undefined;
  if (roots) await fs.mkdir(roots, { recursive: true });
  const out = { ...services };

  if (unbuilt.length > 0) {
    if (!options.servicesFile.toLowerCase().endsWith('.nix') && !options.nixBuildArgs) {
      const name = unbuilt[0]!;
      throw new ModelError(options.servicesFile, where(name), `the store path ${services[name]!.pkg} does not exist, and only a Nix model's derivations can be built`);
    }
    const args = options.nixBuildArgs ? await options.nixBuildArgs(unbuilt) : await defaultBuildArgs(options, unbuilt);
    await run('nix-build', [...args, ...trace, ...(roots ? ['--out-link', path.join(roots, 'components')] : ['--no-out-link'])]);
    for (const name of unbuilt) {
      const pkg = resolved(services[name]!.pkg!);
      if (!existsSync(pkg)) throw new ModelError(options.servicesFile, where(name), `${pkg} does not exist after the build: pkg is neither a derivation nor an existing component`);
    }
  }
  if (drvs.length > 0) {
    const paths = drvs.map((name) => resolved(services[name]!.pkg!));
    await run('nix-store', ['--realise', ...paths, ...trace, ...(roots ? ['--add-root', path.join(roots, 'derivations'), '--indirect'] : [])]);
    for (const name of drvs) out[name] = { ...services[name]!, pkg: await mainOutput(resolved(services[name]!.pkg!)) };
  }
  return out;
}

async function defaultBuildArgs(options: RealiseOptions, names: string[]): Promise<string[]> {
  const { loadNixArgs } = await import('../model/formats/nix-eval.js');
  return [
    ...loadNixArgs('build', options.servicesFile, {
      ...(options.loadOptions?.extraParams !== undefined ? { extraParams: options.loadOptions.extraParams } : {}),
    }),
    '--argstr',
    'buildNames',
    JSON.stringify(names),
  ];
}

/** The output a component is: `out` (named like the derivation), else the first one. */
async function mainOutput(drv: string): Promise<string> {
  const outputs = (await run('nix-store', ['--query', '--outputs', drv])).trim().split('\n').filter((line) => line !== '');
  const name = path.basename(drv, '.drv').slice(33);
  return outputs.find((output) => path.basename(output).slice(33) === name) ?? outputs[0]!;
}
