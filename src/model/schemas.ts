/**
 * The edge between raw documents and typed models: zod schemas of the JSON shapes
 * (docs/ARCHITECTURE.md), and their conversion to the types of types.ts. Every reader funnels
 * through here, so every format gets the same strictness and the same messages.
 */
import { z } from 'zod';
import { ModelError } from '../errors.js';
import { modelPath, type PathSegment } from './path.js';
import type { DocsConfig, Distribution, IdResources, Ids, Infrastructure, Mapping, ModelKind, Service, Services, Target } from './types.js';
import { isAttrs, type Attrs, type Value } from './value.js';

/** Any JSON-like value; nulls are accepted here and dropped on conversion (as the original drops them). */
const genericValue = z.custom<unknown>(isGenericValue, {
  error: 'expected a string, number, boolean, list or attrset',
});

function isGenericValue(value: unknown): boolean {
  if (value === null) return true;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value);
    case 'object':
      if (Array.isArray(value)) return value.every(isGenericValue);
      if (Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null) return false;
      return Object.values(value as object).every(isGenericValue);
    default:
      return false;
  }
}

const text = z.string().nullish();
const nameList = z.array(z.string()).nullish();
const attrsOf = <T extends z.ZodType>(schema: T) => z.record(z.string(), schema);

const serviceSchema = z
  .looseObject({
    name: text,
    type: text,
    pkg: text,
    dependsOn: nameList,
    connectsTo: nameList,
    activatesAfter: nameList,
    group: text,
    description: text,
    stateful: z.boolean().nullish(),
    deployState: z.boolean().nullish(),
    providesContainer: text,
    providesContainers: attrsOf(attrsOf(genericValue)).nullish(),
    requiresUniqueIdsFor: z.array(z.string()).nullish(),
  })
  .catchall(genericValue);

const targetSchema = z.strictObject({
  properties: attrsOf(genericValue).nullish(),
  containers: attrsOf(attrsOf(genericValue)).nullish(),
  system: text,
  numOfCores: z.number().int().min(1).nullish(),
  clientInterface: text,
  targetProperty: text,
});

const mappingSchema = z.union([z.string(), z.strictObject({ target: z.string(), container: text })], {
  error: 'expected a target name or { "target": …, "container": … }',
});
const targetsSchema = z.union([z.array(mappingSchema), z.strictObject({ targets: z.array(mappingSchema) })], {
  error: 'expected a list of targets or { "targets": [...] }',
});

// The original's defaults: a missing min or max means 0 (reference §2.7); min > max is still refused.
const idResourceSchema = z.strictObject({
  min: z.number().int().nullish(),
  max: z.number().int().nullish(),
  scope: z.enum(['global', 'machine', '']).nullish(),
  step: z.number().int().min(0).nullish(),
});

const idsSchema = z.strictObject({
  ids: attrsOf(attrsOf(z.number().int())).nullish(),
  lastAssignments: attrsOf(z.number().int()).nullish(),
  lastAssignmentsPerTarget: attrsOf(attrsOf(z.number().int())).nullish(),
});

const docsSchema = z.strictObject({
  groups: attrsOf(z.string()).nullish(),
  fields: z.array(z.string()).nullish(),
  descriptions: attrsOf(z.string()).nullish(),
});

const SCHEMAS = {
  services: attrsOf(serviceSchema),
  infrastructure: attrsOf(targetSchema),
  distribution: attrsOf(targetsSchema),
  idresources: attrsOf(idResourceSchema),
  ids: idsSchema,
  docs: docsSchema,
} as const;

function parseWith<K extends ModelKind>(kind: K, raw: unknown, file: string): z.infer<(typeof SCHEMAS)[K]> {
  const result = SCHEMAS[kind].safeParse(raw);
  if (result.success) return result.data as z.infer<(typeof SCHEMAS)[K]>;
  const issue = innermostIssue(result.error.issues[0]!);
  throw new ModelError(file, modelPath(kind, issue.path as PathSegment[]), describeIssue(issue, raw));
}

/**
 * A union (a distribution's targets, a mapping) reports only "expected A or B" at its own path. When
 * one alternative got further into the value than the others (a list whose item is wrong, an item
 * whose container is a number), that alternative's issue says what is wrong and where.
 */
