/** Shared pieces of the graph planners: argument types, dependency pairs, link counting. */
import type { Distribution, Infrastructure, Mapping, Services } from '../../model/types.js';
import { sortedKeys } from '../../model/value.js';

export interface GraphPlannerArgs {
  services: Services;
  infrastructure: Infrastructure;
  distribution: Distribution;
  /** minsetcover: the target cost property */
  targetProperty?: string;
  /** minsetcover: called with a message naming uncoverable services (default: stderr). */
  onWarning?: (message: string) => void;
  /** graphcol: node budget of the exact search (default DEFAULT_SEARCH_BUDGET). */
  searchBudget?: number;
}

/** Node attributes of the application/host problem graphs (minsetcover, multiwaycut). */
export interface AppHostNode {
  kind: 'app' | 'host';
  /** service or target name (the node key carries the `app:`/`host:` prefix) */
  name: string;
  /** minsetcover: the target's cost */
  cost?: number;
}

/** Edge attributes: a dependency between two apps, or a candidate mapping app→host. */
export interface AppHostEdge {
  kind: 'dependency' | 'candidate';
  /** candidate edges: position in the service's candidate list */
  index?: number;
  /** candidate edges: the mapping's container, if any */
  container?: string;
}

export const appKey = (service: string): string => `app:${service}`;
export const hostKey = (target: string): string => `host:${target}`;

/**
 * Every dependency of the services in `within`, as [from, to] pairs: for each service in sorted
 * order its dependsOn entries, then its connectsTo entries. Dependencies outside `within` are ignored
 * (reference B5).
 */
export function dependencyPairs(services: Services, within: Record<string, unknown>): [string, string][] {
  const pairs: [string, string][] = [];
  for (const name of sortedKeys(within)) {
    const service = services[name];
    if (!service) continue;
    for (const dependency of service.dependsOn) if (Object.hasOwn(within, dependency)) pairs.push([name, dependency]);
    for (const dependency of service.connectsTo) if (Object.hasOwn(within, dependency)) pairs.push([name, dependency]);
  }
  return pairs;
}

/** The target a service ended up on (the first mapping), or undefined. */
export function placedOn(distribution: Distribution, service: string): string | undefined {
  return distribution[service]?.[0]?.target;
}

/**
 * Dependency links (dependsOn + connectsTo entries, each counted once) whose two ends are placed on
 * different targets: the network links a multiway cut minimises. Unplaced services count nothing.
 */
export function crossTargetLinks(services: Services, distribution: Distribution): number {
  let links = 0;
  for (const [from, to] of dependencyPairs(services, distribution)) {
    const a = placedOn(distribution, from);
    const b = placedOn(distribution, to);
    if (a !== undefined && b !== undefined && a !== b) links++;
  }
  return links;
}

/** The first candidate mapping of `candidates` on `target` (keeps its container), else a plain one. */
export function mappingFor(candidates: readonly Mapping[] | undefined, target: string): Mapping {
  const found = candidates?.find((m) => m.target === target);
  return found ? { ...found } : { target };
}
