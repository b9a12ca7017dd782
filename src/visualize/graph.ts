/**
 * The service graph of one group (reference §4.1): its members, the outside context, and optionally
 * the subgroups collapsed into group nodes. Pure data; `services-dot.ts` and `docs-html.ts` print it.
 */
import type { Service, Services } from '../model/types.js';
import { compareNames, sortedKeys } from '../model/value.js';
import { providedContainers, serviceGroup } from '../model/service-props.js';

export interface GraphNode {
  /** Service name, or the single group token for a group node. */
  name: string;
  /** True for a collapsed subgroup. */
  isGroup: boolean;
  /** The service behind a service node (undefined for group nodes). */
  service?: Service;
  /** For a group node: the full path of the group it stands for (`services/reporting`). */
  groupPath?: string;
  /** Edge ends as references (`serviceRef`/`groupRef`), in model order; resolve them with `nodeIds`. */
  dependsOn: string[];
  connectsTo: string[];
}

export interface ServiceGraph {
  group: string;
  /** Nodes by name, iterate with `sortedNodes`. Group nodes may share a name with a service node. */
  services: Map<string, GraphNode>;
  groups: Map<string, GraphNode>;
}

export interface GraphOptions {
  /** Add outside dependencies and dependants (visualize does, document-services does not). */
  context: boolean;
  /** Collapse services of deeper groups into group nodes (`--group-subservices`, batch mode). */
  collapse: boolean;
}

/** `a/b` → `["a", "b"]`; the root `""` is the empty list. */
export function groupTokens(group: string): string[] {
  return group === '' ? [] : group.split('/');
}

/** Every group that has a page: each service's group and all of its ancestors, root first, sorted. */
export function allGroups(services: Services): string[] {
  const groups = new Set<string>(['']);
  for (const name of Object.keys(services)) {
    const tokens = groupTokens(serviceGroup(services[name]!));
    for (let i = 1; i <= tokens.length; i++) groups.add(tokens.slice(0, i).join('/'));
  }
  return [...groups].sort(compareNames);
}

/**
 * The group node a service collapses into when viewing `group`, or undefined when it is kept (its
 * group is `group` itself or one of its ancestors).
 */
export function collapsedInto(serviceGroupPath: string, viewTokens: readonly string[]): string | undefined {
  const own = groupTokens(serviceGroupPath);
  const common = Math.min(own.length, viewTokens.length);
  for (let i = 0; i < common; i++) if (own[i] !== viewTokens[i]) return own[i];
  return own.length > viewTokens.length ? own[viewTokens.length] : undefined;
}

/** The full path of the group node `collapsedInto` gives: the service's group up to that token. */
export function collapsedPath(serviceGroupPath: string, viewTokens: readonly string[]): string | undefined {
  const own = groupTokens(serviceGroupPath);
  let i = 0;
  while (i < own.length && i < viewTokens.length && own[i] === viewTokens[i]) i++;
  return i < own.length ? own.slice(0, i + 1).join('/') : undefined;
}

function dedupe(list: Iterable<string>, without?: string): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const item of list) {
    if (item === without || seen.has(item)) continue;
    seen.add(item);
    out.push(item);
  }
  return out;
}

/**
 * What every group's graph needs, computed once per model: sorted names, the members of every group
 * (services in it or below it) and the reverse dependency lists. Batch mode shares one index, so a
 * model with many groups costs O(services × depth) instead of O(services × groups).
 */
export interface ServiceIndex {
  services: Services;
  names: string[];
  /** group → its members, sorted; `""` holds every service. */
  members: Map<string, string[]>;
  /** service → the services that name it in dependsOn or connectsTo, sorted, without duplicates. */
  dependants: Map<string, string[]>;
}

export function indexServices(services: Services): ServiceIndex {
  const names = sortedKeys(services);
  const members = new Map<string, string[]>([['', names]]);
  const dependants = new Map<string, string[]>();
  for (const name of names) {
    const service = services[name]!;
    const tokens = groupTokens(serviceGroup(service));
    for (let i = 1; i <= tokens.length; i++) {
      const group = tokens.slice(0, i).join('/');
      const list = members.get(group);
      if (list) list.push(name);
      else members.set(group, [name]);
    }
    for (const dependency of new Set([...service.dependsOn, ...service.connectsTo])) {
      const list = dependants.get(dependency);
      if (list) list.push(name);
      else dependants.set(dependency, [name]);
    }
  }
  return { services, names, members, dependants };
}

