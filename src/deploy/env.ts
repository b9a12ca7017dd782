/**
 * dydisnix-env's pipeline (reference §1.15, B11 fixed): capture the infrastructure (or read -i),
 * augment it (-a), generate the distribution (gendist with -q and -F), assign IDs (--id-resources +
 * --ids, the IDs file updated atomically, then the services model re-read so that the IDs reach the
 * services), build the manifest and run the transition.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ToolError, UsageError } from '../errors.js';
import type { LoadOptions } from '../model/load.js';
import type { Distribution, Infrastructure } from '../model/types.js';
import type { DeployOptions, DeployResult } from './deploy.js';
import type { Manifest } from './manifest.js';
import { loadOptionsOf } from '../model/load-options.js';

export interface EnvOptions {
  services?: string;
  qos?: string;
  infrastructure?: string;
  /** A shell command printing the infrastructure model (JSON, Nix or XML) on stdout. */
  geninfra?: string;
  augment?: string;
  filters?: string;
  idResources?: string;
  ids?: string;
  idsServiceProperty?: string;
  extraParams?: string;
  showTrace?: boolean;
  xml?: boolean;
  undeploy?: boolean;
  rollback?: boolean;
  /** --switch-generation N */
  generation?: number;
  /** --max-moves N: the move budget of the dynamic planners (docs/gendist.md, "Moves"). */
  maxMoves?: number;
  /** -d: a hand-written distribution model (skips gendist, as `disnix-env -s -i -d`). */
  distribution?: string;
}

/** The environment variable naming the IDs file while the services model is evaluated. */
export const IDS_ENV = 'DYDISNIX_IDS';

const coordinator = (log: (line: string) => void) => (message: string) => log(`[coordinator]: ${message}`);


