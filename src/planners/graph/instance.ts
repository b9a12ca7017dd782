/**
 * The array form of an application/host problem graph, which the solvers work on: apps and hosts
 * numbered in sorted name order, candidate lists as host numbers, dependencies in CSR adjacency.
 */
import type { MultiUndirectedGraph } from 'graphology';
import { compareNames } from '../../model/value.js';
import type { AppHostEdge, AppHostNode } from './common.js';

export type AppHostGraph = MultiUndirectedGraph<AppHostNode, AppHostEdge>;

export interface CandidateEdge {
  host: number;
  /** graphology edge key */
  key: string;
}

export interface AppHostInstance {
  apps: string[];
  hosts: string[];
  /** app → its candidate edges in candidate-list order (a host may repeat with another container) */
  candidateEdges: CandidateEdge[][];
  /** app → distinct candidate hosts in candidate-list order */
  candidates: number[][];
  /** CSR adjacency of the dependency edges (each undirected edge appears at both ends; no self-loops) */
  adjacencyStart: Int32Array;
  adjacency: Int32Array;
  /** dependency edges as flat (u, v) pairs, self-loops included */
  pairs: Int32Array;
}

export function instanceOf(graph: AppHostGraph): AppHostInstance {
  const apps: string[] = [];
  const hosts: string[] = [];
  graph.forEachNode((_key, attributes) => (attributes.kind === 'app' ? apps : hosts).push(attributes.name));
  apps.sort(compareNames);
  hosts.sort(compareNames);
  const appIndex = new Map(apps.map((name, i) => [name, i]));
  const hostIndex = new Map(hosts.map((name, i) => [name, i]));
  const indexOfNode = (key: string): number => {
    const attributes = graph.getNodeAttributes(key);
    return (attributes.kind === 'app' ? appIndex : hostIndex).get(attributes.name)!;
  };

  const candidateLists: { host: number; key: string; index: number }[][] = apps.map(() => []);
  const pairList: number[] = [];
  const degree = new Int32Array(apps.length);
  graph.forEachEdge((key, attributes, source, target, sourceAttributes) => {
    if (attributes.kind === 'candidate') {
      const [app, host] = sourceAttributes.kind === 'app' ? [source, target] : [target, source];
      candidateLists[indexOfNode(app)]!.push({ host: indexOfNode(host), key, index: attributes.index ?? 0 });
    } else {
      const u = indexOfNode(source);
      const v = indexOfNode(target);
      pairList.push(u, v);
      if (u !== v) {
        degree[u]!++;
        degree[v]!++;
      }
    }
  });

  const adjacencyStart = new Int32Array(apps.length + 1);
  for (let i = 0; i < apps.length; i++) adjacencyStart[i + 1] = adjacencyStart[i]! + degree[i]!;
  const fill = adjacencyStart.slice(0, apps.length);
  const adjacency = new Int32Array(adjacencyStart[apps.length]!);
  for (let e = 0; e < pairList.length; e += 2) {
    const u = pairList[e]!;
    const v = pairList[e + 1]!;
    if (u === v) continue;
    adjacency[fill[u]!++] = v;
    adjacency[fill[v]!++] = u;
  }

  const candidateEdges = candidateLists.map((list) => list.sort((a, b) => a.index - b.index).map(({ host, key }) => ({ host, key })));
  const candidates = candidateEdges.map((list) => [...new Set(list.map((edge) => edge.host))]);
  return { apps, hosts, candidateEdges, candidates, adjacencyStart, adjacency, pairs: Int32Array.from(pairList) };
}

/** Dependency edges whose two ends have different labels (unlabelled apps, label < 0, count nothing). */
export function cutLinks(instance: AppHostInstance, label: Int32Array): number {
  const { pairs } = instance;
  let links = 0;
  for (let e = 0; e < pairs.length; e += 2) {
    const a = label[pairs[e]!]!;
    const b = label[pairs[e + 1]!]!;
    if (a >= 0 && b >= 0 && a !== b) links++;
  }
  return links;
}

/** The host number each app's assigned candidate edge leads to (−1: unassigned); the inverse of `assignmentOf`. */
export function labelsOf(instance: AppHostInstance, assignment: ReadonlyMap<string, string>): Int32Array {
  const label = new Int32Array(instance.apps.length).fill(-1);
  instance.apps.forEach((app, i) => {
    const key = assignment.get(app);
    const edge = key === undefined ? undefined : instance.candidateEdges[i]!.find((candidate) => candidate.key === key);
    if (edge) label[i] = edge.host;
  });
  return label;
}
