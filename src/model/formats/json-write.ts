/** Canonical JSON forms: keys sorted byte-wise at every level, 2-space indentation, final newline. */
import type { DocsConfig, Distribution, IdResources, Ids, Infrastructure, Services } from '../types.js';
import { compareNames, sortedKeys } from '../value.js';

export function canonicalJson(value: unknown): string {
  return `${JSON.stringify(sortDeep(value), null, 2)}\n`;
}

export function sortDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortDeep);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of sortedKeys(value)) {
      const child = (value as Record<string, unknown>)[key];
      if (child !== undefined) out[key] = sortDeep(child);
    }
    return out;
  }
  return value;
}

export function servicesToJsonShape(services: Services): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of sortedKeys(services)) {
    const service = services[name]!;
    const fields: Record<string, unknown> = { name, dependsOn: service.dependsOn, connectsTo: service.connectsTo };
    if (service.type !== undefined) fields.type = service.type;
    if (service.pkg !== undefined) fields.pkg = service.pkg;
    if (service.activatesAfter.length > 0) fields.activatesAfter = service.activatesAfter;
    // Build the entry with its keys already in order, so canonicalJson has nothing left to sort.
    const entry: Record<string, unknown> = {};
    for (const key of [...Object.keys(service.properties), ...Object.keys(fields)].sort(compareNames)) {
      entry[key] = Object.hasOwn(fields, key) ? fields[key] : sortDeep(service.properties[key]);
    }
    out[name] = entry;
  }
  return out;
}

export function infrastructureToJsonShape(infrastructure: Infrastructure): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of sortedKeys(infrastructure)) {
    const { name: _name, ...target } = infrastructure[name]!;
    out[name] = target;
  }
  return out;
}

export function distributionToJsonShape(distribution: Distribution): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of sortedKeys(distribution)) {
    out[name] = distribution[name]!.map((m) => (m.container === undefined ? m.target : { target: m.target, container: m.container }));
  }
  return out;
}

/** Already in canonical order: skip the generic deep sort. */
export const servicesToJson = (s: Services) => `${JSON.stringify(servicesToJsonShape(s), null, 2)}\n`;
export const infrastructureToJson = (i: Infrastructure) => canonicalJson(infrastructureToJsonShape(i));
export const distributionToJson = (d: Distribution) => canonicalJson(distributionToJsonShape(d));
export const idResourcesToJson = (r: IdResources) => canonicalJson(r);
export const idsToJson = (ids: Ids) => canonicalJson(ids);
export const docsConfigToJson = (d: DocsConfig) => canonicalJson(d);
