/**
 * The graph planners as filters (one object argument, the same names as the Nix filters, contract
 * §3), and their separately usable steps for the CLIs: models → problem graph → solve → distribution.
 */
import type { Distribution } from '../../model/types.js';
import { filterError, type StepTrace } from '../common.js';
import type { GraphPlannerArgs } from './common.js';
import type { ExactOptions, ExactReport } from './exact.js';
import { graphcolPlan } from './graphcol.js';
import { minsetcoverPlan, uncoverableWarning } from './minsetcover.js';
import { multiwaycutPlan } from './multiwaycut.js';

export type { GraphPlannerArgs } from './common.js';
export { crossTargetLinks } from './common.js';
export { FlowNetwork } from './maxflow.js';
export { minsetcoverGraph, solveMinsetcover, minsetcoverPlan, uncoverableWarning, type MinsetcoverStats } from './minsetcover.js';
export { multiwaycutGraph, solveMultiwaycut, resolvedGraph, appHostDistribution, multiwaycutPlan, type Assignment, type MultiwaycutStats } from './multiwaycut.js';
export { graphcolGraph, solveGraphcol, colouringDistribution, graphcolPlan, DEFAULT_SEARCH_BUDGET, type ColourGraph, type GraphcolStats } from './graphcol.js';
export { multiwaycutDot, minsetcoverDot, graphcolDot } from './dot.js';
export type { AppHostGraph } from './instance.js';

/**
 * Greedy weighted set cover on the cost property `targetProperty` (missing = 0). Uncoverable
 * services keep an empty list; `onWarning` (default: stderr) names them.
 */
export function minsetcover(args: GraphPlannerArgs): Distribution {
  if (args.targetProperty === undefined) throw new TypeError('minsetcover: targetProperty (the cost property) is required');
  const { distribution, stats } = minsetcoverPlan({ ...args, targetProperty: args.targetProperty });
  if (stats.uncoverable.length > 0) {
    const warn = args.onWarning ?? ((message: string) => process.stderr.write(`${message}\n`));
    warn(uncoverableWarning(stats.uncoverable));
  }
  return distribution;
}

/** Every service on one of its candidates, with few cross-target dependency links. */
export function multiwaycut(args: GraphPlannerArgs): Distribution {
  return multiwaycutPlan(args).distribution;
}

/**
 * Dependent services on different targets, with as few targets as possible. With a distribution,
 * each service is restricted to its candidates. Throws PlanningError when no colouring is found.
 */
export function graphcol(args: Omit<GraphPlannerArgs, 'distribution'> & { distribution?: Distribution }): Distribution {
  return graphcolPlan(args).distribution;
}

/** The filter parameters of the exact modes (JSON pipeline, JS and Nix policies): `exact`, `timeLimit`. */
export interface ExactFilterParams {
  exact?: unknown;
  timeLimit?: unknown;
  /** Called with the exact run's report lines (default: stderr, prefixed with the filter name). */
  onReport?: (message: string) => void;
}

/** The exact options a filter call asks for, or undefined; exit 2 for a bad `exact` or `timeLimit`. */
export function exactFilterOptions(filter: string, params: ExactFilterParams): ExactOptions | undefined {
  const { exact, timeLimit } = params;
  if (exact !== undefined && exact !== null && typeof exact !== 'boolean') throw filterError(filter, `parameter "exact" must be a boolean, got ${JSON.stringify(exact)}`);
  if (timeLimit === undefined || timeLimit === null) return exact === true ? {} : undefined;
  if (exact !== true) throw filterError(filter, 'parameter "timeLimit" needs "exact" = true');
  if (typeof timeLimit !== 'number' || !Number.isFinite(timeLimit) || timeLimit <= 0) {
    throw filterError(filter, `parameter "timeLimit" must be a positive number of seconds, got ${JSON.stringify(timeLimit)}`);
  }
  return { timeLimit };
}

/**
 * A graph planner as a filter, exact when the call asks for it. The exact run's report goes to
 * stderr; with --explain, the report and the heuristic plan's gap are the step's summary.
 */
export async function graphFilter(
  name: 'minsetcover' | 'multiwaycut' | 'graphcol',
  args: GraphPlannerArgs & ExactFilterParams,
  trace?: StepTrace,
): Promise<Distribution> {
  const exact = exactFilterOptions(name, args);
  if (!exact) {
    if (name === 'minsetcover') return minsetcover(args);
    return name === 'multiwaycut' ? multiwaycut(args) : graphcol(args);
  }
  let result: { distribution: Distribution; report: ExactReport };
  if (name === 'minsetcover') {
    if (args.targetProperty === undefined) throw new TypeError('minsetcover: targetProperty (the cost property) is required');
    const { minsetcoverExactPlan } = await import('./exact-minsetcover.js');
    const plan = await minsetcoverExactPlan({ ...args, targetProperty: args.targetProperty }, exact);
    if (plan.stats.uncoverable.length > 0) (args.onWarning ?? ((message: string) => process.stderr.write(`${message}\n`)))(uncoverableWarning(plan.stats.uncoverable));
    result = plan;
  } else if (name === 'multiwaycut') {
    result = await (await import('./exact-multiwaycut.js')).multiwaycutExactPlan(args, exact);
  } else {
    result = await (await import('./exact-graphcol.js')).graphcolExactPlan(args, exact);
  }
  const { formatExactReport, formatHeuristicGap } = await import('./exact.js');
  const report = args.onReport ?? ((message: string) => process.stderr.write(`${name}: ${message}\n`));
  report(formatExactReport(result.report));
  trace?.summary?.(formatExactReport(result.report));
  trace?.summary?.(formatHeuristicGap(result.report));
  return result.distribution;
}
