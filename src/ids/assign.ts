/**
 * The ID assigner core (reference §3.7, with B8–B10 fixed): invalidate previous assignments that no
 * longer hold, then hand out IDs from each resource's pool to the services that need one.
 *
 * Pure: models in, IDs model and warnings out. Failures are typed errors (a machine-scoped resource
 * without a distribution is a ModelError, exit 2; a depleted pool is a PlanningError, exit 1).
 */
import { ModelError, PlanningError } from '../errors.js';
import { modelPath } from '../model/path.js';
import type { Distribution, IdResources, Ids, Services } from '../model/types.js';
import { sortedKeys } from '../model/value.js';
import { Pool } from './pool.js';

export const DEFAULT_SERVICE_PROPERTY = 'requiresUniqueIdsFor';

export interface AssignInput {
  services: Services;
  resources: IdResources;
  /** Previous assignments (`--ids`); retained where still valid. */
  previous?: Ids | undefined;
  /** Distribution mode when given: only deployed services get IDs, machine scope is per target. */
  distribution?: Distribution | undefined;
  /** The service property listing the resources a service needs IDs from. */
  serviceProperty?: string | undefined;
  /** The ID resources file, named in error messages. */
  resourcesFile?: string | undefined;
}

export interface AssignResult {
  ids: Ids;
  /** Human-readable warnings (collisions, unknown resources); the CLI prints them on stderr. */
  warnings: string[];
  /** Figures for reporting: assignments kept from `--ids`, dropped, and newly handed out. */
  stats: { retained: number; dropped: number; assigned: number };
}

/** Scope state of one resource: which IDs are taken (id → holder) and the services holding one. */
type Taken = Map<number, string>;

export function assignIds(input: AssignInput): AssignResult {
  const { services, resources, previous, distribution } = input;
  const property = input.serviceProperty ?? DEFAULT_SERVICE_PROPERTY;
  const warnings: string[] = [];
  const resourceNames = sortedKeys(resources);
  const pools = new Map(resourceNames.map((name) => [name, new Pool(name, resources[name]!)]));

  if (!distribution) {
    for (const name of resourceNames) {
      if (resources[name]!.scope === 'machine') {
        throw new ModelError(
          input.resourcesFile,
          modelPath('idresources', [name, 'scope']),
          'scope "machine" needs a distribution: machine-scoped IDs are unique per target, and without -d (services mode) ' +
            'it is unknown which services share a target. Run with -i INFRASTRUCTURE -d DISTRIBUTION, or make the scope "global".',
        );
      }
    }
  }

  // The services in scope, in sorted order, and (distribution mode) the targets each is deployed on.
  const targetsOf = new Map<string, string[]>();
  let names: string[];
  if (distribution) {
    names = [];
    for (const name of sortedKeys(distribution)) {
      if (!Object.hasOwn(services, name)) continue;
      const targets = [...new Set(distribution[name]!.map((mapping) => mapping.target))].sort();
      if (targets.length === 0) continue;
      names.push(name);
      targetsOf.set(name, targets);
    }
  } else {
    names = sortedKeys(services);
  }

  const required = requirements(services, names, property, resources, warnings);
  const requires = (service: string, resource: string) => required.get(service)?.has(resource) === true;

  // Phase 1: keep the previous assignments that still hold.
  const stats = { retained: 0, dropped: 0, assigned: 0 };
  const tables = new Map<string, Map<string, number>>();
  for (const resource of resourceNames) {
    const pool = pools.get(resource)!;
    const table = new Map<string, number>();
    const before = previous && Object.hasOwn(previous.ids, resource) ? previous.ids[resource]! : {};
    for (const service of sortedKeys(before)) {
      const id = before[service]!;
      if (requires(service, resource) && pool.contains(id)) table.set(service, id);
    }
    tables.set(resource, table);
  }
  if (previous) {
    for (const resource of Object.keys(previous.ids)) stats.dropped += Object.keys(previous.ids[resource]!).length;
  }

  const lastAssignments = new Map<string, number>();
  for (const resource of sortedKeys(previous?.lastAssignments ?? {})) {
    if (Object.hasOwn(resources, resource)) lastAssignments.set(resource, previous!.lastAssignments[resource]!);
  }

  // Per-target memory: only in distribution mode, only for targets still hosting services (fix B9).
  const hosting = new Map<string, string[]>();
  for (const service of names) {
    for (const target of targetsOf.get(service) ?? []) {
      let list = hosting.get(target);
      if (!list) hosting.set(target, (list = []));
      list.push(service);
    }
  }
  const hostingTargets = [...hosting.keys()].sort();
  const lastPerTarget = new Map<string, Map<string, number>>();
  if (distribution && previous) {
    for (const target of sortedKeys(previous.lastAssignmentsPerTarget)) {
      if (!hosting.has(target)) continue;
      const before = previous.lastAssignmentsPerTarget[target]!;
      const table = new Map<string, number>();
      for (const resource of sortedKeys(before)) {
        if (Object.hasOwn(resources, resource)) table.set(resource, before[resource]!);
      }
      if (table.size > 0) lastPerTarget.set(target, table);
    }
  }

  // Phase 2: resolve collisions among retained IDs, then assign.
  for (const resource of resourceNames) {
    const pool = pools.get(resource)!;
    const table = tables.get(resource)!;
    if (resources[resource]!.scope === 'global') {
      const taken: Taken = new Map();
      for (const service of names) {
        const id = table.get(service);
        if (id === undefined) continue;
        const holder = taken.get(id);
        if (holder !== undefined) {
          table.delete(service);
          warnings.push(`${resource}: services "${holder}" and "${service}" both held ID ${id}; "${service}" gets a fresh ID`);
        } else taken.set(id, service);
      }
      let cursor = pool.startIndex(lastAssignments.get(resource));
      for (const service of names) {
        if (table.has(service) || !requires(service, resource)) continue;
        if (taken.size >= pool.size) throw depleted(pool, service, undefined);
        let index = cursor;
        while (taken.has(pool.valueAt(index))) index = index + 1 >= pool.size ? 0 : index + 1;
        const id = pool.valueAt(index);
        table.set(service, id);
        taken.set(id, service);
        lastAssignments.set(resource, id);
        cursor = index + 1 >= pool.size ? 0 : index + 1;
        stats.assigned++;
      }
    } else {
      const takenOn = new Map<string, Taken>(hostingTargets.map((target) => [target, new Map()]));
      for (const service of names) {
        const id = table.get(service);
        if (id === undefined) continue;
        const targets = targetsOf.get(service)!;
        const clash = targets.find((target) => takenOn.get(target)!.has(id));
        if (clash !== undefined) {
          table.delete(service);
          const holder = takenOn.get(clash)!.get(id)!;
          warnings.push(`${resource}: services "${holder}" and "${service}" both held ID ${id} on target "${clash}"; "${service}" gets a fresh ID`);
        } else {
          for (const target of targets) takenOn.get(target)!.set(id, service);
        }
      }
      for (const target of hostingTargets) {
        // Created even when nothing gets assigned, as the original does.
        let memory = lastPerTarget.get(target);
        if (!memory) lastPerTarget.set(target, (memory = new Map()));
        let cursor = pool.startIndex(memory.get(resource));
        for (const service of hosting.get(target)!) {
          if (table.has(service) || !requires(service, resource)) continue;
          const targets = targetsOf.get(service)!;
          const takens = targets.map((t) => takenOn.get(t)!);
          const free = (id: number) => takens.every((taken) => !taken.has(id));
          let index = cursor;
          let found = false;
          // Bounded walk: at most one lap of the lattice, and never more steps than IDs in use + 1.
          const limit = Math.min(pool.size, takens.reduce((sum, taken) => sum + taken.size, 0) + 1);
          for (let step = 0; step < limit; step++) {
            if (free(pool.valueAt(index))) {
              found = true;
              break;
            }
            index = index + 1 >= pool.size ? 0 : index + 1;
          }
          if (!found) throw depleted(pool, service, targets);
          const id = pool.valueAt(index);
          table.set(service, id);
          for (const taken of takens) taken.set(id, service);
          memory.set(resource, id);
          cursor = index + 1 >= pool.size ? 0 : index + 1;
          stats.assigned++;
        }
      }
    }
  }

  // Output, every level in sorted order; every resource appears, even without assignments.
  const ids: Ids = { ids: {}, lastAssignments: {}, lastAssignmentsPerTarget: {} };
  for (const resource of resourceNames) {
    const table = tables.get(resource)!;
    const out: Record<string, number> = {};
    for (const service of [...table.keys()].sort()) out[service] = table.get(service)!;
    ids.ids[resource] = out;
  }
  stats.retained = [...tables.values()].reduce((sum, table) => sum + table.size, 0) - stats.assigned;
  stats.dropped -= stats.retained;
  for (const resource of [...lastAssignments.keys()].sort()) ids.lastAssignments[resource] = lastAssignments.get(resource)!;
  for (const target of [...lastPerTarget.keys()].sort()) {
    const memory = lastPerTarget.get(target)!;
    const out: Record<string, number> = {};
    for (const resource of [...memory.keys()].sort()) out[resource] = memory.get(resource)!;
    ids.lastAssignmentsPerTarget[target] = out;
  }
  return { ids, warnings, stats };
}

