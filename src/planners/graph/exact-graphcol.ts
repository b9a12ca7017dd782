/**
 * Exact graphcol: a colouring of the dependency graph with the fewest targets, as an integer program
 * solved by HiGHS (docs/graph.md, "Exact modes").
 *
 *   y_c ∈ {0,1}    target (colour) c is used       x_vc ∈ {0,1}  service v gets an allowed colour c
 *   min Σ_c y_c
 *   Σ_c x_vc = 1
 *   x_uc + x_vc ≤ y_c   for every dependency {u, v} and colour c both may take
 *   x_vc ≤ y_c          where no neighbour of v may take c (isolated services, -d restrictions)
 *   Σ_c y_c ≥ |Q|       for a clique Q found greedily (a cheap valid bound)
 * Symmetry breaking when every service may take every target (no -d): the colours are then
 * interchangeable, so only colourings in "first use" form are allowed: the i-th service in order
 * (highest degree first) takes a colour ≤ i, and y_c ≥ y_{c+1}. Every colouring can be renumbered
 * into that form, so the optimum is kept while the solver need not look at k! copies of each.
 * The heuristic's colouring (DSatur, tabu search, exact search) is the MIP start and the fallback;
 * when it fails, the integer program may still find a colouring or prove that none exists.
 */
import { PlanningError } from '../../errors.js';
import type { Distribution, Infrastructure, Services } from '../../model/types.js';
import { compareNames } from '../../model/value.js';
import { choosePlan, integerBound, reportOf, type ExactOptions, type ExactReport } from './exact.js';
import { colouringDistribution, graphcolGraph, solveGraphcol, type ColourGraph, type GraphcolStats } from './graphcol.js';
import { solveMip } from './highs.js';
import { LpProblem } from './lp.js';

interface ColourInstance {
  names: string[];
  neighbours: number[][];
  /** per service its allowed colours ascending */
  allowed: number[][];
  k: number;
  /** every service may take every colour */
  symmetric: boolean;
}

function colourInstance(graph: ColourGraph): ColourInstance {
  const targets = graph.getAttribute('targets');
  const k = targets.length;
  const names = graph.nodes().sort(compareNames);
  const index = new Map(names.map((name, i) => [name, i]));
  const neighbours = names.map((name) => {
    const set = new Set<number>();
    graph.forEachNeighbor(name, (other) => {
      if (other !== name) set.add(index.get(other)!);
    });
    return [...set].sort((a, b) => a - b);
  });
  const targetIndex = new Map(targets.map((t, i) => [t, i]));
  let symmetric = true;
  const allowed = names.map((name) => {
    const candidates = graph.getNodeAttribute(name, 'candidates');
    if (!candidates) return [...Array(k).keys()];
    symmetric = false;
    return [...new Set(candidates.map((m) => targetIndex.get(m.target)).filter((c): c is number => c !== undefined))].sort((a, b) => a - b);
  });
  return { names, neighbours, allowed, k, symmetric };
}

/** Renumbers colours by first use in `order` (colours stay a proper colouring; the count is unchanged). */
function firstUseForm(colour: Int32Array, order: readonly number[]): Int32Array {
  const renamed = new Map<number, number>();
  const out = new Int32Array(colour.length);
  for (const v of order) {
    const c = colour[v]!;
    if (!renamed.has(c)) renamed.set(c, renamed.size);
    out[v] = renamed.get(c)!;
  }
  return out;
}

/**
 * Moves every service (in name order) to the lowest colour among those in use that it may take and
 * no neighbour has: the plan reads like the heuristic's (no arbitrary colour on an isolated service),
 * stays proper and uses no more colours.
 */
function lowestColours(instance: ColourInstance, colour: Int32Array): Int32Array {
  const out = Int32Array.from(colour);
  const inUse = [...new Set(out)].sort((a, b) => a - b);
  for (let v = 0; v < out.length; v++) {
    const taken = new Set(instance.neighbours[v]!.map((u) => out[u]!));
    const lowest = inUse.find((c) => !taken.has(c) && instance.allowed[v]!.includes(c));
    if (lowest !== undefined && lowest < out[v]!) out[v] = lowest;
  }
  return out;
}

function coloursUsed(colour: Int32Array): number {
  return new Set(colour).size;
}

function isProper(instance: ColourInstance, colour: Int32Array): boolean {
  return instance.names.every(
    (_name, v) => instance.allowed[v]!.includes(colour[v]!) && instance.neighbours[v]!.every((u) => colour[u] !== colour[v]),
  );
}

/** A clique grown greedily from each service in degree order; the largest found. */
function greedyClique(instance: ColourInstance, order: readonly number[]): number[] {
  let best: number[] = [];
  const sets = instance.neighbours.map((list) => new Set(list));
  for (const start of order.slice(0, 64)) {
    const clique = [start];
    for (const v of order) if (v !== start && clique.every((u) => sets[u]!.has(v))) clique.push(v);
    if (clique.length > best.length) best = clique;
  }
  return best;
}

