/**
 * A whole deployment of one profile: lock, recover an interrupted run, lock the services (Dysnomia
 * `lock`), run the transition with a journal, commit the manifest only after success, unlock.
 */
import { ActivationError, PlanningError } from '../errors.js';
import { acquireLock, type Lock } from './lock.js';
import { compareMappings, emptyManifest, manifestUnits, type Manifest, type Unit } from './manifest.js';
import {
  JournalWriter,
  commitNewGeneration,
  journalFile,
  journalId,
  listGenerations,
  profileDir,
  readCurrentManifest,
  readGeneration,
  readJournal,
  switchToGeneration,
  type Journal,
  type UnitState,
} from './state.js';
import { pollUntil, readStat } from '../activation/proc.js';
import { deadUnits, localProbe, type LivenessProbe } from './liveness.js';
import type { Network, NetworkSettings } from './network.js';
import { readinessStep } from './readiness.js';
import { DeployProgress, formatPhases, type StatusLine } from './progress.js';
import {
  describeFailure,
  executeTransition,
  perTargetPlan,
  phaseLevels,
  planTransition,
  runPhase,
  type Activator,
  type Direction,
  type TransitionPlan,
  type TransitionResult,
} from './transition.js';

export type DeployRequest = { kind: 'switch'; manifest: Manifest } | { kind: 'undeploy' } | { kind: 'rollback'; generation?: number };

export interface DeployOptions {
  stateDir: string;
  profile: string;
  /** Default: the Dysnomia activator of src/activation. */
  activator?: Activator;
  /** `-m N`: jobs at once per target (default: the target's numOfCores, else 1). */
  maxConcurrent?: number;
  noRollback?: boolean;
  dryRun?: boolean;
  /** Progress lines (stderr in the CLI). */
  log?: (line: string) => void;
  /** The plan of a dry run (stdout in the CLI). */
  print?: (line: string) => void;
  /** Named in the lock file. */
  command?: string;
  modulesPath?: string;
  timeoutMs?: number;
  /** Wall time of each job, for the benchmark. */
  timings?: Map<string, number>;
  /**
   * The profile's lock, already acquired by the caller (dydisnix-env takes it before planning, so that
   * a run that loses the race changes nothing, not even the IDs file). The caller releases it.
   */
  heldLock?: Lock;
  /**
   * Tells whether an unchanged unit still runs (docs/deploy.md, "Converge"). Default: the local
   * process records when the Dysnomia activator is used; none with an injected activator.
   */
  probe?: LivenessProbe;
  /**
   * `-o/--old-profile`: the deployment to switch from instead of the current manifest (the units it
   * names are treated as the running ones when planning the transition).
   */
  from?: Manifest;
  /** The terminal's status line (src/deploy/progress.ts): shows the running jobs while the transition runs. */
  statusLine?: StatusLine;
  /** How targets are reached (docs/remote.md): client interface, target property, connect timeout. */
  network?: NetworkSettings;
}

export interface DeployResult {
  status: 'deployed' | 'unchanged' | 'dry-run' | 'nothing-to-undeploy';
  /** Unchanged units whose daemon was dead and that were activated again. */
  restarted?: Unit[];
  generation: number;
  plan: TransitionPlan;
  seconds: number;
}

const limitFor = (manifests: Manifest[], maxConcurrent: number | undefined) => (target: string) => {
  if (maxConcurrent !== undefined) return maxConcurrent;
  for (const manifest of manifests) {
    const cores = (manifest.infrastructure[target] as { numOfCores?: unknown } | undefined)?.numOfCores;
    if (typeof cores === 'number' && cores >= 1) return cores;
  }
  return 1;
};

/** The targets of the deployment (local and remote, docs/remote.md), unless an activator is injected. */
async function networkFor(options: DeployOptions, onModule?: (pid: number, running: boolean) => void): Promise<Network | undefined> {
  if (options.activator) return undefined;
  const { Network } = await import('./network.js');
  const dir = profileDir(options.stateDir, options.profile);
  return new Network({
    ...options.network,
    profile: options.profile,
    profileDir: dir,
    ...(options.command !== undefined ? { command: options.command } : {}),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.log ? { log: options.log } : {}),
    local: {
      profileDir: dir,
      ...(options.modulesPath !== undefined ? { modulesPath: options.modulesPath } : {}),
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      ...(options.log ? { log: options.log } : {}),
      ...(onModule ? { onModule } : {}),
    },
  });
}

/** How long recovery waits for the modules of a killed deployer before it kills them. */
const ORPHAN_MODULE_WAIT_MS = 60_000;

/**
 * A deployer killed with SIGKILL leaves its modules running (they have their own process groups).
 * Settling the state while one of them is still starting a daemon would leak that daemon, so wait for
 * them to finish, and kill what is left after a while.
 */
