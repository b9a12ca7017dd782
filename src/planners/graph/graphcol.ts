/**
 * graphcol: put every dependency over the network (no two dependent services on the same machine)
 * with as few machines as possible: a vertex colouring of the dependency graph whose colours are the
 * targets in sorted name order.
 *
 * Solve, per connected component:
 * 1. DSatur (Brélaz 1979), done right: repeatedly colour the uncoloured service with the highest
 *    saturation (the number of distinct colours among its neighbours), ties broken by degree (distinct
 *    neighbours), then name; it gets the lowest colour no neighbour uses. With `-d` a service may only
 *    take its candidate targets, and the service with the fewest colours left goes first (without
 *    `-d` that is exactly the highest saturation). O((V + E) log V) with a lazy heap.
 * 2. When DSatur needs more colours than there are targets: first TabuCol, a bounded local search
 *    that finds most colourings DSatur misses; then an exact backtracking search in DSatur
 *    order (forward checking, and colour-symmetry breaking when every target is allowed), run on the
 *    component's core after peeling services with fewer neighbours than allowed colours (they can
 *    always be coloured afterwards). It stops after `searchBudget` search nodes: the failure then
 *    says the budget ran out, while an exhausted search proves that no colouring exists.
 */
import { MultiUndirectedGraph } from 'graphology';
import { PlanningError } from '../../errors.js';
import type { Distribution, Infrastructure, Mapping, Services } from '../../model/types.js';
import { compareNames, sortedKeys } from '../../model/value.js';
import { mappingFor } from './common.js';
import { seededRandom } from '../../util/random.js';

export const DEFAULT_SEARCH_BUDGET = 1_000_000;
const TABU_ITERATIONS = 1_000_000;
const TABU_WORK = 200_000_000;

export interface ColourNode {
  /** index into the graph's `targets` attribute once coloured */
  colour?: number;
  /** with -d: the service's candidate mappings (absent = every target allowed) */
  candidates?: Mapping[];
}
export interface ColourGraphAttributes {
  /** the colours: target names in sorted order */
  targets: string[];
  [key: string]: unknown;
}
export type ColourGraph = MultiUndirectedGraph<ColourNode, Record<string, never>, ColourGraphAttributes>;

/**
 * Step 1: a node per service of the services model (sorted), an edge per dependsOn / connectsTo
 * entry (multi-edges kept). With a distribution, each node carries its candidates (missing = none).
 */
export function graphcolGraph(args: { services: Services; infrastructure: Infrastructure; distribution?: Distribution }): ColourGraph {
  const { services, infrastructure, distribution } = args;
  const graph: ColourGraph = new MultiUndirectedGraph<ColourNode, Record<string, never>, ColourGraphAttributes>();
  graph.replaceAttributes({ targets: sortedKeys(infrastructure) });
  const names = sortedKeys(services);
  for (const name of names) {
    graph.addNode(name, distribution ? { candidates: (distribution[name] ?? []).map((m) => ({ ...m })) } : {});
  }
  for (const name of names) {
    const service = services[name]!;
    for (const dependency of [...service.dependsOn, ...service.connectsTo]) {
      if (graph.hasNode(dependency)) graph.addEdge(name, dependency, {});
    }
  }
  return graph;
}

export interface GraphcolStats {
  /** distinct targets used */
  coloursUsed: number;
  /** services coloured by the exact search (0 when DSatur sufficed) */
  searchedServices: number;
  /** search nodes spent by the exact search */
  searchNodes: number;
}

/** Colour tables: counts of coloured neighbours per (vertex, colour). */
interface BlockTable {
  get(v: number, c: number): number;
  add(v: number, c: number, delta: number): number;
}

function blockTable(n: number, k: number): BlockTable {
  if (n * k <= 1 << 24) {
    const counts = new Int32Array(n * k);
    return {
      get: (v, c) => counts[v * k + c]!,
      add: (v, c, delta) => (counts[v * k + c] = counts[v * k + c]! + delta),
    };
  }
  const maps = Array.from({ length: n }, () => new Map<number, number>());
  return {
    get: (v, c) => maps[v]!.get(c) ?? 0,
    add: (v, c, delta) => {
      const value = (maps[v]!.get(c) ?? 0) + delta;
      if (value === 0) maps[v]!.delete(c);
      else maps[v]!.set(c, value);
      return value;
    },
  };
}

