/**
 * The Disnix transition (reference §6.3), pure apart from the injected activator: plan which units to
 * deactivate and activate, then run both phases on a dependency graph with a per-target parallelism
 * limit, and roll back on any failure.
 *
 * - Phase 1 deactivates obsolete units in reverse dependency order: a unit waits for every obsolete
 *   unit that is ordered after it.
 * - Phase 2 activates new units in dependency order (`dependsOn` + `activatesAfter`); unchanged units
 *   count as active already. `connectsTo` imposes no order.
 * - On a failure no new job starts; running jobs finish. Then (unless `noRollback`) the units the
 *   failed phase already handled are undone in reverse order and the obsolete units reactivated.
 */
import { DirectedGraph } from 'graphology';
import { ActivationError, PlanningError } from '../errors.js';
import { compareMappings, type Unit } from './manifest.js';
import { compareNames } from '../model/value.js';

export type Operation = 'activate' | 'deactivate' | 'lock' | 'unlock';

/** Runs one Dysnomia operation on a unit; rejects when it fails. */
export interface Activator {
  run(operation: Operation, unit: Unit): Promise<void>;
}

export interface TransitionPlan {
  /** Obsolete units: in the old set only, or whose deployable content changed. */
  deactivate: Unit[];
  /** New units: in the new set only, or whose deployable content changed. */
  activate: Unit[];
  /** In both sets with the same content: never touched. */
  unchanged: Unit[];
}

export const sameUnit = (a: Unit, b: Unit) => a.key === b.key && a.fingerprint === b.fingerprint;

/** Compare by (target, container, service) and the deployable content. */
export function planTransition(from: Unit[], to: Unit[]): TransitionPlan {
  const oldByKey = new Map(from.map((u) => [u.key, u]));
  const newByKey = new Map(to.map((u) => [u.key, u]));
  const deactivate: Unit[] = [];
  const activate: Unit[] = [];
  const unchanged: Unit[] = [];
  for (const unit of from) {
    const next = newByKey.get(unit.key);
    if (!next || !sameUnit(unit, next)) deactivate.push(unit);
  }
  for (const unit of to) {
    const prev = oldByKey.get(unit.key);
    if (prev && sameUnit(prev, unit)) unchanged.push(unit);
    else activate.push(unit);
  }
  const order = (a: Unit, b: Unit) => compareMappings(a, b);
  return { deactivate: deactivate.sort(order), activate: activate.sort(order), unchanged: unchanged.sort(order) };
}

export type Direction = 'activate' | 'deactivate';

/**
 * The ordering graph of a set of units: an edge u → v means u must be done before v. For activation
 * dependencies come first; for deactivation the edges are reversed (dependants first).
 */
export function orderingGraph(units: Unit[], direction: Direction): DirectedGraph {
  const graph = new DirectedGraph({ multi: false, allowSelfLoops: false });
  for (const unit of units) graph.addNode(unit.key);
  const byService = new Map<string, Unit[]>();
  for (const unit of units) {
    const list = byService.get(unit.service) ?? [];
    list.push(unit);
    byService.set(unit.service, list);
  }
  for (const unit of units) {
    for (const dep of unit.orderAfter) {
      for (const before of byService.get(dep) ?? []) {
        if (before.key === unit.key) continue;
        const [from, to] = direction === 'activate' ? [before.key, unit.key] : [unit.key, before.key];
        if (!graph.hasEdge(from, to)) graph.addDirectedEdge(from, to);
      }
    }
  }
  return graph;
}

/** Levels of a phase (for --dry-run and the benchmark): units whose predecessors are all in earlier levels. */
export async function phaseLevels(units: Unit[], direction: Direction): Promise<Unit[][]> {
  const graph = orderingGraph(units, direction);
  const { hasCycle, topologicalGenerations } = await import('graphology-dag');
  if (hasCycle(graph)) throw new PlanningError('the services have a dependency cycle: no activation order exists');
  const byKey = new Map(units.map((u) => [u.key, u]));
  return topologicalGenerations(graph).map((level) => level.map((key) => byKey.get(key)!).sort(compareMappings));
}

/**
 * A dry run's plan per target (docs/remote.md): what would be copied there (the components of the
 * units to activate on a remote target, sent only when the target lacks them), activated,
 * deactivated and left alone. `isRemote` tells which targets get copies.
 */
export function perTargetPlan(plan: TransitionPlan, isRemote: (target: string) => boolean): string[] {
  const targets = [...new Set([...plan.activate, ...plan.deactivate, ...plan.unchanged].map((u) => u.target))].sort(compareNames);
  const names = (units: Unit[]) => (units.length === 0 ? '-' : units.map((u) => u.service).join(', '));
  const lines: string[] = ['Per target:'];
  for (const target of targets) {
    const on = (units: Unit[]) => units.filter((u) => u.target === target);
    const activate = on(plan.activate);
    const copies = isRemote(target) ? [...new Set(activate.map((u) => u.pkg))].sort(compareNames) : [];
    lines.push(`  [target: ${target}]${isRemote(target) ? '' : ' (local)'}`);
    lines.push(`    copy (unless present): ${copies.length === 0 ? '-' : copies.join(', ')}`);
    lines.push(`    activate: ${names(activate)}`);
    lines.push(`    deactivate: ${names(on(plan.deactivate))}`);
    lines.push(`    left alone: ${names(on(plan.unchanged))}`);
  }
  return lines;
}