function innermostIssue(issue: z.core.$ZodIssue): z.core.$ZodIssue {
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) return issue;
  let best: z.core.$ZodIssue | undefined;
  let tie = false;
  for (const alternative of issue.errors) {
    const first = alternative[0];
    if (!first) continue;
    if (!best || first.path.length > best.path.length) (best = first), (tie = false);
    else if (first.path.length === best.path.length) tie = true;
  }
  if (!best || best.path.length === 0 || tie) return issue;
  return innermostIssue({ ...best, path: [...issue.path, ...best.path] });
}

function describeIssue(issue: z.core.$ZodIssue, raw: unknown): string {
  const got = valueAt(raw, issue.path as PathSegment[]);
  switch (issue.code) {
    case 'invalid_type':
      return got.found ? `expected ${article(issue.expected)}, got ${describeValue(got.value)}` : `missing required attribute (expected ${article(issue.expected)})`;
    case 'unrecognized_keys':
      return `unknown attribute${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}`;
    case 'invalid_value':
      return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, got ${describeValue(got.value)}`;
    case 'too_small':
      return `expected a value >= ${String(issue.minimum)}, got ${describeValue(got.value)}`;
    default:
      return got.found ? `${issue.message}, got ${describeValue(got.value)}` : issue.message;
  }
}

function article(expected: string): string {
  const names: Record<string, string> = {
    string: 'a string',
    number: 'a number',
    int: 'an integer',
    boolean: 'a boolean',
    array: 'a list',
    object: 'an attrset',
    record: 'an attrset',
  };
  return names[expected] ?? expected;
}

function valueAt(raw: unknown, path: PathSegment[]): { found: boolean; value: unknown } {
  let current = raw;
  for (const segment of path) {
    if (current === null || typeof current !== 'object' || !(segment in (current as object))) return { found: false, value: undefined };
    current = (current as Record<string | number, unknown>)[segment];
  }
  return { found: true, value: current };
}

export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return `string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === 'number') return Number.isInteger(value) ? `integer ${value}` : `number ${value}`;
  if (typeof value === 'object') return 'an attrset';
  return `${typeof value} ${String(value)}`;
}

/** Recursively drop nulls: the original has no representation for them. */
function cleanValue(value: unknown): Value | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value !== 'object') return value as Value;
  if (Array.isArray(value)) return value.map(cleanValue).filter((v): v is Value => v !== undefined);
  if (typeof value === 'object') return cleanAttrs(value as Record<string, unknown>);
  return value as Value;
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
  const parsed = (isPlainServices(raw) ? raw : parseWith('services', raw, file)) as z.infer<(typeof SCHEMAS)['services']>;
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

export function infrastructureFromRaw(raw: unknown, file: string): Infrastructure {
  const parsed = parseWith('infrastructure', raw, file);
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
  const parsed = (isPlainDistribution(raw) ? raw : parseWith('distribution', raw, file)) as z.infer<(typeof SCHEMAS)['distribution']>;
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
  const parsed = parseWith('idresources', raw, file);
  const resources: IdResources = {};
  for (const [name, entry] of Object.entries(parsed)) {
    // Original defaults: an empty scope means global, a missing or zero step means 1.
    resources[name] = { min: entry.min ?? 0, max: entry.max ?? 0, scope: entry.scope === 'machine' ? 'machine' : 'global', step: entry.step || 1 };
  }
  return resources;
}

export function idsFromRaw(raw: unknown, file: string): Ids {
  const parsed = parseWith('ids', raw, file);
  return {
    ids: parsed.ids ?? {},
    lastAssignments: parsed.lastAssignments ?? {},
    lastAssignmentsPerTarget: parsed.lastAssignmentsPerTarget ?? {},
  };
}

export function docsConfigFromRaw(raw: unknown, file: string): DocsConfig {
  const parsed = parseWith('docs', raw, file);
  return { groups: parsed.groups ?? {}, fields: parsed.fields ?? [], descriptions: parsed.descriptions ?? {} };
}

export { isAttrs };
