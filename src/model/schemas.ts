/**
 * The edge between raw documents and typed models: the conversion of the JSON shapes
 * (docs/ARCHITECTURE.md) to the types of types.ts. Every reader funnels through here, so every
 * format gets the same strictness and the same messages.
 *
 * The zod schemas in schemas-zod.ts are the definition of what is accepted. The plain-structure
 * checks here (isPlain*) accept only documents those schemas accept unchanged, so valid input never
 * loads zod (start-up, docs/BENCHMARKS.md); anything they cannot vouch for goes through zod, which
 * then either returns the parsed document or explains the rejection.
 */
import { ModelError } from '../errors.js';
import { modelPath } from './path.js';
import { parseWith, type Parsed } from './schemas-zod.js';
import type { DocsConfig, Distribution, IdResources, Ids, Infrastructure, Mapping, Service, Services, Target } from './types.js';
import { isAttrs, isGenericValue, type Attrs, type Value } from './value.js';

/**
 * Recursively drop nulls: the original has no representation for them. A value without any is
 * returned as it is rather than copied (the raw document is dropped after conversion, and a 100k
 * service model has ~1M such values: the copies were a good part of the conversion's GC).
 */
function cleanValue(value: unknown): Value | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value !== 'object') return value as Value;
  if (!hasNull(value)) return value as Value;
  if (Array.isArray(value)) return value.map(cleanValue).filter((v): v is Value => v !== undefined);
  return cleanAttrs(value as Record<string, unknown>);
}

function hasNull(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  if (typeof value !== 'object') return false;
  if (Array.isArray(value)) {
    for (const item of value) if (hasNull(item)) return true;
    return false;
  }
  for (const key in value) {
    // A "__proto__" key is copied by cleanAttrs as before (an own property, never the prototype).
    if (key === '__proto__' || hasNull((value as Record<string, unknown>)[key])) return true;
  }
  return false;
}

function cleanAttrs(record: Record<string, unknown>): Attrs {
  const out: Attrs = {};
  for (const [key, value] of Object.entries(record)) {
    const cleaned = cleanValue(value);
    if (cleaned !== undefined) out[key] = cleaned;
  }
  return out;
}

const SERVICE_FIELDS = new Set(['name', 'type', 'pkg', 'dependsOn', 'connectsTo', 'activatesAfter']);

export function servicesFromRaw(raw: unknown, file: string): Services {
  // The zod schema is the definition; the fast check only lets models through that it would accept
  // unchanged, and zod then runs only to explain a failure (100k-service models, see BENCHMARKS).
  const parsed = (isPlainServices(raw) ? raw : parseWith('services', raw, file)) as Parsed<'services'>;
  const services: Services = {};
  for (const key in parsed) {
    const entry = parsed[key]!;
    if (entry.name != null && entry.name !== key) {
      throw new ModelError(file, modelPath('services', [key, 'name']), `name "${entry.name}" must equal the attribute name "${key}"`);
    }
    const properties: Attrs = {};
    for (const prop in entry) {
      if (SERVICE_FIELDS.has(prop)) continue;
      if (prop === '__proto__') throw new ModelError(file, modelPath('services', [key]), 'the attribute name "__proto__" is reserved');
      const cleaned = cleanValue((entry as Record<string, unknown>)[prop]);
      if (cleaned !== undefined) properties[prop] = cleaned;
    }
    const service: Service = {
      name: key,
      dependsOn: entry.dependsOn ?? [],
      connectsTo: entry.connectsTo ?? [],
      activatesAfter: entry.activatesAfter ?? [],
      properties,
    };
    if (entry.type != null) service.type = entry.type;
    if (entry.pkg != null) service.pkg = entry.pkg;
    services[key] = service;
  }
  return services;
}

/** True only for distributions the zod schema accepts as they are (fast path for large models). */
export function isPlainDistribution(raw: unknown): boolean {
  if (!isPlainObject(raw)) return false;
  for (const key in raw) {
    if (key === '__proto__') return false; // left to zod, which copies records (schemas-fast.test.ts)
    const targets = raw[key];
    if (!Array.isArray(targets)) return false;
    for (const item of targets) {
      if (typeof item === 'string') continue;
      if (!isPlainObject(item) || typeof item.target !== 'string') return false;
      for (const field in item) {
        if (field === 'target') continue;
        if (field !== 'container' || (item.container !== null && typeof item.container !== 'string')) return false;
      }
    }
  }
  return true;
}