export interface ProgressSink {
  (line: string): void;
}

export interface RunOptions {
  activator: Activator;
  /** Jobs at once on a target. */
  limit: (target: string) => number;
  log?: ProgressSink;
  /** Called before a job starts and after it succeeded (the state journal follows these). */
  onStart?: (unit: Unit, direction: Direction) => void | Promise<void>;
  onDone?: (unit: Unit, direction: Direction) => void | Promise<void>;
  /** Set when the run is interrupted (SIGINT): no new jobs start, the phase counts as failed. */
  aborted?: () => boolean;
  /** Wall time of each finished job, for the benchmark. */
  timings?: Map<string, number>;
  /**
   * Called after a unit was activated, before its dependents may start: resolves once it is ready
   * (src/deploy/readiness.ts), rejects when it never became ready. The unit is then deactivated again
   * and counts as failed, so the transition rolls back.
   */
  awaitReady?: (unit: Unit) => Promise<void>;
  /** Prefix of a job's progress line, e.g. the counter `[12/40] ` (src/deploy/progress.ts). */
  label?: (unit: Unit, direction: Direction) => string;
}

export interface Failure {
  unit: Unit;
  direction: Direction;
  error: Error;
}

export interface PhaseResult {
  done: Unit[];
  failed: Failure[];
  /** Never started, because of a failure or an interruption. */
  skipped: Unit[];
}

const verb = (direction: Direction) => (direction === 'activate' ? 'Activating' : 'Deactivating');

/** Run one phase: every unit once, respecting the order and the per-target limit. */
export async function runPhase(units: Unit[], direction: Direction, options: RunOptions): Promise<PhaseResult> {
  if (units.length === 0) return { done: [], failed: [], skipped: [] };
  const graph = orderingGraph(units, direction);
  const byKey = new Map(units.map((u) => [u.key, u]));
  const waiting = new Map<string, number>();
  graph.forEachNode((key: string) => waiting.set(key, graph.inDegree(key)));
  // Ready units in a stable order (target, container, service).
  const ready: Unit[] = units.filter((u) => waiting.get(u.key) === 0);
  const running = new Map<string, number>();
  const done: Unit[] = [];
  const failed: Failure[] = [];
  const started = new Set<string>();
  let inFlight = 0;
  let wake: (() => void) | undefined;

  const launch = (unit: Unit) => {
    started.add(unit.key);
    running.set(unit.target, (running.get(unit.target) ?? 0) + 1);
    inFlight++;
    void (async () => {
      const begin = performance.now();
      try {
        await options.onStart?.(unit, direction);
        options.log?.(`${options.label?.(unit, direction) ?? ''}[target: ${unit.target}]: ${verb(direction)} service ${unit.service} (${unit.type})`);
        await options.activator.run(direction, unit);
        if (direction === 'activate' && options.awaitReady) await awaitReadyOrUndo(unit, options);
        options.timings?.set(`${direction} ${unit.key}`, (performance.now() - begin) / 1000);
        await options.onDone?.(unit, direction);
        done.push(unit);
        for (const next of graph.outNeighbors(unit.key)) {
          const left = waiting.get(next)! - 1;
          waiting.set(next, left);
          if (left === 0) ready.push(byKey.get(next)!);
        }
      } catch (error) {
        const err = error instanceof Error ? error : new Error(String(error));
        failed.push({ unit, direction, error: err });
        options.log?.(`[target: ${unit.target}]: ${direction === 'activate' ? 'Activation' : 'Deactivation'} of service ${unit.service} failed: ${firstLine(err.message)}`);
      } finally {
        running.set(unit.target, running.get(unit.target)! - 1);
        inFlight--;
        wake?.();
      }
    })();
  };

  for (;;) {
    const stop = failed.length > 0 || (options.aborted?.() ?? false);
    if (!stop) {
      ready.sort(compareMappings);
      for (let i = 0; i < ready.length; ) {
        const unit = ready[i]!;
        if ((running.get(unit.target) ?? 0) < Math.max(1, options.limit(unit.target))) {
          ready.splice(i, 1);
          launch(unit);
        } else i++;
      }
    }
    if (inFlight === 0) break;
    await new Promise<void>((resolve) => (wake = resolve));
    wake = undefined;
  }
  const skipped = units.filter((u) => !started.has(u.key));
  if (skipped.length > 0 && failed.length === 0 && !(options.aborted?.() ?? false)) {
    throw new PlanningError(`the services have a dependency cycle: cannot order ${skipped.map((u) => u.service).join(', ')}`);
  }
  return { done, failed, skipped };
}

/** The readiness step: a unit that never became ready is stopped again before the failure counts. */
async function awaitReadyOrUndo(unit: Unit, options: RunOptions): Promise<void> {
  try {
    await options.awaitReady!(unit);
  } catch (error) {
    await options.activator.run('deactivate', unit).catch((undo: Error) => {
      options.log?.(`[target: ${unit.target}]: Deactivating service ${unit.service}, which did not become ready, failed: ${firstLine(undo.message)}`);
    });
    throw error;
  }
}