/** The colouring state shared by DSatur and the exact search. */
class Colouring {
  readonly colour: Int32Array;
  /** distinct colours among coloured neighbours */
  readonly saturation: Int32Array;
  /** allowed colours not used by any coloured neighbour */
  readonly remaining: Int32Array;
  private blocked: BlockTable;

  constructor(
    readonly neighbours: Int32Array[],
    /** per vertex: allowed colours ascending, or undefined for all k */
    readonly allowed: (Int32Array | undefined)[],
    readonly k: number,
  ) {
    const n = neighbours.length;
    this.colour = new Int32Array(n).fill(-1);
    this.saturation = new Int32Array(n);
    this.remaining = Int32Array.from(allowed, (list) => (list ? list.length : k));
    this.blocked = blockTable(n, k);
  }

  isAllowed(v: number, c: number): boolean {
    const list = this.allowed[v];
    if (!list) return true;
    // lists are short and sorted
    for (const x of list) {
      if (x === c) return true;
      if (x > c) return false;
    }
    return false;
  }

  /** Available colours of v, ascending, at most `limit` + 1 as the symmetry bound when given. */
  options(v: number, limit = Infinity): number[] {
    const out: number[] = [];
    const list = this.allowed[v];
    if (list) {
      for (const c of list) if (this.blocked.get(v, c) === 0) out.push(c);
    } else {
      const top = Math.min(this.k - 1, limit);
      for (let c = 0; c <= top; c++) if (this.blocked.get(v, c) === 0) out.push(c);
    }
    return out;
  }

  firstOption(v: number): number {
    const list = this.allowed[v];
    if (list) {
      for (const c of list) if (this.blocked.get(v, c) === 0) return c;
      return -1;
    }
    for (let c = 0; c < this.k; c++) if (this.blocked.get(v, c) === 0) return c;
    return -1;
  }

  /** Colour v with c; calls `changed(u)` for every neighbour whose priority changed. */
  assign(v: number, c: number, changed?: (u: number) => void): void {
    this.colour[v] = c;
    for (const u of this.neighbours[v]!) {
      if (this.blocked.add(u, c, 1) === 1) {
        this.saturation[u]!++;
        if (this.isAllowed(u, c)) this.remaining[u]!--;
        changed?.(u);
      }
    }
  }

  unassign(v: number): void {
    const c = this.colour[v]!;
    this.colour[v] = -1;
    for (const u of this.neighbours[v]!) {
      if (this.blocked.add(u, c, -1) === 0) {
        this.saturation[u]!--;
        if (this.isAllowed(u, c)) this.remaining[u]!++;
      }
    }
  }
}

/** Priority order: fewest remaining colours, highest saturation, highest degree, smallest name. */
function before(state: Colouring, a: number, b: number): boolean {
  const ra = state.remaining[a]!;
  const rb = state.remaining[b]!;
  if (ra !== rb) return ra < rb;
  const sa = state.saturation[a]!;
  const sb = state.saturation[b]!;
  if (sa !== sb) return sa > sb;
  const da = state.neighbours[a]!.length;
  const db = state.neighbours[b]!.length;
  if (da !== db) return da > db;
  return a < b;
}

