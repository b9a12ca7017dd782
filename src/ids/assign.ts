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
import { compareNames, sortedKeys } from '../model/value.js';
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

/** Which IDs are taken in a scope: id → index of the holding service. */
type Taken = Map<number, number>;

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

  // The services in scope, in sorted order (addressed by index below), and (distribution mode) the
  // targets each is deployed on.
  let names: string[];
  const targetsOf: string[][] = [];
  if (distribution) {
    names = [];
    for (const name of sortedNames(distribution)) {
      if (!Object.hasOwn(services, name)) continue;
      const mappings = distribution[name]!;
      if (mappings.length === 0) continue;
      names.push(name);
      targetsOf.push(mappings.length === 1 ? [mappings[0]!.target] : [...new Set(mappings.map((mapping) => mapping.target))].sort());
    }
  } else {
    names = sortedNames(services);
  }
  const count = names.length;

  // requires[r][i]: service i lists resource r.
  const requires = requirements(services, names, property, resourceNames, warnings);

  // Phase 1: keep the previous assignments that still hold. tables[r][i] = id, NaN when none.
  const stats = { retained: 0, dropped: 0, assigned: 0 };
  const tables = new Map<string, Float64Array>();
  for (const resource of resourceNames) {
    const pool = pools.get(resource)!;
    const table = new Float64Array(count).fill(Number.NaN);
    const needs = requires.get(resource)!;
    const before = previous && Object.hasOwn(previous.ids, resource) ? previous.ids[resource]! : undefined;
    if (before) {
      for (let i = 0; i < count; i++) {
        if (needs[i] === 0 || !Object.hasOwn(before, names[i]!)) continue;
        const id = before[names[i]!]!;
        if (pool.contains(id)) table[i] = id;
      }
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
  const hosting = new Map<string, number[]>();
  targetsOf.forEach((targets, i) => {
    for (const target of targets) {
      let list = hosting.get(target);
      if (!list) hosting.set(target, (list = []));
      list.push(i);
    }
  });
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
    const needs = requires.get(resource)!;
    if (resources[resource]!.scope === 'global') {
      const taken: Taken = new Map();
      for (let i = 0; i < count; i++) {
        const id = table[i]!;
        if (Number.isNaN(id)) continue;
        const holder = taken.get(id);
        if (holder !== undefined) {
          table[i] = Number.NaN;
          warnings.push(`${resource}: services "${names[holder]}" and "${names[i]}" both held ID ${id}; "${names[i]}" gets a fresh ID`);
        } else taken.set(id, i);
      }
      let cursor = pool.startIndex(lastAssignments.get(resource));
      for (let i = 0; i < count; i++) {
        if (needs[i] === 0 || !Number.isNaN(table[i]!)) continue;
        if (taken.size >= pool.size) throw depleted(pool, names[i]!, undefined);
        let index = cursor;
        while (taken.has(pool.valueAt(index))) index = index + 1 >= pool.size ? 0 : index + 1;
        const id = pool.valueAt(index);
        table[i] = id;
        taken.set(id, i);
        lastAssignments.set(resource, id);
        cursor = index + 1 >= pool.size ? 0 : index + 1;
        stats.assigned++;
      }
    } else {
      const takenOn = new Map<string, Taken>(hostingTargets.map((target) => [target, new Map()]));
      for (let i = 0; i < count; i++) {
        const id = table[i]!;
        if (Number.isNaN(id)) continue;
        const targets = targetsOf[i]!;
        const clash = targets.find((target) => takenOn.get(target)!.has(id));
        if (clash !== undefined) {
          table[i] = Number.NaN;
          const holder = names[takenOn.get(clash)!.get(id)!]!;
          warnings.push(`${resource}: services "${holder}" and "${names[i]}" both held ID ${id} on target "${clash}"; "${names[i]}" gets a fresh ID`);
        } else {
          for (const target of targets) takenOn.get(target)!.set(id, i);
        }
      }
      for (const target of hostingTargets) {
        // Created even when nothing gets assigned, as the original does.
        let memory = lastPerTarget.get(target);
        if (!memory) lastPerTarget.set(target, (memory = new Map()));
        let cursor = pool.startIndex(memory.get(resource));
        for (const i of hosting.get(target)!) {
          if (needs[i] === 0 || !Number.isNaN(table[i]!)) continue;
          const takens = targetsOf[i]!.map((t) => takenOn.get(t)!);
          let index = cursor;
          let found = false;
          // Bounded walk: at most one lap of the lattice, and never more steps than IDs in use + 1.
          const limit = Math.min(pool.size, takens.reduce((sum, taken) => sum + taken.size, 0) + 1);
          for (let step = 0; step < limit; step++) {
            const candidate = pool.valueAt(index);
            if (takens.every((taken) => !taken.has(candidate))) {
              found = true;
              break;
            }
            index = index + 1 >= pool.size ? 0 : index + 1;
          }
          if (!found) throw depleted(pool, names[i]!, targetsOf[i]!);
          const id = pool.valueAt(index);
          table[i] = id;
          for (const taken of takens) taken.set(id, i);
          memory.set(resource, id);
          cursor = index + 1 >= pool.size ? 0 : index + 1;
          stats.assigned++;
        }
      }
    }
  }

  // Output, every level in sorted order; every resource appears, even without assignments.
  const ids: Ids = { ids: {}, lastAssignments: {}, lastAssignmentsPerTarget: {} };
  let total = 0;
  for (const resource of resourceNames) {
    const table = tables.get(resource)!;
    const out: Record<string, number> = {};
    for (let i = 0; i < count; i++) {
      if (Number.isNaN(table[i]!)) continue;
      out[names[i]!] = table[i]!;
      total++;
    }
    ids.ids[resource] = out;
  }
  stats.retained = total - stats.assigned;
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

/** Sorted keys, without paying for the sort when they already are (models we write are sorted). */
function sortedNames(record: object): string[] {
  const keys = Object.keys(record);
  for (let i = 1; i < keys.length; i++) {
    if (keys[i - 1]! > keys[i]!) return keys.sort(compareNames);
  }
  return keys;
}

/**
 * For each defined resource, which services in scope (by index) require IDs from it: the property
 * must be a list (anything else means "none"). Unknown resource names and non-list values are warned about.
 */
function requirements(services: Services, names: readonly string[], property: string, resourceNames: readonly string[], warnings: string[]): Map<string, Uint8Array> {
  const required = new Map(resourceNames.map((resource) => [resource, new Uint8Array(names.length)]));
  const unknown = new Map<string, string[]>();
  const notLists: string[] = [];
  names.forEach((service, i) => {
    const value = services[service]!.properties[property];
    if (value === undefined) return;
    if (!Array.isArray(value)) {
      notLists.push(service);
      return;
    }
    for (const item of value) {
      if (typeof item !== 'string') continue;
      const needs = required.get(item);
      if (needs) needs[i] = 1;
      else {
        let list = unknown.get(item);
        if (!list) unknown.set(item, (list = []));
        if (list[list.length - 1] !== service) list.push(service);
      }
    }
  });
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
