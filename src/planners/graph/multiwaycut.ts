/**
 * multiwaycut: place every service on one of its candidate targets so that as few dependency links
 * as possible cross machines.
 *
 * Problem graph (reference §3.5): an app node `app:<svc>` per distribution key, a host node
 * `host:<t>` per target that occurs as a candidate, an app–app edge (weight 1) per dependsOn and
 * connectsTo entry, an app–host edge (label n², "heavy") per candidate mapping.
 *
 * Solve:
 * 1. Isolating cuts. For every host i, a minimum cut separating i from all other hosts, by max-flow
 *    (Dinic) on the dependency edges. Candidate edges are uncuttable constraints: a service whose only
 *    candidate is i is glued to i's side, a service without candidate i to the other side. The source
 *    side kept is the smallest one, so the sides of different hosts are disjoint.
 * 2. Discard the heaviest cut and label every service by the side it is on (the rest go to the
 *    discarded host). When every remaining service has the discarded host as a candidate, the cut
 *    edges are a subset of the union of the kept cuts, so links ≤ (1 − 1/k)·Σ cuts ≤ (2 − 2/k)·OPT
 *    (Dahlhaus et al. 1994; each host's part of an optimal labelling is a feasible isolating cut).
 *    All k choices of the discarded host are evaluated and the labelling with the fewest links kept
 *    (ties: the heaviest cut); a service that cannot take the discarded host is repaired greedily to
 *    the candidate shared with most of its already placed neighbours.
 * 3. Local search: move a service to another of its candidates while that strictly reduces the
 *    links (each move lowers an integer cost, so it terminates), from the cut labelling and from the
 *    original tool's labelling; the better result is kept, so we never have more links than the
 *    original on the same input.
 * Cost: k max-flows on the part of the graph each host can reach, O(k·(V + E)) for the rest.
 */
import { MultiUndirectedGraph } from 'graphology';
import type { Distribution, Services } from '../../model/types.js';
import { compareNames, sortedKeys } from '../../model/value.js';
import { appKey, dependencyPairs, hostKey, type AppHostEdge, type AppHostNode } from './common.js';
import { cutLinks, instanceOf, type AppHostGraph, type AppHostInstance } from './instance.js';
import { FlowNetwork } from './maxflow.js';
import { originalLabels } from './original.js';

/** Step 1: the application/host graph of the models. */
export function multiwaycutGraph(args: { services: Services; distribution: Distribution }): AppHostGraph {
  const { services, distribution } = args;
  const graph: AppHostGraph = new MultiUndirectedGraph<AppHostNode, AppHostEdge>();
  const apps = sortedKeys(distribution);
  for (const app of apps) graph.addNode(appKey(app), { kind: 'app', name: app });
  const hosts = new Set<string>();
  for (const app of apps) for (const mapping of distribution[app]!) hosts.add(mapping.target);
  for (const host of [...hosts].sort(compareNames)) graph.addNode(hostKey(host), { kind: 'host', name: host });
  for (const [from, to] of dependencyPairs(services, distribution)) graph.addEdge(appKey(from), appKey(to), { kind: 'dependency' });
  for (const app of apps) {
    distribution[app]!.forEach((mapping, index) => {
      const attributes: AppHostEdge = { kind: 'candidate', index };
      if (mapping.container !== undefined) attributes.container = mapping.container;
      graph.addEdge(appKey(app), hostKey(mapping.target), attributes);
    });
  }
  return graph;
}

export interface IsolatingCuts {
  /** app → the host whose minimal isolating side holds it, or −1 */
  owner: Int32Array;
  /** host → weight of its minimum isolating cut */
  weight: number[];
}

/** The minimum isolating cut of every host (step 2 of the module comment). */
export function isolatingCuts(instance: AppHostInstance): IsolatingCuts {
  const n = instance.apps.length;
  const k = instance.hosts.length;
  const { adjacency, adjacencyStart, candidates } = instance;
  const owner = new Int32Array(n).fill(-1);
  const weight = new Array<number>(k).fill(0);
  const pinned: number[][] = Array.from({ length: k }, () => []);
  candidates.forEach((list, app) => {
    if (list.length === 1) pinned[list[0]!]!.push(app);
  });
  const stamp = new Int32Array(n).fill(-1);
  const local = new Int32Array(n);
  for (let host = 0; host < k; host++) {
    if (pinned[host]!.length === 0) continue; // nothing is tied to this host: an empty side, cut 0
    // The region: everything reachable from the pinned services through services that may use host.
    const region: number[] = [];
    for (const app of pinned[host]!) {
      stamp[app] = host;
      local[app] = 0; // contracted into the source
      region.push(app);
    }
    let free = 2;
    for (let i = 0; i < region.length; i++) {
      const u = region[i]!;
      for (let e = adjacencyStart[u]!; e < adjacencyStart[u + 1]!; e++) {
        const v = adjacency[e]!;
        if (stamp[v] === host || !candidates[v]!.includes(host)) continue;
        stamp[v] = host;
        local[v] = free++;
        region.push(v);
      }
    }
    if (free === 2) {
      // Only pinned services: the cut is every link leaving them.
      let links = 0;
      for (const u of region) for (let e = adjacencyStart[u]!; e < adjacencyStart[u + 1]!; e++) if (stamp[adjacency[e]!] !== host) links++;
      weight[host] = links;
      for (const u of region) if (owner[u] === -1) owner[u] = host;
      continue;
    }
    const network = new FlowNetwork(free);
    for (const u of region) {
      const lu = local[u]!;
      for (let e = adjacencyStart[u]!; e < adjacencyStart[u + 1]!; e++) {
        const v = adjacency[e]!;
        if (stamp[v] !== host) network.addEdge(lu, 1, 1, 1); // a neighbour that cannot use host: the sink
        else if (u < v && local[v] !== lu) network.addEdge(lu, local[v]!, 1, 1);
      }
    }
    weight[host] = network.maxFlow(0, 1);
    const side = network.sourceSide(0);
    for (const u of region) if (side[local[u]!] && owner[u] === -1) owner[u] = host;
  }
  return { owner, weight };
}