/** DSatur on the vertices of one component; returns the vertex it could not colour, or −1. */
function dsatur(state: Colouring, component: number[]): number {
  // Lazy binary heap of (vertex, remaining, saturation) snapshots; stale entries are skipped.
  const heapV: number[] = [];
  const heapR: number[] = [];
  const heapS: number[] = [];
  const less = (i: number, j: number): boolean => {
    if (heapR[i] !== heapR[j]) return heapR[i]! < heapR[j]!;
    if (heapS[i] !== heapS[j]) return heapS[i]! > heapS[j]!;
    const a = heapV[i]!;
    const b = heapV[j]!;
    const da = state.neighbours[a]!.length;
    const db = state.neighbours[b]!.length;
    if (da !== db) return da > db;
    return a < b;
  };
  const swap = (i: number, j: number): void => {
    [heapV[i], heapV[j]] = [heapV[j]!, heapV[i]!];
    [heapR[i], heapR[j]] = [heapR[j]!, heapR[i]!];
    [heapS[i], heapS[j]] = [heapS[j]!, heapS[i]!];
  };
  const push = (v: number): void => {
    heapV.push(v);
    heapR.push(state.remaining[v]!);
    heapS.push(state.saturation[v]!);
    let i = heapV.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!less(i, parent)) break;
      swap(i, parent);
      i = parent;
    }
  };
  const pop = (): number => {
    const top = heapV[0]!;
    const last = heapV.length - 1;
    swap(0, last);
    heapV.pop();
    heapR.pop();
    heapS.pop();
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heapV.length && less(l, m)) m = l;
      if (r < heapV.length && less(r, m)) m = r;
      if (m === i) break;
      swap(i, m);
      i = m;
    }
    return top;
  };
  for (const v of component) push(v);
  const onChange = (u: number): void => {
    if (state.colour[u] === -1) push(u);
  };
  while (heapV.length > 0) {
    const r = heapR[0]!;
    const s = heapS[0]!;
    const v = pop();
    if (state.colour[v] !== -1 || r !== state.remaining[v] || s !== state.saturation[v]) continue;
    const c = state.firstOption(v);
    if (c === -1) return v;
    state.assign(v, c, onChange);
  }
  return -1;
}

type SearchOutcome = 'found' | 'infeasible' | 'budget';

/**
 * Exact search on one (uncoloured) component: peel, backtrack on the core, colour the peeled
 * vertices in reverse order. Leaves the component coloured when 'found'.
 */
function exactSearch(state: Colouring, component: number[], budget: { left: number; spent: number }): SearchOutcome {
  // Peel vertices with fewer live neighbours than allowed colours.
  const live = new Map<number, number>(component.map((v) => [v, state.neighbours[v]!.length]));
  const allowedCount = (v: number): number => state.allowed[v]?.length ?? state.k;
  const peeled: number[] = [];
  const isPeeled = new Set<number>();
  const stack = component.filter((v) => live.get(v)! < allowedCount(v));
  for (const v of stack) isPeeled.add(v);
  while (stack.length > 0) {
    const v = stack.pop()!;
    peeled.push(v);
    for (const u of state.neighbours[v]!) {
      if (isPeeled.has(u)) continue;
      const degree = live.get(u)! - 1;
      live.set(u, degree);
      if (degree < allowedCount(u)) {
        isPeeled.add(u);
        stack.push(u);
      }
    }
  }
  const core = component.filter((v) => !isPeeled.has(v));
  const symmetric = core.every((v) => state.allowed[v] === undefined);

  const select = (): number => {
    let best = -1;
    for (const v of core) if (state.colour[v] === -1 && (best === -1 || before(state, v, best))) best = v;
    return best;
  };
  const frames: { v: number; options: number[]; next: number; previousMax: number }[] = [];
  let maxUsed = -1;
  let outcome: SearchOutcome | undefined;
  while (outcome === undefined) {
    const v = select();
    if (v === -1) {
      outcome = 'found';
      break;
    }
    if (budget.left <= 0) {
      outcome = 'budget';
      break;
    }
    budget.left--;
    budget.spent++;
    frames.push({ v, options: state.options(v, symmetric ? maxUsed + 1 : Infinity), next: 0, previousMax: maxUsed });
    for (;;) {
      const top = frames[frames.length - 1];
      if (!top) {
        outcome = 'infeasible';
        break;
      }
      if (state.colour[top.v] !== -1) state.unassign(top.v);
      maxUsed = top.previousMax;
      if (top.next < top.options.length) {
        const c = top.options[top.next++]!;
        state.assign(top.v, c);
        maxUsed = Math.max(maxUsed, c);
        break;
      }
      frames.pop();
    }
  }
  if (outcome !== 'found') {
    for (const v of core) if (state.colour[v] !== -1) state.unassign(v);
    return outcome;
  }
  for (let i = peeled.length - 1; i >= 0; i--) {
    const v = peeled[i]!;
    const c = state.firstOption(v);
    if (c === -1) throw new Error(`graphcol: peeled service ${v} has no colour left (internal error)`);
    state.assign(v, c);
  }
  return 'found';
}

