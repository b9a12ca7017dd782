/** Accessors for the reserved service properties the tools interpret. */
import type { Service } from './types.js';
import { isAttrs, sortedKeys, type Attrs } from './value.js';

/** The `/`-separated group path, `""` for the root. */
export function serviceGroup(service: Service): string {
  const group = service.properties.group;
  return typeof group === 'string' ? group : '';
}

export function serviceDescription(service: Service): string | undefined {
  const description = service.properties.description;
  return typeof description === 'string' ? description : undefined;
}

/**
 * Containers this service provides, by name, with their properties. `providesContainer = "c"` makes
 * every non-reserved property a property of `c` (reference §2.1).
 */
export function providedContainers(service: Service): Record<string, Attrs> {
  const single = service.properties.providesContainer;
  if (typeof single === 'string' && single !== '') {
    const props: Attrs = {};
    for (const key of sortedKeys(service.properties)) {
      if (!RESERVED_SERVICE_PROPERTIES.has(key)) props[key] = service.properties[key]!;
    }
    return { [single]: props };
  }
  const many = service.properties.providesContainers;
  if (isAttrs(many)) {
    const result: Record<string, Attrs> = {};
    for (const key of sortedKeys(many)) {
      const value = many[key];
      result[key] = isAttrs(value) ? value : {};
    }
    return result;
  }
  return {};
}

/** Ordering dependencies: dependsOn plus activatesAfter, deduplicated, in order. */
export function orderingDependencies(service: Service): string[] {
  return [...new Set([...service.dependsOn, ...service.activatesAfter])];
}

export const RESERVED_SERVICE_PROPERTIES = new Set([
  'name',
  'type',
  'pkg',
  'dependsOn',
  'connectsTo',
  'activatesAfter',
  'group',
  'description',
  'providesContainer',
  'providesContainers',
  'deployState',
  'stateful',
  'requiresUniqueIdsFor',
]);