/**
 * The labelling of step 2 for discarded host `discarded`: isolating sides keep their host, the rest
 * take `discarded` when it is a candidate, else the candidate most of their placed neighbours share.
 */
export function labelWithDiscarded(instance: AppHostInstance, cuts: IsolatingCuts, discarded: number): Int32Array {
  const n = instance.apps.length;
  const { candidates } = instance;
  const label = new Int32Array(n).fill(-1);
  const pending: number[] = [];
  for (let app = 0; app < n; app++) {
    const side = cuts.owner[app]!;
    if (side >= 0 && side !== discarded) label[app] = side;
    else if (candidates[app]!.includes(discarded)) label[app] = discarded;
    else if (candidates[app]!.length > 0) pending.push(app);
  }
  for (const app of pending) label[app] = bestCandidate(instance, label, app, new Map());
  return label;
}

/** The candidate of `app` shared by the most labelled neighbours (ties: candidate order). */
function bestCandidate(instance: AppHostInstance, label: Int32Array, app: number, counts: Map<number, number>): number {
  counts.clear();
  const { adjacency, adjacencyStart } = instance;
  for (let e = adjacencyStart[app]!; e < adjacencyStart[app + 1]!; e++) {
    const l = label[adjacency[e]!]!;
    if (l >= 0) counts.set(l, (counts.get(l) ?? 0) + 1);
  }
  let best = instance.candidates[app]![0]!;
  let bestCount = counts.get(best) ?? 0;
  for (const candidate of instance.candidates[app]!) {
    const count = counts.get(candidate) ?? 0;
    if (count > bestCount) {
      best = candidate;
      bestCount = count;
    }
  }
  return best;
}

/**
 * Step 3: move a service to another candidate while that strictly reduces the links. FIFO work list
 * in app order; returns the number of moves.
 */
export function localSearch(instance: AppHostInstance, label: Int32Array): number {
  const n = instance.apps.length;
  const { adjacency, adjacencyStart, candidates } = instance;
  const queued = new Uint8Array(n);
  const queue: number[] = [];
  for (let app = 0; app < n; app++) {
    if (candidates[app]!.length > 1) {
      queue.push(app);
      queued[app] = 1;
    }
  }
  const counts = new Map<number, number>();
  let moves = 0;
  for (let head = 0; head < queue.length; head++) {
    const app = queue[head]!;
    queued[app] = 0;
    counts.clear();
    for (let e = adjacencyStart[app]!; e < adjacencyStart[app + 1]!; e++) {
      const l = label[adjacency[e]!]!;
      if (l >= 0) counts.set(l, (counts.get(l) ?? 0) + 1);
    }
    const current = label[app]!;
    let best = current;
    let bestCount = counts.get(current) ?? 0;
    for (const candidate of candidates[app]!) {
      const count = counts.get(candidate) ?? 0;
      if (count > bestCount) {
        best = candidate;
        bestCount = count;
      }
    }
    if (best === current) continue;
    label[app] = best;
    moves++;
    for (let e = adjacencyStart[app]!; e < adjacencyStart[app + 1]!; e++) {
      const v = adjacency[e]!;
      if (!queued[v] && candidates[v]!.length > 1) {
        queued[v] = 1;
        queue.push(v);
      }
    }
    // Compact the queue now and then so it stays proportional to the work left.
    if (head > 65536 && head * 2 > queue.length) {
      queue.splice(0, head + 1);
      head = -1;
    }
  }
  return moves;
}

export interface MultiwaycutStats {
  /** cross-target dependency links of our result */
  links: number;
  /** the same figure for the original tool's heuristic */
  originalLinks: number;
  /** links right after the isolating cuts (before the local search) */
  cutLinks: number;
  /** weight of every host's minimum isolating cut, in host order */
  isolatingCutWeights: number[];
  /** the host whose cut was discarded */
  discarded: string | undefined;
  /** which start won: the isolating cuts or the original's labelling */
  start: 'isolating-cuts' | 'original';
}