export type TransitionStatus = 'OK' | 'FAILED' | 'OBSOLETE_MAPPINGS_ROLLBACK_FAILED' | 'NEW_MAPPINGS_ROLLBACK_FAILED';

export interface TransitionResult {
  status: TransitionStatus;
  failures: Failure[];
  activated: Unit[];
  deactivated: Unit[];
  /** Units whose state is unknown after a failed rollback (the system is inconsistent). */
  inconsistent: Unit[];
}

export interface TransitionOptions extends RunOptions {
  noRollback?: boolean;
}

export async function executeTransition(plan: TransitionPlan, options: TransitionOptions): Promise<TransitionResult> {
  const log = options.log ?? (() => {});
  const rollbackOptions: RunOptions = { ...options, aborted: () => false };
  const failures: Failure[] = [];
  const interrupted = () => (options.aborted?.() ? [{ unit: plan.activate[0] ?? plan.deactivate[0]!, direction: 'activate' as const, error: new Error('interrupted') }] : []);

  if (plan.deactivate.length + plan.activate.length === 0) return { status: 'OK', failures, activated: [], deactivated: [], inconsistent: [] };

  // Phase 1: deactivate the obsolete units.
  const phase1 = await runPhase(plan.deactivate, 'deactivate', options);
  // The last step of every rollback: bring back what phase 1 deactivated.
  const reactivateObsolete = async (): Promise<TransitionResult> => {
    const back = await runPhase(phase1.done, 'activate', rollbackOptions);
    failures.push(...back.failed);
    return {
      status: back.failed.length > 0 ? 'OBSOLETE_MAPPINGS_ROLLBACK_FAILED' : 'FAILED',
      failures,
      activated: [],
      deactivated: [],
      inconsistent: back.failed.map((f) => f.unit),
    };
  };
  // An interruption counts as a failure even when the jobs that were running when it came finished the phase.
  const phase1Failed = phase1.failed.length > 0 || (options.aborted?.() ?? false);
  if (phase1Failed) {
    failures.push(...phase1.failed, ...(phase1.failed.length === 0 ? interrupted() : []));
    if (options.noRollback) return { status: 'FAILED', failures, activated: [], deactivated: phase1.done, inconsistent: [] };
    log(`[coordinator]: Deactivation failed; reactivating the ${phase1.done.length} obsolete service(s) already deactivated...`);
    return reactivateObsolete();
  }

  // Phase 2: activate the new units.
  const phase2 = await runPhase(plan.activate, 'activate', options);
  const phase2Failed = phase2.failed.length > 0 || (options.aborted?.() ?? false);
  if (!phase2Failed) return { status: 'OK', failures, activated: phase2.done, deactivated: phase1.done, inconsistent: [] };

  failures.push(...phase2.failed, ...(phase2.failed.length === 0 ? interrupted() : []));
  if (options.noRollback) return { status: 'FAILED', failures, activated: phase2.done, deactivated: phase1.done, inconsistent: [] };
  log(`[coordinator]: Activation failed; deactivating the ${phase2.done.length} new service(s) already activated...`);
  const undo = await runPhase(phase2.done, 'deactivate', rollbackOptions);
  if (undo.failed.length > 0) {
    failures.push(...undo.failed);
    return {
      status: 'NEW_MAPPINGS_ROLLBACK_FAILED',
      failures,
      activated: phase2.done.filter((u) => !undo.done.includes(u)),
      deactivated: phase1.done,
      inconsistent: undo.failed.map((f) => f.unit),
    };
  }
  log(`[coordinator]: Reactivating the ${phase1.done.length} obsolete service(s)...`);
  return reactivateObsolete();
}

export function firstLine(text: string): string {
  const line = text.split('\n').find((l) => l.trim() !== '') ?? text;
  return line.trim();
}

/** A one-paragraph description of a failed transition, for the ActivationError the CLI prints. */
export function describeFailure(result: TransitionResult, noRollback = false): ActivationError {
  const first = result.failures[0];
  const what = first ? `${first.direction === 'activate' ? 'activation' : 'deactivation'} of ${first.unit.service} on ${first.unit.target} failed: ${firstLine(first.error.message)}` : 'the transition failed';
  const tail: Record<TransitionStatus, string> = {
    OK: '',
    FAILED: noRollback
      ? 'stopped without rollback (--no-rollback): the system may be partially deployed; the manifest is unchanged'
      : 'rolled back: the previous deployment is running again and the manifest is unchanged',
    OBSOLETE_MAPPINGS_ROLLBACK_FAILED: `the rollback could not reactivate: ${result.inconsistent.map((u) => u.key).join(', ')}; the system is inconsistent`,
    NEW_MAPPINGS_ROLLBACK_FAILED: `the rollback could not deactivate: ${result.inconsistent.map((u) => u.key).join(', ')}; the system is inconsistent`,
  };
  return new ActivationError(`${what}; ${tail[result.status]}`);
}