export async function solveGraphcolExact(
  graph: ColourGraph,
  options: ExactOptions & { searchBudget?: number } = {},
): Promise<{ resolved: ColourGraph; stats: GraphcolStats; report: ExactReport }> {
  const instance = colourInstance(graph);
  const { names, neighbours, allowed, k, symmetric } = instance;
  let heuristic: { resolved: ColourGraph; stats: GraphcolStats } | undefined;
  try {
    heuristic = solveGraphcol(graph, options.searchBudget === undefined ? {} : { searchBudget: options.searchBudget });
  } catch (error) {
    // A service without candidates (or no targets) is proven infeasible without a solver.
    if (!(error instanceof PlanningError) || allowed.some((list) => list.length === 0)) throw error;
  }
  const n = names.length;
  // Highest degree first, then name: the order of the symmetry breaking.
  const order = [...Array(n).keys()].sort((a, b) => neighbours[b]!.length - neighbours[a]!.length || a - b);
  let heuristicColour: Int32Array | undefined;
  if (heuristic) {
    const resolved = heuristic.resolved;
    heuristicColour = Int32Array.from(names, (name) => resolved.getNodeAttribute(name, 'colour')!);
  }

  const lp = new LpProblem();
  const position = new Int32Array(n);
  order.forEach((v, i) => (position[v] = i));
  const colours = [...new Set(allowed.flat())].sort((a, b) => a - b);
  const used = new Map(colours.map((c) => [c, lp.variable('binary')]));
  for (const y of used.values()) lp.cost(y, 1);
  const x = allowed.map((list, v) => new Map(list.filter((c) => !symmetric || c <= position[v]!).map((c) => [c, lp.variable('binary')])));
  for (let v = 0; v < n; v++) {
    lp.constraint([...x[v]!.values()].map((variable) => ({ variable, coefficient: 1 })), '=', 1);
    for (const [c, xv] of x[v]!) {
      let linked = false;
      for (const u of neighbours[v]!) {
        const xu = x[u]!.get(c);
        if (xu === undefined) continue;
        linked = true;
        if (u > v) lp.constraint([{ variable: xv, coefficient: 1 }, { variable: xu, coefficient: 1 }, { variable: used.get(c)!, coefficient: -1 }], '<=', 0);
      }
      if (!linked) lp.constraint([{ variable: xv, coefficient: 1 }, { variable: used.get(c)!, coefficient: -1 }], '<=', 0);
    }
  }
  if (symmetric) for (let c = 1; c < colours.length; c++) lp.constraint([{ variable: used.get(colours[c]!)!, coefficient: 1 }, { variable: used.get(colours[c - 1]!)!, coefficient: -1 }], '<=', 0);
  const clique = greedyClique(instance, order);
  if (clique.length > 1) lp.constraint([...used.values()].map((variable) => ({ variable, coefficient: 1 })), '>=', clique.length);

  let start: Float64Array | undefined;
  if (heuristicColour) {
    if (symmetric) heuristicColour = firstUseForm(heuristicColour, order);
    start = new Float64Array(lp.variableCount);
    for (let v = 0; v < n; v++) {
      const c = heuristicColour[v]!;
      start[x[v]!.get(c)!] = 1;
      start[used.get(c)!] = 1;
    }
  }
  const result = n === 0 ? undefined : await solveMip(lp, { ...options, ...(start ? { start } : {}) });
  let solverPlan: { plan: Int32Array; objective: number } | undefined;
  if (result?.values) {
    const colour = new Int32Array(n).fill(-1);
    x.forEach((map, v) => {
      for (const [c, variable] of map) if (result.values![variable]! > 0.5) colour[v] = c;
    });
    if (isProper(instance, colour)) {
      const plan = lowestColours(instance, colour);
      solverPlan = { plan, objective: coloursUsed(plan) };
    }
  }
  const heuristicPlan = heuristicColour ? { plan: heuristicColour, objective: coloursUsed(heuristicColour) } : undefined;
  const chosen = choosePlan(solverPlan, heuristicPlan);
  const where = `${n} service(s) and ${k} target(s)`;
  if (!chosen) {
    if (result?.status === 'infeasible') {
      throw new PlanningError(`Not enough target machines available to compute a valid graph coloring! Proven infeasible: the integer program over ${where} has no solution.`);
    }
    throw new PlanningError(
      `Not enough target machines available to compute a valid graph coloring! Undecided: neither the heuristics nor the integer program (stopped after ${result?.seconds.toFixed(1) ?? 0} s${options.timeLimit === undefined ? '' : ', --time-limit'}) found a colouring of ${where}.`,
    );
  }
  // Without -d, colours in first-use order of the service names: the targets used are the first ones, as with the heuristic.
  const final = symmetric ? firstUseForm(chosen.plan, [...Array(n).keys()]) : chosen.plan;
  const mip = result ?? { status: 'optimal' as const, values: undefined, objective: 0, bound: 0, seconds: 0 };
  const report = reportOf('targets used', mip, chosen, heuristicPlan?.objective, { variables: lp.variableCount, constraints: lp.constraintCount }, options, integerBound(mip.bound));
  const resolved = graph.copy() as ColourGraph;
  names.forEach((name, v) => resolved.setNodeAttribute(name, 'colour', final[v]!));
  const stats: GraphcolStats = { coloursUsed: chosen.objective, searchedServices: heuristic?.stats.searchedServices ?? 0, searchNodes: heuristic?.stats.searchNodes ?? 0 };
  return { resolved, stats, report };
}

/** The exact graphcol filter: models → graph → exact solve → distribution. Throws PlanningError. */
export async function graphcolExactPlan(
  args: { services: Services; infrastructure: Infrastructure; distribution?: Distribution; searchBudget?: number },
  options: ExactOptions = {},
): Promise<{ distribution: Distribution; stats: GraphcolStats; report: ExactReport }> {
  const { resolved, stats, report } = await solveGraphcolExact(graphcolGraph(args), { ...options, ...(args.searchBudget === undefined ? {} : { searchBudget: args.searchBudget }) });
  return { distribution: colouringDistribution(resolved), stats, report };
}