const TEXT_FIELDS = new Set(['name', 'type', 'pkg', 'group', 'description', 'providesContainer']);
const NAME_LIST_FIELDS = new Set(['dependsOn', 'connectsTo', 'activatesAfter', 'requiresUniqueIdsFor']);
const BOOL_FIELDS = new Set(['stateful', 'deployState']);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

const isStringList = (value: unknown) => Array.isArray(value) && value.every((item) => typeof item === 'string');

/** True only for inputs serviceSchema accepts as they are (a subset check; zod explains the rest). */
export function isPlainServices(raw: unknown): boolean {
  if (!isPlainObject(raw)) return false;
  for (const key in raw) {
    if (key === '__proto__') return false; // left to zod, which copies records (schemas-fast.test.ts)
    const entry = raw[key];
    if (!isPlainObject(entry)) return false;
    for (const field in entry) {
      const value = entry[field];
      if (value === null || value === undefined) {
        if (value === undefined && !TEXT_FIELDS.has(field) && !NAME_LIST_FIELDS.has(field) && !BOOL_FIELDS.has(field) && field !== 'providesContainers') return false;
        continue;
      }
      if (TEXT_FIELDS.has(field)) {
        if (typeof value !== 'string') return false;
      } else if (NAME_LIST_FIELDS.has(field)) {
        if (!isStringList(value)) return false;
      } else if (BOOL_FIELDS.has(field)) {
        if (typeof value !== 'boolean') return false;
      } else if (field === 'providesContainers') {
        if (!isPlainObject(value) || !Object.values(value).every((c) => isPlainObject(c) && Object.values(c).every(isGenericValue))) return false;
      } else if (!isGenericValue(value)) {
        return false;
      }
    }
  }
  return true;
}

/** A record the zod schemas accept key by key; `__proto__` keys are left to zod (it copies records). */
function isPlainRecord(value: unknown, isEntry: (entry: unknown) => boolean): boolean {
  if (!isPlainObject(value)) return false;
  for (const key in value) {
    if (key === '__proto__' || !isEntry(value[key])) return false;
  }
  return true;
}

/** An object whose every attribute is known and valid; absent, null and undefined are all "not given". */
function hasOnlyFields(value: unknown, fields: Record<string, (field: unknown) => boolean>): boolean {
  if (!isPlainObject(value)) return false;
  for (const key in value) {
    const field = value[key];
    if (!Object.hasOwn(fields, key)) return false;
    if (field !== null && field !== undefined && !fields[key]!(field)) return false;
  }
  return true;
}

const isString = (value: unknown) => typeof value === 'string';
const isInteger = (value: unknown) => Number.isSafeInteger(value);
const isGenericAttrs = (value: unknown) => isPlainRecord(value, isGenericValue);

const TARGET_FIELDS = {
  properties: isGenericAttrs,
  containers: (value: unknown) => isPlainRecord(value, isGenericAttrs),
  system: isString,
  numOfCores: (value: unknown) => isInteger(value) && (value as number) >= 1,
  clientInterface: isString,
  targetProperty: isString,
};
const ID_RESOURCE_FIELDS = {
  min: isInteger,
  max: isInteger,
  scope: (value: unknown) => value === 'global' || value === 'machine' || value === '',
  step: (value: unknown) => isInteger(value) && (value as number) >= 0,
};
const isIdTable = (value: unknown) => isPlainRecord(value, isInteger);
const IDS_FIELDS = {
  ids: (value: unknown) => isPlainRecord(value, isIdTable),
  lastAssignments: isIdTable,
  lastAssignmentsPerTarget: (value: unknown) => isPlainRecord(value, isIdTable),
};
const isStringRecord = (value: unknown) => isPlainRecord(value, isString);
const DOCS_FIELDS = { groups: isStringRecord, fields: isStringList, descriptions: isStringRecord };

