/**
 * minsetcover: cover every service with as cheap a set of targets as possible (Heydarnoori & Binder's
 * use of greedy weighted set cover, reference §3.4).
 *
 * Greedy (Chvátal 1979): repeatedly pick the target with the smallest cost per newly covered service
 * (cost / number of its still uncovered candidate services; ties to the first target in sorted
 * order) and put its uncovered candidate services on it. The total cost is at most
 * H(n) = 1 + 1/2 + … + 1/n ≤ ln n + 1 times the optimum, n being the largest number of services one
 * target can cover. Unlike the original (B4) it stops as soon as no target covers anything new, so a
 * service without candidates cannot make it loop: such services keep an empty list and are reported.
 * Cost O(k² + Σ|candidates|) for k targets.
 */
import { MultiUndirectedGraph } from 'graphology';
import { ModelError } from '../../errors.js';
import { modelPath } from '../../model/path.js';
import type { Distribution, Infrastructure, Services } from '../../model/types.js';
import { compareNames, sortedKeys } from '../../model/value.js';
import { appKey, hostKey, type AppHostEdge, type AppHostNode } from './common.js';
import { instanceOf, type AppHostGraph } from './instance.js';
import { appHostDistribution, assignmentOf, type Assignment } from './multiwaycut.js';

/** Step 1: apps, hosts with their cost, candidate edges. Graph attribute `absent`: services missing from the distribution. */
export function minsetcoverGraph(args: { services: Services; infrastructure: Infrastructure; distribution: Distribution; targetProperty: string }): AppHostGraph {
  const { services, infrastructure, distribution, targetProperty } = args;
  const graph: AppHostGraph = new MultiUndirectedGraph<AppHostNode, AppHostEdge>();
  const apps = sortedKeys(distribution);
  for (const app of apps) graph.addNode(appKey(app), { kind: 'app', name: app });
  const hosts = new Set<string>();
  for (const app of apps) for (const mapping of distribution[app]!) hosts.add(mapping.target);
  for (const host of [...hosts].sort(compareNames)) {
    graph.addNode(hostKey(host), { kind: 'host', name: host, cost: targetCost(infrastructure, host, targetProperty) });
  }
  for (const app of apps) {
    distribution[app]!.forEach((mapping, index) => {
      const attributes: AppHostEdge = { kind: 'candidate', index };
      if (mapping.container !== undefined) attributes.container = mapping.container;
      graph.addEdge(appKey(app), hostKey(mapping.target), attributes);
    });
  }
  graph.setAttribute('absent', sortedKeys(services).filter((name) => !Object.hasOwn(distribution, name)));
  return graph;
}

/** The cost of a target: its numeric property; a missing property (or target) costs 0 (B3). */
export function targetCost(infrastructure: Infrastructure, target: string, property: string): number {
  const value = infrastructure[target]?.properties[property];
  if (value === undefined) return 0;
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && /^\s*[-+]?(\d+(\.\d*)?|\.\d+)\s*$/.test(value)) return Number(value);
  throw new ModelError(undefined, modelPath('infrastructure', [target, 'properties', property]), `the cost must be a number, not ${JSON.stringify(value)}`);
}

export interface MinsetcoverStats {
  /** sum of the costs of the targets used */
  totalCost: number;
  /** targets used, in the order they were chosen */
  chosen: string[];
  /** services that could not be covered: empty candidate lists, or absent from the distribution */
  uncoverable: string[];
}

/** Step 2: greedy set cover; returns the chosen candidate edge of every covered app. */
export function solveMinsetcover(graph: AppHostGraph): { assignment: Assignment; stats: MinsetcoverStats } {
  const instance = instanceOf(graph);
  const n = instance.apps.length;
  const k = instance.hosts.length;
  const cost = instance.hosts.map((host) => graph.getNodeAttribute(hostKey(host), 'cost') ?? 0);
  const members: number[][] = Array.from({ length: k }, () => []);
  instance.candidates.forEach((hosts, app) => {
    for (const host of hosts) members[host]!.push(app);
  });
  const uncovered = members.map((list) => list.length);
  const label = new Int32Array(n).fill(-1);
  const chosen: string[] = [];
  let totalCost = 0;
  for (;;) {
    let best = -1;
    let bestFraction = Infinity;
    for (let host = 0; host < k; host++) {
      if (uncovered[host] === 0) continue;
      const fraction = cost[host]! / uncovered[host]!;
      if (best === -1 || fraction < bestFraction) {
        best = host;
        bestFraction = fraction;
      }
    }
    if (best === -1) break;
    chosen.push(instance.hosts[best]!);
    totalCost += cost[best]!;
    for (const app of members[best]!) {
      if (label[app] !== -1) continue;
      label[app] = best;
      for (const host of instance.candidates[app]!) uncovered[host]!--;
    }
  }
  const absent = (graph.getAttribute('absent') as string[] | undefined) ?? [];
  const uncoverable = [...instance.apps.filter((_app, i) => label[i] === -1), ...absent].sort(compareNames);
  return { assignment: assignmentOf(instance, label), stats: { totalCost, chosen, uncoverable } };
}

export function uncoverableWarning(uncoverable: readonly string[]): string {
  return `warning: ${uncoverable.length} service(s) cannot be covered (no candidate target) and stay without a target: ${uncoverable.join(', ')}`;
}

/** The minsetcover filter: models → graph → solve → distribution. */
export function minsetcoverPlan(args: { services: Services; infrastructure: Infrastructure; distribution: Distribution; targetProperty: string }): {
  distribution: Distribution;
  stats: MinsetcoverStats;
} {
  const graph = minsetcoverGraph(args);
  const { assignment, stats } = solveMinsetcover(graph);
  return { distribution: appHostDistribution(graph, assignment), stats };
}