/**
 * For each service in scope, the set of defined resources it requires IDs from: its property must be
 * a list (anything else means "none"). Unknown resource names and non-list values are warned about.
 */
function requirements(services: Services, names: readonly string[], property: string, resources: IdResources, warnings: string[]): Map<string, Set<string>> {
  const required = new Map<string, Set<string>>();
  const unknown = new Map<string, string[]>();
  const notLists: string[] = [];
  for (const service of names) {
    const value = services[service]!.properties[property];
    if (value === undefined) continue;
    if (!Array.isArray(value)) {
      notLists.push(service);
      continue;
    }
    const set = new Set<string>();
    for (const item of value) {
      if (typeof item !== 'string') continue;
      if (Object.hasOwn(resources, item)) set.add(item);
      else {
        let list = unknown.get(item);
        if (!list) unknown.set(item, (list = []));
        list.push(service);
      }
    }
    if (set.size > 0) required.set(service, set);
  }
  for (const resource of [...unknown.keys()].sort()) {
    warnings.push(`resource "${resource}" is not in the ID resources model; no IDs for it are assigned to ${serviceList(unknown.get(resource)!)}`);
  }
  if (notLists.length > 0) {
    warnings.push(`property "${property}" is not a list in ${serviceList(notLists)}; such services get no IDs`);
  }
  return required;
}

function serviceList(services: readonly string[]): string {
  const shown = services.slice(0, 5).map((name) => `"${name}"`).join(', ');
  const more = services.length > 5 ? ` and ${services.length - 5} more` : '';
  return `service${services.length === 1 ? '' : 's'} ${shown}${more}`;
}

function depleted(pool: Pool, service: string, targets: readonly string[] | undefined): PlanningError {
  const where = targets === undefined ? '' : ` on target${targets.length === 1 ? '' : 's'} ${targets.map((t) => `"${t}"`).join(', ')}`;
  return new PlanningError(
    `The amount of IDs is depleted! resource "${pool.name}" (pool ${pool.describe()}) has no free ID left for service "${service}"${where}; ` +
      'enlarge the pool (max) or lower its step',
  );
}