async function waitForOrphanModules(modules: Record<string, number> | undefined, log: (line: string) => void, waitMs: number): Promise<void> {
  const stillOurs = (pid: number, start: number) => {
    const stat = readStat(pid);
    return stat !== undefined && stat.startTime === start && stat.state !== 'Z' && stat.state !== 'X';
  };
  const running = Object.entries(modules ?? {})
    .map(([pid, start]) => [Number(pid), start] as const)
    .filter(([pid, start]) => stillOurs(pid, start));
  if (running.length === 0) return;
  log(`[coordinator]: Waiting for ${running.length} module process(es) of the interrupted deployment to finish...`);
  const done = await pollUntil(() => running.every(([pid, start]) => !stillOurs(pid, start)), waitMs);
  if (done) return;
  for (const [pid, start] of running) {
    if (!stillOurs(pid, start)) continue;
    log(`[coordinator]: Killing module process ${pid} of the interrupted deployment (still running after ${waitMs / 1000} s)`);
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // Gone in the meantime.
    }
  }
  await pollUntil(() => running.every(([pid, start]) => !stillOurs(pid, start)), 5_000);
}

/** Journals the module processes of whichever transition (or recovery) is running. */
class ModuleJournal {
  writer: JournalWriter | undefined;
  readonly onModule = (pid: number, running: boolean): void => {
    const writer = this.writer;
    if (!writer) return;
    void writer.module(pid, running ? readStat(pid)?.startTime : undefined).catch(() => undefined);
  };
}

/** The manifest a request leads to, from the current one. */
async function targetManifest(request: DeployRequest, current: Manifest | null, options: DeployOptions): Promise<{ manifest: Manifest; rollbackTo?: number }> {
  if (request.kind === 'switch') return { manifest: request.manifest };
  if (request.kind === 'undeploy') return { manifest: { ...emptyManifest(), infrastructure: current?.infrastructure ?? {} } };
  const generations = await listGenerations(options.stateDir, options.profile);
  const currentGeneration = current?.generation ?? 0;
  const wanted = request.generation ?? generations.filter((n) => n < currentGeneration).at(-1);
  if (wanted === undefined) throw new PlanningError(`profile "${options.profile}" has no generation before ${currentGeneration} to roll back to`);
  const manifest = await readGeneration(options.stateDir, options.profile, wanted);
  if (!manifest) throw new PlanningError(`profile "${options.profile}" has no generation ${wanted} (generations: ${generations.join(', ') || 'none'})`);
  return { manifest, rollbackTo: wanted };
}

async function printPlan(plan: TransitionPlan, print: (line: string) => void): Promise<void> {
  const section = async (units: Unit[], direction: Direction, title: string) => {
    print(`${title}: ${units.length}`);
    const levels = await phaseLevels(units, direction);
    levels.forEach((level, i) => {
      for (const unit of level) print(`  step ${i + 1}: [target: ${unit.target}]: ${direction === 'activate' ? 'Activate' : 'Deactivate'} service ${unit.service} (${unit.type}) in container ${unit.container}: ${unit.pkg}`);
    });
  };
  await section(plan.deactivate, 'deactivate', 'Deactivate (reverse dependency order)');
  await section(plan.activate, 'activate', 'Activate (dependency order)');
  print(`Unchanged: ${plan.unchanged.length}`);
  for (const unit of plan.unchanged) print(`  [target: ${unit.target}]: ${unit.service} (${unit.type})`);
}

/**
 * Bring the services back to the committed manifest after a run that was killed mid-transition: the
 * journal says which units were started or stopped; whatever is uncertain is settled by running the
 * (idempotent) operation again.
 */
async function recover(journal: Journal, current: Manifest | null, activator: Activator, options: DeployOptions, modules: ModuleJournal, network?: Network): Promise<void> {
  const log = options.log ?? (() => {});
  network?.learn(current?.infrastructure);
  network?.learn(journal.infrastructure);
  await waitForOrphanModules(journal.modules, log, options.timeoutMs ?? ORPHAN_MODULE_WAIT_MS);
  delete journal.modules;
  const desired = current ? manifestUnits(current) : [];
  const desiredIds = new Set(desired.map(journalId));
  const stateOf = (id: string): UnitState => journal.state[id] ?? (desiredIds.has(id) ? 'active' : 'inactive');
  const deactivate = Object.entries(journal.units)
    .filter(([id]) => !desiredIds.has(id) && stateOf(id) !== 'inactive')
    .map(([, unit]) => unit);
  const activate = desired.filter((unit) => stateOf(journalId(unit)) !== 'active');
  log(
    `[coordinator]: Recovering from an interrupted deployment (pid ${journal.pid}, started ${journal.startedAt}): restoring generation ${current?.generation ?? 0} ` +
      `(${deactivate.length} to deactivate, ${activate.length} to activate)`,
  );
  const writer = new JournalWriter(journalFile(options.stateDir, options.profile), journal);
  modules.writer = writer;
  const result = await executeTransition(
    { deactivate, activate, unchanged: [] },
    {
      activator,
      limit: limitFor(current ? [current] : [], options.maxConcurrent),
      log,
      noRollback: true,
      awaitReady: readinessStep(log),
      onStart: (unit, direction) => writer.set(unit, direction === 'activate' ? 'activating' : 'deactivating'),
      onDone: (unit, direction) => writer.set(unit, direction === 'activate' ? 'active' : 'inactive'),
    },
  );
  if (result.status !== 'OK') {
    await writer.flush();
    throw new ActivationError(`recovery of the interrupted deployment failed (${describeFailure(result, true).message}); the journal ${journalFile(options.stateDir, options.profile)} is kept and the next run tries again`);
  }
  await writer.remove();
}

