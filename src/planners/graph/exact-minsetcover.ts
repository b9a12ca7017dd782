/**
 * Exact minsetcover: weighted set cover as an integer program, solved by HiGHS (docs/graph.md,
 * "Exact modes").
 *
 *   y_t ∈ {0,1}  target t is used        x_at ∈ {0,1}  service a is placed on candidate t
 *   min Σ cost_t · y_t
 *   Σ_t x_at = 1      for every service with candidates (one target each)
 *   x_at ≤ y_t        a service only goes to a used target
 *   y_t ≤ Σ_a x_at    a used target holds a service (so the objective is the cost of the plan's targets)
 *
 * The greedy plan is the MIP start and the fallback.
 */
import type { Distribution, Infrastructure, Services } from '../../model/types.js';
import { choosePlan, integerBound, reportOf, type ExactOptions, type ExactReport } from './exact.js';
import { solveMip } from './highs.js';
import { instanceOf, labelsOf, type AppHostGraph, type AppHostInstance } from './instance.js';
import { LpProblem } from './lp.js';
import { minsetcoverGraph, solveMinsetcover, type MinsetcoverStats } from './minsetcover.js';
import { appHostDistribution, assignmentOf, type Assignment } from './multiwaycut.js';

/** The cost of the targets a labelling uses. */
export function coverCost(instance: AppHostInstance, cost: readonly number[], label: Int32Array): number {
  const used = new Set<number>();
  for (const host of label) if (host >= 0) used.add(host);
  let total = 0;
  for (const host of [...used].sort((a, b) => a - b)) total += cost[host]!;
  return total;
}

export async function solveMinsetcoverExact(
  graph: AppHostGraph,
  options: ExactOptions = {},
): Promise<{ assignment: Assignment; stats: MinsetcoverStats; report: ExactReport }> {
  const heuristic = solveMinsetcover(graph);
  const instance = instanceOf(graph);
  const cost = instance.hosts.map((host) => (graph.getNodeAttribute(`host:${host}`, 'cost') as number | undefined) ?? 0);
  const heuristicLabel = labelsOf(instance, heuristic.assignment);
  const heuristicCost = coverCost(instance, cost, heuristicLabel);

  const lp = new LpProblem();
  const used = instance.hosts.map(() => lp.variable('binary'));
  used.forEach((y, host) => lp.cost(y, cost[host]!));
  const placed: number[][] = instance.candidates.map((list) => list.map(() => lp.variable('binary')));
  const holders: { variable: number; coefficient: number }[][] = instance.hosts.map(() => []);
  instance.candidates.forEach((list, app) => {
    if (list.length === 0) return;
    lp.constraint(placed[app]!.map((x) => ({ variable: x, coefficient: 1 })), '=', 1);
    list.forEach((host, i) => {
      const x = placed[app]![i]!;
      lp.constraint([{ variable: x, coefficient: 1 }, { variable: used[host]!, coefficient: -1 }], '<=', 0);
      holders[host]!.push({ variable: x, coefficient: -1 });
    });
  });
  used.forEach((y, host) => lp.constraint([{ variable: y, coefficient: 1 }, ...holders[host]!], '<=', 0));

  const start = new Float64Array(lp.variableCount);
  instance.candidates.forEach((list, app) => {
    const host = heuristicLabel[app]!;
    if (host < 0) return;
    start[placed[app]![list.indexOf(host)]!] = 1;
    start[used[host]!] = 1;
  });
  const result = lp.variableCount === 0 ? undefined : await solveMip(lp, { ...options, start });
  let solverPlan: { plan: Int32Array; objective: number } | undefined;
  if (result?.values) {
    const label = new Int32Array(instance.apps.length).fill(-1);
    instance.candidates.forEach((list, app) => {
      list.forEach((host, i) => {
        if (result.values![placed[app]![i]!]! > 0.5) label[app] = host;
      });
    });
    if (label.every((host, app) => host >= 0 || instance.candidates[app]!.length === 0)) solverPlan = { plan: label, objective: coverCost(instance, cost, label) };
  }
  const chosen = choosePlan(solverPlan, { plan: heuristicLabel, objective: heuristicCost })!;
  const integral = cost.every(Number.isInteger);
  const rawBound = result ? result.bound : 0;
  const bound = integral ? integerBound(rawBound) : rawBound;
  const mip = result ?? { status: 'optimal' as const, values: undefined, objective: 0, bound: 0, seconds: 0 };
  const report = reportOf('total cost', mip, chosen, heuristicCost, { variables: lp.variableCount, constraints: lp.constraintCount }, options, bound);
  const chosenHosts = [...new Set(chosen.plan)].filter((host) => host >= 0).sort((a, b) => a - b).map((host) => instance.hosts[host]!);
  const stats: MinsetcoverStats = { totalCost: chosen.objective, chosen: chosenHosts, uncoverable: heuristic.stats.uncoverable };
  return { assignment: assignmentOf(instance, chosen.plan), stats, report };
}

/** The exact minsetcover filter: models → graph → exact solve → distribution. */
export async function minsetcoverExactPlan(
  args: { services: Services; infrastructure: Infrastructure; distribution: Distribution; targetProperty: string },
  options: ExactOptions = {},
): Promise<{ distribution: Distribution; stats: MinsetcoverStats; report: ExactReport }> {
  const graph = minsetcoverGraph(args);
  const { assignment, stats, report } = await solveMinsetcoverExact(graph, options);
  return { distribution: appHostDistribution(graph, assignment), stats, report };
}