/** app name → the key of its chosen candidate edge (absent: no candidate). */
export type Assignment = Map<string, string>;

export interface MultiwaycutSolution {
  assignment: Assignment;
  stats: MultiwaycutStats;
}

/** The first candidate edge of every app to its labelled host. */
export function assignmentOf(instance: AppHostInstance, label: Int32Array): Assignment {
  const assignment: Assignment = new Map();
  instance.candidateEdges.forEach((edges, app) => {
    const edge = edges.find((candidate) => candidate.host === label[app]);
    if (edge) assignment.set(instance.apps[app]!, edge.key);
  });
  return assignment;
}

/** The problem graph after solving: per app only its chosen candidate edge (for --output-resolved-graph). */
export function resolvedGraph(graph: AppHostGraph, assignment: Assignment): AppHostGraph {
  const resolved = graph.copy() as AppHostGraph;
  graph.forEachEdge((key, attributes, source, target, sourceAttributes) => {
    if (attributes.kind !== 'candidate') return;
    const app = sourceAttributes.kind === 'app' ? source : target;
    if (assignment.get(graph.getNodeAttribute(app, 'name')) !== key) resolved.dropEdge(key);
  });
  return resolved;
}

/** Step 2: solve (isolating cuts, local search); returns the chosen candidate edge of every app. */
export function solveMultiwaycut(graph: AppHostGraph): MultiwaycutSolution {
  const instance = instanceOf(graph);
  const k = instance.hosts.length;
  const cuts = isolatingCuts(instance);
  // Discard order: heaviest cut first (the theorem's choice), then host order.
  const order = [...Array(k).keys()].sort((a, b) => cuts.weight[b]! - cuts.weight[a]! || a - b);
  let label: Int32Array = new Int32Array(instance.apps.length).fill(-1);
  let links = Infinity;
  let discarded: number | undefined;
  for (const host of order) {
    const candidate = labelWithDiscarded(instance, cuts, host);
    const candidateLinks = cutLinks(instance, candidate);
    if (candidateLinks < links) {
      label = candidate;
      links = candidateLinks;
      discarded = host;
    }
  }
  if (k === 0) links = 0;
  const afterCuts = links;
  localSearch(instance, label);
  links = cutLinks(instance, label);

  const original = originalLabels(instance);
  const originalLinks = cutLinks(instance, original);
  const improvedOriginal = Int32Array.from(original);
  localSearch(instance, improvedOriginal);
  const improvedOriginalLinks = cutLinks(instance, improvedOriginal);
  let start: MultiwaycutStats['start'] = 'isolating-cuts';
  if (improvedOriginalLinks < links) {
    label = improvedOriginal;
    links = improvedOriginalLinks;
    start = 'original';
  }

  return {
    assignment: assignmentOf(instance, label),
    stats: {
      links,
      originalLinks,
      cutLinks: afterCuts,
      isolatingCutWeights: cuts.weight,
      discarded: discarded === undefined ? undefined : instance.hosts[discarded],
      start,
    },
  };
}

/**
 * Step 3: the distribution: per app (sorted) the mapping of its chosen candidate edge (container
 * kept), or an empty list. Without an assignment, every candidate edge left in the (resolved) graph.
 */
export function appHostDistribution(graph: AppHostGraph, assignment?: Assignment): Distribution {
  const result: Distribution = {};
  const apps: string[] = [];
  graph.forEachNode((_key, attributes) => {
    if (attributes.kind === 'app') apps.push(attributes.name);
  });
  const mappingOf = (edge: string): { index: number; target: string; container: string | undefined } => {
    const attributes = graph.getEdgeAttributes(edge);
    const [source, target] = graph.extremities(edge);
    const host = graph.getNodeAttribute(source, 'kind') === 'host' ? source : target;
    return { index: attributes.index ?? 0, target: graph.getNodeAttribute(host, 'name'), container: attributes.container };
  };
  for (const app of apps.sort(compareNames)) {
    let edges: ReturnType<typeof mappingOf>[];
    if (assignment) {
      const chosen = assignment.get(app);
      edges = chosen === undefined ? [] : [mappingOf(chosen)];
    } else {
      edges = [];
      graph.forEachEdge(appKey(app), (edge, attributes) => {
        if (attributes.kind === 'candidate') edges.push(mappingOf(edge));
      });
      edges.sort((a, b) => a.index - b.index);
    }
    result[app] = edges.map(({ target, container }) => (container === undefined ? { target } : { target, container }));
  }
  return result;
}

/** The multiwaycut filter: models → graph → solve → distribution. */
export function multiwaycutPlan(args: { services: Services; distribution: Distribution }): { distribution: Distribution; stats: MultiwaycutStats; graph: AppHostGraph } {
  const graph = multiwaycutGraph(args);
  const { assignment, stats } = solveMultiwaycut(graph);
  return { distribution: appHostDistribution(graph, assignment), stats, graph };
}