export async function deploy(request: DeployRequest, options: DeployOptions): Promise<DeployResult> {
  const started = performance.now();
  const log = options.log ?? (() => {});
  const dir = profileDir(options.stateDir, options.profile);

  if (options.dryRun) {
    const current = await readCurrentManifest(options.stateDir, options.profile);
    const { manifest } = await targetManifest(request, current, options);
    const old = options.from ?? current;
    const plan = planTransition(old ? manifestUnits(old) : [], manifestUnits(manifest));
    await printPlan(plan, options.print ?? log);
    // Per target (docs/remote.md): which targets are remote decides what would be copied.
    const { chooseClient } = await import('./network.js');
    const infrastructure = { ...(current?.infrastructure ?? {}), ...manifest.infrastructure };
    const isRemote = (target: string) => chooseClient(target, infrastructure[target], options.network ?? {}).kind !== 'local';
    for (const line of perTargetPlan(plan, isRemote)) (options.print ?? log)(line);
    return { status: 'dry-run', generation: current?.generation ?? 0, plan, seconds: (performance.now() - started) / 1000 };
  }

  const lock = options.heldLock ?? (await acquireLock(dir, options.command ?? 'dydisnix'));
  let network: Network | undefined;
  let aborted = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (aborted) return;
    aborted = true;
    log(`[coordinator]: Received ${signal}: stopping after the running jobs and rolling back...`);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    if (lock.tookOverFrom) log(`[coordinator]: Took over the stale lock of pid ${lock.tookOverFrom.pid} (${lock.tookOverFrom.command}), which is no longer running`);
    const modules = new ModuleJournal();
    network = await networkFor(options, modules.onModule);
    const activator: Activator = options.activator ?? network!;
    let current = await readCurrentManifest(options.stateDir, options.profile);
    const journal = await readJournal(options.stateDir, options.profile);
    if (journal) {
      await recover(journal, current, activator, options, modules, network);
      current = await readCurrentManifest(options.stateDir, options.profile);
    }
    if (request.kind === 'undeploy' && (!current || current.mappings.length === 0)) {
      log(`[coordinator]: Nothing is deployed in profile "${options.profile}"`);
      return { status: 'nothing-to-undeploy', generation: current?.generation ?? 0, plan: { activate: [], deactivate: [], unchanged: [] }, seconds: (performance.now() - started) / 1000 };
    }
    const { manifest, rollbackTo } = await targetManifest(request, current, options);
    const old = options.from ?? current;
    const from = old ? manifestUnits(old) : [];
    const to = manifestUnits(manifest);
    const plan = planTransition(from, to);
    // Converge: an unchanged unit whose daemon died is activated again (the record is not trusted).
    network?.learn(current?.infrastructure);
    network?.learn(manifest.infrastructure);
    const probe = options.probe ?? network;
    const restarts = request.kind === 'undeploy' || !probe ? [] : await deadUnits(plan.unchanged, probe);
    if (restarts.length > 0) {
      const dead = new Set(restarts.map(({ unit }) => unit.key));
      for (const { unit, why } of restarts) log(`[target: ${unit.target}]: ${unit.service} is not running (${why}): restarting`);
      plan.unchanged = plan.unchanged.filter((unit) => !dead.has(unit.key));
      plan.activate = [...plan.activate, ...restarts.map(({ unit }) => unit)].sort(compareMappings);
    }
    for (const phase of [plan.deactivate, plan.activate]) await phaseLevels(phase, 'activate'); // rejects cycles before anything runs
    const limit = limitFor([manifest, ...(current ? [current] : [])], options.maxConcurrent);
    // Every target reached and locked, every component copied, before any service is touched.
    await network?.prepare(from, to, plan.activate, limit);

    // Lock the services of the current deployment (Disnix: dysnomia lock on each target's profile).
    const locked = await runPhase(from, 'activate', { activator: { run: (_op, unit) => activator.run('lock', unit) }, limit: () => Number.MAX_SAFE_INTEGER });
    const unlock = async (units: Unit[]) => {
      const result = await runPhase(units, 'activate', { activator: { run: (_op, unit) => activator.run('unlock', unit) }, limit: () => Number.MAX_SAFE_INTEGER });
      for (const failure of result.failed) log(`[target: ${failure.unit.target}]: Unlocking service ${failure.unit.service} failed: ${failure.error.message}`);
    };
    if (locked.failed.length > 0) {
      await unlock(locked.done);
      const first = locked.failed[0]!;
      throw new ActivationError(`service ${first.unit.service} on ${first.unit.target} refused the lock: ${first.error.message}; nothing was changed`);
    }

    let result: TransitionResult;
    const writer = new JournalWriter(journalFile(options.stateDir, options.profile), {
      version: 1,
      pid: process.pid,
      startedAt: new Date().toISOString(),
      fromGeneration: current?.generation ?? 0,
      units: {},
      restore: from.map(journalId),
      state: {},
      infrastructure: { ...manifest.infrastructure, ...(current?.infrastructure ?? {}) },
    });
    modules.writer = writer;
    const progress = new DeployProgress(plan.deactivate.length + plan.activate.length, options.statusLine);
    try {
      for (const unit of from) writer.journal.units[journalId(unit)] = unit;
      for (const unit of from) writer.journal.state[journalId(unit)] = 'active';
      for (const unit of plan.activate) writer.journal.units[journalId(unit)] = unit;
      for (const unit of plan.activate) writer.journal.state[journalId(unit)] ??= 'inactive';
      await writer.flush();
      result = await executeTransition(plan, {
        activator,
        limit,
        log,
        ...(options.noRollback ? { noRollback: true } : {}),
        aborted: () => aborted,
        awaitReady: readinessStep(log),
        ...(options.timings ? { timings: options.timings } : {}),
        label: progress.label,
        onStart: (unit, direction) => (progress.jobStarted(unit, direction), writer.set(unit, direction === 'activate' ? 'activating' : 'deactivating')),
        onDone: (unit, direction) => (progress.jobDone(unit, direction), writer.set(unit, direction === 'activate' ? 'active' : 'inactive')),
      });
    } finally {
      progress.finish();
      // Unlock what was locked and is still there (unchanged, or reactivated by the rollback).
      const stillActive = new Set(Object.entries(writer.journal.state).filter(([, state]) => state === 'active').map(([id]) => id));
      await unlock(locked.done.filter((unit) => stillActive.has(journalId(unit))));
    }

    if (result.status !== 'OK') {
      // A clean rollback restored the committed manifest: the journal is no longer needed. Otherwise it
      // stays, and the next run settles the units it names.
      if (result.status === 'FAILED' && !options.noRollback) await writer.remove();
      else await writer.flush();
      throw describeFailure(result, options.noRollback);
    }

    const committing = performance.now();
    let generation: number;
    // Restarting dead daemons does not change what is deployed: no new generation for that alone.
    const changed = plan.activate.length - restarts.length + plan.deactivate.length > 0;
    if (rollbackTo !== undefined) {
      await switchToGeneration(options.stateDir, options.profile, manifest);
      generation = rollbackTo;
    } else if (changed || !current || request.kind === 'undeploy') {
      generation = (await commitNewGeneration(options.stateDir, options.profile, manifest)).generation;
    } else {
      generation = current.generation;
    }
    await writer.remove();
    await network?.record({ ...manifest, generation }, to, from);
    const seconds = (performance.now() - started) / 1000;
    const what = request.kind === 'undeploy' ? 'Undeployed' : rollbackTo !== undefined ? 'Rolled back to' : 'Deployed';
    log(
      `[coordinator]: ${what} generation ${generation} of profile "${options.profile}": ${result.activated.length - restarts.length} activated, ` +
        `${result.deactivated.length} deactivated, ${plan.unchanged.length} unchanged${restarts.length > 0 ? `, ${restarts.length} restarted` : ''} (${seconds.toFixed(2)} s)`,
    );
    log(`[coordinator]: Time per phase: ${formatPhases([...progress.phases(), { phase: 'commit', seconds: (performance.now() - committing) / 1000 }])}`);
    for (const { unit } of restarts) log(`[target: ${unit.target}]: ${unit.service} was not running: restarted`);
    return { status: changed ? 'deployed' : 'unchanged', generation, plan, seconds, restarted: restarts.map(({ unit }) => unit) };
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await network?.close();
    if (!options.heldLock) await lock.release();
  }
}