/**
 * TabuCol (Hertz & de Werra 1987; Galinier & Hao's tenure): minimise conflicting edges by moving one
 * conflicting service to another allowed colour, the best non-tabu move each step (aspiration when it
 * beats the best seen). Starts from DSatur's partial colouring. Deterministic (seeded); a bounded
 * number of iterations. Leaves the component coloured and returns true on success, else leaves it
 * uncoloured.
 */
function tabuSearch(state: Colouring, component: number[], start: number[]): boolean {
  const n = component.length;
  const k = state.k;
  const local = new Map(component.map((v, i) => [v, i]));
  const adjacency = component.map((v) => Int32Array.from(state.neighbours[v]!, (u) => local.get(u)!));
  const allowed = component.map((v) => state.allowed[v] ?? Int32Array.from({ length: k }, (_, c) => c));
  const colour = Int32Array.from(start);
  const gamma = new Int32Array(n * k); // neighbours of i with colour c
  // Uncoloured services take the allowed colour with the fewest coloured neighbours.
  for (let i = 0; i < n; i++) {
    if (colour[i] !== -1) for (const j of adjacency[i]!) gamma[j * k + colour[i]!]!++;
  }
  for (let i = 0; i < n; i++) {
    if (colour[i] !== -1) continue;
    let best = allowed[i]![0]!;
    for (const c of allowed[i]!) if (gamma[i * k + c]! < gamma[i * k + best]!) best = c;
    colour[i] = best;
    for (const j of adjacency[i]!) gamma[j * k + best]!++;
  }
  let conflicts = 0;
  for (let i = 0; i < n; i++) conflicts += gamma[i * k + colour[i]!]!;
  conflicts /= 2;
  // The set of conflicting services, with positions for O(1) updates.
  const members: number[] = [];
  const position = new Int32Array(n).fill(-1);
  const refresh = (i: number): void => {
    const conflicting = gamma[i * k + colour[i]!]! > 0;
    if (conflicting && position[i] === -1) {
      position[i] = members.length;
      members.push(i);
    } else if (!conflicting && position[i] !== -1) {
      const last = members.pop()!;
      if (last !== i) {
        members[position[i]!] = last;
        position[last] = position[i]!;
      }
      position[i] = -1;
    }
  };
  for (let i = 0; i < n; i++) refresh(i);
  const tabu = new Float64Array(n * k);
  const random = seededRandom(n * 7919 + k);
  let best = conflicts;
  // Bounded by iterations and by the moves examined (a few hundred milliseconds at most).
  let work = 0;
  for (let iteration = 0; iteration < TABU_ITERATIONS && work < TABU_WORK && conflicts > 0; iteration++) {
    work += members.length * k;
    let moveI = -1;
    let moveC = -1;
    let moveDelta = Infinity;
    let ties = 0;
    for (const i of members) {
      const own = gamma[i * k + colour[i]!]!;
      for (const c of allowed[i]!) {
        if (c === colour[i]) continue;
        const delta = gamma[i * k + c]! - own;
        if (tabu[i * k + c]! > iteration && conflicts + delta >= best) continue;
        if (delta < moveDelta) {
          moveI = i;
          moveC = c;
          moveDelta = delta;
          ties = 1;
        } else if (delta === moveDelta && random() * ++ties < 1) {
          moveI = i;
          moveC = c;
        }
      }
    }
    if (moveI === -1) continue; // every move is tabu: wait for tenures to expire
    const old = colour[moveI]!;
    colour[moveI] = moveC;
    conflicts += moveDelta;
    for (const j of adjacency[moveI]!) {
      gamma[j * k + old]!--;
      gamma[j * k + moveC]!++;
      refresh(j);
    }
    refresh(moveI);
    tabu[moveI * k + old] = iteration + Math.floor(random() * 10) + 0.6 * members.length + 1;
    if (conflicts < best) best = conflicts;
  }
  if (conflicts > 0) return false;
  component.forEach((v, i) => state.assign(v, colour[i]!));
  return true;
}