/** Run the infrastructure generator through the shell; its stdout is the model. */
export async function captureInfrastructure(command: string, workDir: string): Promise<string> {
  const { execa } = await import('execa');
  const result = await execa('/bin/sh', ['-c', command], { reject: false, stdin: 'ignore', stripFinalNewline: false });
  if (result.exitCode !== 0) {
    throw new ToolError(`the infrastructure generator failed (exit status ${result.exitCode ?? result.signal}): ${command}${result.stderr ? `\n${String(result.stderr).trimEnd()}` : ''}`);
  }
  const text = String(result.stdout);
  const trimmed = text.trimStart();
  const ext = trimmed.startsWith('<') ? 'xml' : trimmed.startsWith('{') && isJson(trimmed) ? 'json' : 'nix';
  const file = path.join(workDir, `infrastructure_captured.${ext}`);
  await fs.writeFile(file, text);
  return file;
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * The infrastructure file the planners read: -i or the captured one, augmented when -a is given (the
 * augmented model is written as JSON into workDir).
 */
export async function resolveInfrastructure(
  options: EnvOptions,
  workDir: string,
  log: (line: string) => void,
): Promise<{ file: string; infrastructure: Infrastructure }> {
  const say = coordinator(log);
  let file: string;
  if (options.infrastructure) file = options.infrastructure;
  else {
    const command = options.geninfra ?? process.env.DYDISNIX_GENINFRA;
    if (!command) throw new UsageError('Either an infrastructure generator or an infrastructure expression must be specified! (--geninfra CMD, $DYDISNIX_GENINFRA or -i FILE)');
    say('Capturing infrastructure...');
    file = await captureInfrastructure(command, workDir);
  }
  const loadOptions = loadOptionsOf(options);
  if (options.augment) {
    say('Augmenting the captured infrastructure...');
    const { augmentInfrastructure } = await import('../augment/augment.js');
    const infrastructure = await augmentInfrastructure(file, options.augment, loadOptions);
    const { infrastructureToJson } = await import('../model/formats/json-write.js');
    const augmented = path.join(workDir, 'infrastructure_augmented.json');
    await fs.writeFile(augmented, infrastructureToJson(infrastructure));
    return { file: augmented, infrastructure };
  }
  const { loadInfrastructure } = await import('../model/load.js');
  return { file, infrastructure: await loadInfrastructure(file, loadOptions) };
}

function idsFormat(file: string): 'json' | 'xml' | 'nix' {
  const lower = file.toLowerCase();
  return lower.endsWith('.json') ? 'json' : lower.endsWith('.xml') ? 'xml' : 'nix';
}

/** Models → manifest: gendist, then IDs, then re-read the services. */
export async function planManifest(
  options: EnvOptions,
  infrastructureFile: string,
  deploy: Pick<DeployOptions, 'stateDir' | 'profile' | 'dryRun'> & Pick<Partial<DeployOptions>, 'print'>,
  log: (line: string) => void,
): Promise<Manifest> {
  const say = coordinator(log);
  if (!options.services) throw new UsageError('A services model must be specified! (-s FILE)');
  if (!options.qos) throw new UsageError('A quality of service model must be specified! (-q FILE)');
  if ((options.idResources === undefined) !== (options.ids === undefined)) {
    throw new UsageError('ID assignment needs both --id-resources FILE (the pools) and --ids FILE (the assignments, created when missing)');
  }
  const loadOptions = loadOptionsOf(options);
  if (options.ids) process.env[IDS_ENV] = path.resolve(options.ids);
  say('Generating a distribution model...');
  const { gendist } = await import('../qos/gendist.js');
  const generated = await gendist({
    ...loadOptions,
    services: options.services,
    infrastructure: infrastructureFile,
    qos: options.qos,
    ...(options.filters ? { filters: options.filters } : {}),
    stateDir: deploy.stateDir,
    profile: deploy.profile,
    ...(options.maxMoves !== undefined ? { maxMoves: options.maxMoves } : {}),
    warn: (message) => say(`warning: ${message}`),
  });
  if (deploy.dryRun) await printDistributionDiff(generated.previousDistribution, generated.distribution, deploy.print ?? log);
  let services = generated.services;
  if (options.idResources && options.ids) {
    say('Updating the ID assignments...');
    const load = await import('../model/load.js');
    const { assignIds } = await import('../ids/assign.js');
    const { formatIds } = await import('../model/write.js');
    const exists = await fs.access(options.ids).then(
      () => true,
      () => false,
    );
    const result = assignIds({
      services,
      resources: await load.loadIdResources(options.idResources, loadOptions),
      previous: exists ? await load.loadIds(options.ids, loadOptions) : undefined,
      distribution: generated.distribution,
      ...(options.idsServiceProperty ? { serviceProperty: options.idsServiceProperty } : {}),
      resourcesFile: options.idResources,
    });
    for (const warning of result.warnings) log(`[coordinator]: warning: ${warning}`);
    if (deploy.dryRun) {
      say(`Dry run: the IDs file ${options.ids} is not updated (${result.stats.assigned} new, ${result.stats.retained} kept, ${result.stats.dropped} dropped)`);
    } else {
      const { writeFileAtomic } = await import('../io/atomic.js');
      const text = await formatIds(result.ids, idsFormat(options.ids));
      await writeFileAtomic(options.ids, text.endsWith('\n') ? text : `${text}\n`);
      // The services model reads the IDs (JS: process.env.DYDISNIX_IDS or a sibling file; Nix: getEnv).
      services = await load.loadServices(options.services, { ...loadOptions, evaluatePkg: true });
    }
  }
  // Planning never forces a Nix service's pkg; deploying needs its path, so read it now.
  if (Object.values(services).some((service) => service.pkg === undefined)) {
    const load = await import('../model/load.js');
    services = await load.loadServices(options.services, { ...loadOptions, evaluatePkg: true });
  }
  // Derivation pkgs are built now, once, before anything is stopped (docs/deploy.md, "Nix components").
  const { realiseComponents } = await import('./realise.js');
  const { profileDir } = await import('./state.js');
  services = await realiseComponents(services, {
    servicesFile: options.services,
    baseDir: path.dirname(path.resolve(options.services)),
    deployed: Object.keys(generated.distribution).filter((name) => generated.distribution[name]!.length > 0),
    loadOptions,
    profileDir: profileDir(deploy.stateDir, deploy.profile),
    ...(deploy.dryRun ? { dryRun: true } : {}),
    ...(options.showTrace ? { showTrace: true } : {}),
    log,
  });
  const { buildManifest } = await import('./manifest.js');
  return buildManifest({
    services,
    infrastructure: generated.infrastructure,
    distribution: generated.distribution,
    baseDir: path.dirname(path.resolve(options.services)),
    servicesFile: options.services,
    origin: {
      command: 'dydisnix-env',
      services: path.resolve(options.services),
      qos: path.resolve(options.qos),
      ...(options.infrastructure ? { infrastructure: path.resolve(options.infrastructure) } : {}),
    },
  });
}

/**
 * --dry-run: the plan diff of the distribution against the deployed one (src/qos/plan-diff.ts), per
 * service kept / moved / added / removed, before the transition plan.
 */
async function printDistributionDiff(previous: Distribution | null, next: Distribution, print: (line: string) => void): Promise<void> {
  const { diffDistributions, formatPlanDiff } = await import('../qos/plan-diff.js');
  print(`Distribution changes (${previous ? 'against the deployed distribution' : 'nothing deployed yet'}):`);
  for (const line of formatPlanDiff(diffDistributions(previous, next)).trimEnd().split('\n')) print(`  ${line}`);
}

export async function withWorkDir<T>(run: (dir: string) => Promise<T>): Promise<T> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dydisnix-env-'));
  try {
    return await run(dir);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/** The whole of dydisnix-env. */
export async function runEnv(options: EnvOptions, deployOptions: DeployOptions): Promise<DeployResult> {
  const log = deployOptions.log ?? (() => {});
  const { deploy } = await import('./deploy.js');
  if (options.undeploy && options.rollback) throw new UsageError('--undeploy and --rollback exclude each other');
  if (options.undeploy) return deploy({ kind: 'undeploy' }, deployOptions);
  if (options.rollback || options.generation !== undefined) {
    return deploy({ kind: 'rollback', ...(options.generation !== undefined ? { generation: options.generation } : {}) }, deployOptions);
  }
  if (!options.services) throw new UsageError('A services model must be specified! (-s FILE)');
  if (options.distribution) return deployDistribution(options, deployOptions);
  if (!options.qos) throw new UsageError('A quality of service model must be specified! (-q FILE, or -d DISTRIBUTION)');
  return withWorkDir(async (workDir) =>
    withProfileLock(deployOptions, async (locked) => {
      const { file } = await resolveInfrastructure(options, workDir, log);
      const manifest = await planManifest(options, file, deployOptions, log);
      coordinator(log)('Deploying the system...');
      return deploy({ kind: 'switch', manifest }, locked);
    }),
  );
}

/**
 * `-d DISTRIBUTION`: deploy a hand-written distribution (as `disnix-env -s -i -d`): no QoS model, no
 * gendist, no ID assignment; the infrastructure is still captured (or read) and augmented.
 */
async function deployDistribution(options: EnvOptions, deployOptions: DeployOptions): Promise<DeployResult> {
  const log = deployOptions.log ?? (() => {});
  const { deploy } = await import('./deploy.js');
  for (const [given, name] of [[options.qos, '-q'], [options.filters, '-F'], [options.idResources, '--id-resources'], [options.ids, '--ids']] as const) {
    if (given !== undefined) throw new UsageError(`${name} needs a generated distribution; it cannot be combined with -d DISTRIBUTION`);
  }
  const servicesFile = options.services!;
  const distributionFile = options.distribution!;
  return withWorkDir(async (workDir) =>
    withProfileLock(deployOptions, async (locked) => {
      const { infrastructure } = await resolveInfrastructure(options, workDir, log);
      const load = await import('../model/load.js');
      const loadOptions = loadOptionsOf(options);
      const services = await load.loadServices(servicesFile, { ...loadOptions, evaluatePkg: true });
      const distribution = await load.loadDistribution(distributionFile, { ...loadOptions, infrastructure, services });
      const { buildManifest } = await import('./manifest.js');
      const manifest = await buildManifest({
        services,
        infrastructure,
        distribution,
        baseDir: path.dirname(path.resolve(servicesFile)),
        servicesFile,
        origin: {
          command: 'dydisnix-env',
          services: path.resolve(servicesFile),
          distribution: path.resolve(distributionFile),
          ...(options.infrastructure ? { infrastructure: path.resolve(options.infrastructure) } : {}),
        },
      });
      coordinator(log)('Deploying the system...');
      return deploy({ kind: 'switch', manifest }, locked);
    }),
  );
}

/**
 * Run `body` holding the profile's lock (not in a dry run, which changes nothing): planning reads the
 * previous distribution and rewrites the IDs file, so a second run must fail before it, not after.
 */
export async function withProfileLock<T>(deployOptions: DeployOptions, body: (options: DeployOptions) => Promise<T>): Promise<T> {
  if (deployOptions.dryRun || deployOptions.heldLock) return body(deployOptions);
  const { acquireLock } = await import('./lock.js');
  const { profileDir } = await import('./state.js');
  const lock = await acquireLock(profileDir(deployOptions.stateDir, deployOptions.profile), deployOptions.command ?? 'dydisnix');
  try {
    return await body({ ...deployOptions, heldLock: lock });
  } finally {
    await lock.release();
  }
}
