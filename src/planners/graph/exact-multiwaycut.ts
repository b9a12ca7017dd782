/**
 * Exact multiwaycut: the placement with the fewest cross-target dependency links, as an integer
 * program solved by HiGHS (docs/graph.md, "Exact modes").
 *
 *   x_at ∈ {0,1}   service a is placed on candidate t (Σ_t x_at = 1)
 *   w_et ≥ 0       for a dependency e = {u, v} and a target t that u or v may use:
 *                  w_et ≥ x_ut − x_vt and w_et ≥ x_vt − x_ut (x of a non-candidate is 0)
 *   min Σ_e weight_e · ½ Σ_t w_et
 *
 * With integral x, ½ Σ_t |x_ut − x_vt| is 1 when u and v are on different targets and 0 otherwise,
 * so the objective counts the links; its LP relaxation is the one of Călinescu, Karloff and Rabani
 * (1998), whose bound is within 1.5 of the optimum, much stronger than one variable per edge.
 * Parallel dependencies are merged into one weight; self-dependencies and services without
 * candidates count nothing (as in `cutLinks`). The objective is written doubled so that every
 * coefficient is an integer. The heuristic's plan is the MIP start and the fallback.
 */
import type { Distribution, Services } from '../../model/types.js';
import { choosePlan, integerBound, reportOf, type ExactOptions, type ExactReport } from './exact.js';
import { solveMip } from './highs.js';
import { cutLinks, instanceOf, labelsOf, type AppHostGraph } from './instance.js';
import { LpProblem } from './lp.js';
import { appHostDistribution, assignmentOf, multiwaycutGraph, solveMultiwaycut, type Assignment, type MultiwaycutStats } from './multiwaycut.js';

export async function solveMultiwaycutExact(
  graph: AppHostGraph,
  options: ExactOptions = {},
): Promise<{ assignment: Assignment; stats: MultiwaycutStats; report: ExactReport }> {
  const heuristic = solveMultiwaycut(graph);
  const instance = instanceOf(graph);
  const heuristicLabel = labelsOf(instance, heuristic.assignment);
  const heuristicLinks = cutLinks(instance, heuristicLabel);

  const lp = new LpProblem();
  const placed = instance.candidates.map((list) => list.map(() => lp.variable('binary')));
  instance.candidates.forEach((list, app) => {
    if (list.length > 0) lp.constraint(placed[app]!.map((x) => ({ variable: x, coefficient: 1 })), '=', 1);
  });
  // Dependencies between services with candidates, merged: "u,v" (u < v) → weight, in first-seen order.
  const weights = new Map<string, { u: number; v: number; weight: number }>();
  const { pairs } = instance;
  for (let e = 0; e < pairs.length; e += 2) {
    const a = pairs[e]!;
    const b = pairs[e + 1]!;
    if (a === b || instance.candidates[a]!.length === 0 || instance.candidates[b]!.length === 0) continue;
    const [u, v] = a < b ? [a, b] : [b, a];
    const key = `${u},${v}`;
    const found = weights.get(key);
    if (found) found.weight++;
    else weights.set(key, { u, v, weight: 1 });
  }
  const xOf = (app: number, host: number): number | undefined => {
    const i = instance.candidates[app]!.indexOf(host);
    return i === -1 ? undefined : placed[app]![i];
  };
  const differences: { w: number; u: number; v: number; host: number }[] = [];
  for (const { u, v, weight } of weights.values()) {
    const hosts = [...new Set([...instance.candidates[u]!, ...instance.candidates[v]!])];
    for (const host of hosts) {
      const w = lp.variable('continuous', 1);
      lp.cost(w, weight); // ½ · weight, doubled
      differences.push({ w, u, v, host });
      const xu = xOf(u, host);
      const xv = xOf(v, host);
      const term = (x: number | undefined, coefficient: number) => (x === undefined ? [] : [{ variable: x, coefficient }]);
      lp.constraint([{ variable: w, coefficient: 1 }, ...term(xu, -1), ...term(xv, 1)], '>=', 0);
      lp.constraint([{ variable: w, coefficient: 1 }, ...term(xv, -1), ...term(xu, 1)], '>=', 0);
    }
  }

  const start = new Float64Array(lp.variableCount);
  instance.candidates.forEach((list, app) => {
    const host = heuristicLabel[app]!;
    if (host >= 0) start[placed[app]![list.indexOf(host)]!] = 1;
  });
  for (const { w, u, v, host } of differences) start[w] = Number(heuristicLabel[u] === host) !== Number(heuristicLabel[v] === host) ? 1 : 0;

  const result = lp.variableCount === 0 ? undefined : await solveMip(lp, { ...options, start });
  let solverPlan: { plan: Int32Array; objective: number } | undefined;
  if (result?.values) {
    const label = new Int32Array(instance.apps.length).fill(-1);
    instance.candidates.forEach((list, app) => {
      list.forEach((host, i) => {
        if (result.values![placed[app]![i]!]! > 0.5) label[app] = host;
      });
    });
    if (label.every((host, app) => host >= 0 || instance.candidates[app]!.length === 0)) solverPlan = { plan: label, objective: cutLinks(instance, label) };
  }
  const chosen = choosePlan(solverPlan, { plan: heuristicLabel, objective: heuristicLinks })!;
  const mip = result ?? { status: 'optimal' as const, values: undefined, objective: 0, bound: 0, seconds: 0 };
  const bound = integerBound(mip.bound / 2);
  const report = reportOf('cross-target links', mip, chosen, heuristicLinks, { variables: lp.variableCount, constraints: lp.constraintCount }, options, bound);
  const stats: MultiwaycutStats = { ...heuristic.stats, links: chosen.objective };
  return { assignment: assignmentOf(instance, chosen.plan), stats, report };
}

/** The exact multiwaycut filter: models → graph → exact solve → distribution. */
export async function multiwaycutExactPlan(
  args: { services: Services; distribution: Distribution },
  options: ExactOptions = {},
): Promise<{ distribution: Distribution; stats: MultiwaycutStats; report: ExactReport; graph: AppHostGraph }> {
  const graph = multiwaycutGraph(args);
  const { assignment, stats, report } = await solveMultiwaycutExact(graph, options);
  return { distribution: appHostDistribution(graph, assignment), stats, report, graph };
}
