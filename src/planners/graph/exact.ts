/**
 * What the exact modes of the graph planners share: the options, the report (objective, best bound,
 * gap) and its wording on stderr, and the rule that the heuristic's plan is the fallback, so a run
 * cut short by its time limit never returns a worse plan (docs/graph.md, "Exact modes").
 *
 * Gap, as HiGHS defines it: (objective − bound) / |objective|, the share of the plan's objective that
 * a better plan might still save; 0 when the plan is proven optimal.
 */
import type { MipResult } from './highs.js';

export interface ExactOptions {
  /** Seconds the solver may run; undefined = until optimal. */
  timeLimit?: number;
}

export interface ExactReport {
  /** What is minimised, as printed: "total cost", "cross-target links", "targets used". */
  measure: string;
  /** The returned plan's objective (recomputed from the plan, not taken from the solver). */
  objective: number;
  /** Best proven lower bound on the objective of any plan. */
  bound: number;
  optimal: boolean;
  /** Why the solver stopped when the plan is not proven optimal. */
  stopped?: 'time-limit' | 'interrupted';
  seconds: number;
  timeLimit?: number;
  /** The heuristic's plan objective (undefined when the heuristic found none, e.g. graphcol failing). */
  heuristic: number | undefined;
  /** Where the returned plan comes from: the solver's incumbent or, when that is not better, the heuristic. */
  source: 'solver' | 'heuristic';
  variables: number;
  constraints: number;
}

/** (objective − bound) / |objective|; 0 at or below the bound. */
export function gap(objective: number, bound: number): number {
  if (objective - bound <= 1e-9 * Math.max(1, Math.abs(objective))) return 0;
  if (objective === 0) return Infinity;
  return (objective - bound) / Math.abs(objective);
}

/** A bound on an objective known to be an integer can be rounded up. */
export function integerBound(bound: number): number {
  return Number.isFinite(bound) ? Math.ceil(bound - 1e-6) : bound;
}

function show(value: number): string {
  if (value === -Infinity) return 'none';
  return Number.isInteger(value) ? String(value) : String(Number(value.toFixed(6)));
}

function percent(fraction: number): string {
  return fraction === Infinity ? '∞ %' : `${(fraction * 100).toFixed(1)} %`;
}

function seconds(value: number): string {
  return `${Number(value.toFixed(value < 10 ? 2 : 1))} s`;
}

/** `exact: cross-target links 12, best bound 12, optimal (0.41 s)` or `…, gap 3.1 % after 10 s (time limit)`. */
export function formatExactReport(report: ExactReport): string {
  const bounded = report.bound !== -Infinity;
  const head = `exact: ${report.measure} ${show(report.objective)}, ${bounded ? `best bound ${show(report.bound)}` : 'no bound yet'}`;
  const source = report.source === 'heuristic' ? '; the heuristic plan is returned (the solver found none better)' : '';
  if (report.optimal) return `${head}, optimal (${seconds(report.seconds)}${source})`;
  const why = report.stopped === 'time-limit' ? 'time limit' : 'solver stopped';
  return `${head}, gap ${bounded ? percent(gap(report.objective, report.bound)) : 'unknown'} after ${seconds(report.seconds)} (${why}${source})`;
}

/** `heuristic plan: cross-target links 15, gap 20.0 % (3 above the optimum 12)` — for --explain. */
export function formatHeuristicGap(report: ExactReport): string {
  if (report.heuristic === undefined) return `heuristic plan: none (the heuristic found no plan)`;
  const h = report.heuristic;
  if (!report.optimal && report.bound === -Infinity) return `heuristic plan: ${report.measure} ${show(h)}, gap unknown (the solver proved no bound yet)`;
  const against = report.optimal ? `the optimum ${show(report.objective)}` : `the best bound ${show(report.bound)}`;
  const above = h - (report.optimal ? report.objective : report.bound);
  const distance = above <= 1e-9 ? `equal to ${against}` : `${show(above)} above ${against}`;
  return `heuristic plan: ${report.measure} ${show(h)}, gap ${percent(gap(h, report.optimal ? report.objective : report.bound))} (${distance})`;
}

/**
 * Chooses between the solver's incumbent and the heuristic's plan: the solver's when it has one that
 * is at least as good (objectives recomputed from the plans), else the heuristic's.
 */
export function choosePlan<P>(
  solver: { plan: P; objective: number } | undefined,
  heuristic: { plan: P; objective: number } | undefined,
): { plan: P; objective: number; source: 'solver' | 'heuristic' } | undefined {
  if (solver && (!heuristic || solver.objective <= heuristic.objective + 1e-9)) return { ...solver, source: 'solver' };
  if (heuristic) return { ...heuristic, source: 'heuristic' };
  return undefined;
}

/** The report of a solve whose plan was chosen by `choosePlan`. */
export function reportOf(
  measure: string,
  result: MipResult,
  chosen: { objective: number; source: 'solver' | 'heuristic' },
  heuristic: number | undefined,
  sizes: { variables: number; constraints: number },
  options: ExactOptions,
  bound: number,
): ExactReport {
  const optimal = gap(chosen.objective, bound) === 0;
  const report: ExactReport = {
    measure,
    objective: chosen.objective,
    bound: optimal ? chosen.objective : bound,
    optimal,
    seconds: result.seconds,
    heuristic,
    source: chosen.source,
    ...sizes,
  };
  if (!optimal) report.stopped = result.status === 'time-limit' ? 'time-limit' : 'interrupted';
  if (options.timeLimit !== undefined) report.timeLimit = options.timeLimit;
  return report;
}

/** The stderr lines of an exact run: the report, and with --explain the heuristic plan's gap. */
export function exactMessages(report: ExactReport, explain: boolean): string[] {
  return explain ? [formatExactReport(report), formatHeuristicGap(report)] : [formatExactReport(report)];
}

/** --explain without --exact: the heuristic plan's objective (its gap needs a bound). */
export function heuristicOnlyMessage(measure: string, objective: number): string {
  return `heuristic plan: ${measure} ${show(objective)} (its gap to the optimum needs --exact)`;
}
