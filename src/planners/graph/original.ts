/**
 * The original dydisnix-multiwaycut "approximation" (reference §3.5), re-implemented in linear time
 * for comparison only: the tests and the benchmark measure our result against it, and the solver
 * uses its answer as one starting point of the local search, so that ours never has more network
 * links than the original on the same input. Not a user-facing planner.
 *
 * 1. cut(H) = H's candidate edges (with multiplicity) if H's connected component holds another host,
 *    else nothing (the original's BFS reachability test is exactly this).
 * 2. Discard the heaviest cut (hosts in sorted order, strictly larger wins, starting from 0).
 * 3. Remove the host–app edges of every other non-empty cut.
 * 4. An app left without a host edge gets its first candidate back (orphan fix-up).
 */
import type { Distribution } from '../../model/types.js';
import type { AppHostGraph, AppHostInstance } from './instance.js';
import { instanceOf } from './instance.js';

/** Per app: the positions (in its candidate edge list) of the candidate edges the original keeps. */
export function originalKeptEdges(instance: AppHostInstance): number[][] {
  const n = instance.apps.length;
  const k = instance.hosts.length;
  const parent = new Int32Array(n + k);
  for (let i = 0; i < parent.length; i++) parent[i] = i;
  const find = (x: number): number => {
    while (parent[x] !== x) {
      parent[x] = parent[parent[x]!]!;
      x = parent[x]!;
    }
    return x;
  };
  const union = (a: number, b: number): void => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent[ra] = rb;
  };
  const { pairs } = instance;
  for (let e = 0; e < pairs.length; e += 2) union(pairs[e]!, pairs[e + 1]!);
  const edgesAt = new Int32Array(k);
  instance.candidateEdges.forEach((edges, app) => {
    for (const edge of edges) {
      union(app, n + edge.host);
      edgesAt[edge.host]!++;
    }
  });
  const hostsInComponent = new Map<number, number>();
  for (let h = 0; h < k; h++) {
    const root = find(n + h);
    hostsInComponent.set(root, (hostsInComponent.get(root) ?? 0) + 1);
  }
  const cut = new Int32Array(k);
  for (let h = 0; h < k; h++) cut[h] = hostsInComponent.get(find(n + h))! >= 2 ? edgesAt[h]! : 0;
  let discarded = -1;
  let heaviest = 0;
  for (let h = 0; h < k; h++) {
    if (cut[h]! > heaviest) {
      heaviest = cut[h]!;
      discarded = h;
    }
  }
  return instance.candidateEdges.map((edges) => {
    const kept: number[] = [];
    edges.forEach((edge, position) => {
      if (cut[edge.host] === 0 || edge.host === discarded) kept.push(position);
    });
    if (kept.length === 0 && edges.length > 0) kept.push(0);
    return kept;
  });
}

/** Labels (host numbers, −1 = none) of the original heuristic: the first host an app keeps. */
export function originalLabels(instance: AppHostInstance): Int32Array {
  const kept = originalKeptEdges(instance);
  const label = new Int32Array(instance.apps.length).fill(-1);
  kept.forEach((positions, app) => {
    if (positions.length > 0) label[app] = instance.candidateEdges[app]![positions[0]!]!.host;
  });
  return label;
}

/** The original tool's distribution for a multiwaycut problem graph. */
export function originalMultiwaycut(graph: AppHostGraph): Distribution {
  const instance = instanceOf(graph);
  const kept = originalKeptEdges(instance);
  const result: Distribution = {};
  instance.apps.forEach((app, i) => {
    result[app] = kept[i]!.map((position) => {
      const key = instance.candidateEdges[i]![position]!.key;
      const container = graph.getEdgeAttribute(key, 'container');
      const target = instance.hosts[instance.candidateEdges[i]![position]!.host]!;
      return container === undefined ? { target } : { target, container };
    });
  });
  return result;
}