/** True only for documents the infrastructure schema accepts as they are. */
export const isPlainInfrastructure = (raw: unknown) => isPlainRecord(raw, (target) => hasOnlyFields(target, TARGET_FIELDS));
/** True only for documents the ID resources schema accepts as they are. */
export const isPlainIdResources = (raw: unknown) => isPlainRecord(raw, (resource) => hasOnlyFields(resource, ID_RESOURCE_FIELDS));
/** True only for documents the IDs schema accepts as they are. */
export const isPlainIds = (raw: unknown) => hasOnlyFields(raw, IDS_FIELDS);
/** True only for documents the docs config schema accepts as they are. */
export const isPlainDocs = (raw: unknown) => hasOnlyFields(raw, DOCS_FIELDS);

export function infrastructureFromRaw(raw: unknown, file: string): Infrastructure {
  const parsed = (isPlainInfrastructure(raw) ? raw : parseWith('infrastructure', raw, file)) as Parsed<'infrastructure'>;
  const infrastructure: Infrastructure = {};
  for (const [name, entry] of Object.entries(parsed)) {
    const containers: Record<string, Attrs> = {};
    for (const [container, props] of Object.entries(entry.containers ?? {})) containers[container] = cleanAttrs(props);
    const target: Target = { name, properties: cleanAttrs(entry.properties ?? {}), containers };
    if (entry.system != null) target.system = entry.system;
    if (entry.numOfCores != null) target.numOfCores = entry.numOfCores;
    if (entry.clientInterface != null) target.clientInterface = entry.clientInterface;
    if (entry.targetProperty != null) target.targetProperty = entry.targetProperty;
    infrastructure[name] = target;
  }
  return infrastructure;
}

export function distributionFromRaw(raw: unknown, file: string): Distribution {
  const parsed = (isPlainDistribution(raw) ? raw : parseWith('distribution', raw, file)) as Parsed<'distribution'>;
  const distribution: Distribution = {};
  // Candidate distributions repeat a few target names millions of times: plain mappings are shared,
  // frozen objects (one per target) rather than one allocation per candidate.
  const plain = new Map<string, Mapping>();
  const plainMapping = (target: string): Mapping => {
    let mapping = plain.get(target);
    if (!mapping) plain.set(target, (mapping = Object.freeze({ target })));
    return mapping;
  };
  for (const [service, targets] of Object.entries(parsed)) {
    const items = Array.isArray(targets) ? targets : targets.targets;
    distribution[service] = items.map((item): Mapping =>
      typeof item === 'string' ? plainMapping(item) : item.container != null ? Object.freeze({ target: item.target, container: item.container }) : plainMapping(item.target),
    );
  }
  return distribution;
}

export function idResourcesFromRaw(raw: unknown, file: string): IdResources {
  const parsed = (isPlainIdResources(raw) ? raw : parseWith('idresources', raw, file)) as Parsed<'idresources'>;
  const resources: IdResources = {};
  for (const [name, entry] of Object.entries(parsed)) {
    // Original defaults: an empty scope means global, a missing or zero step means 1.
    resources[name] = { min: entry.min ?? 0, max: entry.max ?? 0, scope: entry.scope === 'machine' ? 'machine' : 'global', step: entry.step || 1 };
  }
  return resources;
}

export function idsFromRaw(raw: unknown, file: string): Ids {
  const parsed = (isPlainIds(raw) ? raw : parseWith('ids', raw, file)) as Parsed<'ids'>;
  return {
    ids: parsed.ids ?? {},
    lastAssignments: parsed.lastAssignments ?? {},
    lastAssignmentsPerTarget: parsed.lastAssignmentsPerTarget ?? {},
  };
}

export function docsConfigFromRaw(raw: unknown, file: string): DocsConfig {
  const parsed = (isPlainDocs(raw) ? raw : parseWith('docs', raw, file)) as Parsed<'docs'>;
  return { groups: parsed.groups ?? {}, fields: parsed.fields ?? [], descriptions: parsed.descriptions ?? {} };
}

export { isAttrs };