export function buildServiceGraph(services: Services, group: string, options: GraphOptions, index: ServiceIndex = indexServices(services)): ServiceGraph {
  // 1. Members.
  const memberList = index.members.get(group) ?? [];
  const members = new Set(memberList);
  const chosen = new Map<string, { dependsOn: string[]; connectsTo: string[] }>();
  for (const name of memberList) chosen.set(name, { dependsOn: [...services[name]!.dependsOn], connectsTo: [...services[name]!.connectsTo] });

  if (options.context) {
    // 2. Context A: outside dependencies of members, without their own dependencies.
    const contextA = new Set<string>();
    for (const name of memberList) {
      const service = services[name]!;
      for (const list of [service.dependsOn, service.connectsTo]) {
        for (const dependency of list) if (!members.has(dependency) && Object.hasOwn(services, dependency)) contextA.add(dependency);
      }
    }
    for (const name of [...contextA].sort(compareNames)) chosen.set(name, { dependsOn: [], connectsTo: [] });
    // 3. Context B: outside dependants of members, their lists reduced to the visible set.
    const contextB = new Set<string>();
    for (const name of memberList) {
      for (const dependant of index.dependants.get(name) ?? []) if (!members.has(dependant) && !contextA.has(dependant)) contextB.add(dependant);
    }
    const isVisible = (name: string) => members.has(name) || contextA.has(name) || contextB.has(name);
    for (const name of [...contextB].sort(compareNames)) {
      const service = services[name]!;
      chosen.set(name, { dependsOn: service.dependsOn.filter(isVisible), connectsTo: service.connectsTo.filter(isVisible) });
    }
  }

  const graph: ServiceGraph = { group, services: new Map(), groups: new Map() };
  const ordered = [...chosen.keys()].sort(compareNames);
  if (!options.collapse) {
    for (const name of ordered) {
      const lists = chosen.get(name)!;
      graph.services.set(name, { name, isGroup: false, service: services[name]!, dependsOn: lists.dependsOn.map(serviceRef), connectsTo: lists.connectsTo.map(serviceRef) });
    }
    return graph;
  }

  // 4. Collapse subgroups into group nodes and redirect edges to them.
  const viewTokens = groupTokens(group);
  const collapsed = new Map<string, string>();
  const paths = new Map<string, string>();
  for (const name of ordered) {
    const own = serviceGroup(services[name]!);
    const token = collapsedInto(own, viewTokens);
    if (token === undefined) continue;
    collapsed.set(name, token);
    // Two groups with the same last token (a/c seen from a/b, and c) share a node, as in the
    // original; the first path in name order is the one it links to.
    if (!paths.has(token)) paths.set(token, collapsedPath(own, viewTokens)!);
  }
  const redirect = (list: string[]) => list.map((d) => (collapsed.has(d) ? groupRef(collapsed.get(d)!) : serviceRef(d)));
  const groupLists = new Map<string, { dependsOn: string[]; connectsTo: string[] }>();
  for (const name of ordered) {
    const lists = chosen.get(name)!;
    const dependsOn = redirect(lists.dependsOn);
    const connectsTo = redirect(lists.connectsTo);
    const token = collapsed.get(name);
    if (token === undefined) {
      graph.services.set(name, { name, isGroup: false, service: services[name]!, dependsOn: dedupe(dependsOn), connectsTo: dedupe(connectsTo) });
    } else {
      const union = groupLists.get(token) ?? { dependsOn: [], connectsTo: [] };
      union.dependsOn.push(...dependsOn);
      union.connectsTo.push(...connectsTo);
      groupLists.set(token, union);
    }
  }
  for (const token of [...groupLists.keys()].sort(compareNames)) {
    const union = groupLists.get(token)!;
    const self = groupRef(token);
    graph.groups.set(token, {
      name: token,
      isGroup: true,
      groupPath: paths.get(token)!,
      dependsOn: dedupe(union.dependsOn, self),
      connectsTo: dedupe(union.connectsTo, self),
    });
  }
  return graph;
}

/*
 * Edge ends are references: `s:<name>` for a service node, `g:<token>` for a group node, so that a
 * group named like a service never merges with it. `nodeRefs` resolves them to DOT node ids.
 */
export const serviceRef = (name: string) => `s:${name}`;
export const groupRef = (token: string) => `g:${token}`;

/** All nodes in output order: by name, a service before a group node of the same name. */
export function sortedNodes(graph: ServiceGraph): GraphNode[] {
  const all = [...graph.services.values(), ...graph.groups.values()];
  return all.sort((a, b) => compareNames(a.name, b.name) || Number(a.isGroup) - Number(b.isGroup));
}

/**
 * The DOT node id of each reference: the plain name, except for a group node whose name is also a
 * service node's name (then `<name> (group)`).
 */
export function nodeIds(graph: ServiceGraph): Map<string, string> {
  const ids = new Map<string, string>();
  for (const name of graph.services.keys()) ids.set(serviceRef(name), name);
  for (const token of graph.groups.keys()) ids.set(groupRef(token), graph.services.has(token) ? `${token} (group)` : token);
  return ids;
}

/** The names of the containers a service provides, sorted, and whether it uses `providesContainer`. */
export function containerNames(service: Service): { names: string[]; single: boolean } {
  const single = typeof service.properties.providesContainer === 'string' && service.properties.providesContainer !== '';
  return { names: Object.keys(providedContainers(service)).sort(compareNames), single };
}
