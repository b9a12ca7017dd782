/**
 * The graph planners as filters (one object argument, the same names as the Nix filters, contract
 * §3), and their separately usable steps for the CLIs: models → problem graph → solve → distribution.
 */
import type { Distribution } from '../../model/types.js';
import type { GraphPlannerArgs } from './common.js';
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