/** Step 2: colour the graph; the resolved graph has `colour` on every node. Throws PlanningError. */
export function solveGraphcol(graph: ColourGraph, options: { searchBudget?: number } = {}): { resolved: ColourGraph; stats: GraphcolStats } {
  const targets = graph.getAttribute('targets');
  const k = targets.length;
  const names = graph.nodes().sort(compareNames);
  const index = new Map(names.map((name, i) => [name, i]));
  const neighbours = names.map((name) => {
    const set = new Set<number>();
    graph.forEachNeighbor(name, (other) => {
      if (other !== name) set.add(index.get(other)!);
    });
    return Int32Array.from([...set].sort((a, b) => a - b));
  });
  const targetIndex = new Map(targets.map((t, i) => [t, i]));
  const allowed = names.map((name) => {
    const candidates = graph.getNodeAttribute(name, 'candidates');
    if (!candidates) return undefined;
    return Int32Array.from([...new Set(candidates.map((m) => targetIndex.get(m.target)).filter((c): c is number => c !== undefined))].sort((a, b) => a - b));
  });
  for (let v = 0; v < names.length; v++) {
    if ((allowed[v]?.length ?? k) === 0) {
      const why = k === 0 ? 'there are no targets' : `service ${JSON.stringify(names[v])} has no candidate target`;
      throw new PlanningError(`Not enough target machines available to compute a valid graph coloring! Proven infeasible: ${why}.`);
    }
  }
  const state = new Colouring(neighbours, allowed, k);
  const budget = { left: options.searchBudget ?? DEFAULT_SEARCH_BUDGET, spent: 0 };
  let searchedServices = 0;
  const seen = new Uint8Array(names.length);
  for (let root = 0; root < names.length; root++) {
    if (seen[root]) continue;
    const component = [root];
    seen[root] = 1;
    for (let i = 0; i < component.length; i++) {
      for (const u of neighbours[component[i]!]!) {
        if (!seen[u]) {
          seen[u] = 1;
          component.push(u);
        }
      }
    }
    if (dsatur(state, component) === -1) continue;
    const partial = component.map((v) => state.colour[v]!);
    for (const v of component) if (state.colour[v] !== -1) state.unassign(v);
    searchedServices += component.length;
    if (tabuSearch(state, component, partial)) continue;
    const outcome = exactSearch(state, component, budget);
    if (outcome === 'found') continue;
    const where = `the component of ${component.length} service(s) containing ${JSON.stringify(names[root])}`;
    if (outcome === 'infeasible') {
      throw new PlanningError(
        `Not enough target machines available to compute a valid graph coloring! Proven infeasible: the exact search showed that ${where} cannot be coloured with the ${k} available target(s)${allowed.some(Boolean) ? ' and their candidate restrictions' : ''}.`,
      );
    }
    throw new PlanningError(
      `Not enough target machines available to compute a valid graph coloring! Undecided: DSatur needed more than the ${k} available target(s) for ${where}, and the exact search ran out of its budget of ${budget.spent} search nodes before finding a colouring or proving that none exists (raise --search-budget).`,
    );
  }
  const resolved = graph.copy() as ColourGraph;
  names.forEach((name, v) => resolved.setNodeAttribute(name, 'colour', state.colour[v]!));
  return { resolved, stats: { coloursUsed: new Set(state.colour).size, searchedServices, searchNodes: budget.spent } };
}

/** Step 3: service → [its colour's target] (with -d, the candidate mapping, container kept). */
export function colouringDistribution(resolved: ColourGraph): Distribution {
  const targets = resolved.getAttribute('targets');
  const result: Distribution = {};
  for (const name of resolved.nodes().sort(compareNames)) {
    const { colour, candidates } = resolved.getNodeAttributes(name);
    if (colour === undefined || colour < 0) throw new Error(`graphcol: service ${name} is not coloured`);
    result[name] = [mappingFor(candidates, targets[colour]!)];
  }
  return result;
}

export function graphcolPlan(args: { services: Services; infrastructure: Infrastructure; distribution?: Distribution; searchBudget?: number }): {
  distribution: Distribution;
  stats: GraphcolStats;
} {
  const { resolved, stats } = solveGraphcol(graphcolGraph(args), args.searchBudget === undefined ? {} : { searchBudget: args.searchBudget });
  return { distribution: colouringDistribution(resolved), stats };
}
