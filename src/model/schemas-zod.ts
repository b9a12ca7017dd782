/**
 * The zod schemas of the JSON shapes (docs/ARCHITECTURE.md): the definition of what each model
 * accepts, and the error path that explains a rejected document with a model path.
 *
 * zod costs ~0.1–0.16 s to load, more than a whole small run may take (docs/BENCHMARKS.md), so it is
 * loaded only when the plain-structure checks of schemas.ts cannot vouch for a document: then
 * synchronously, through require() of the installed package (the typed-model functions stay
 * synchronous), and the schemas are built once. Only types are imported statically.
 */
import { createRequire } from 'node:module';
import type { z as Z } from 'zod';
import { ModelError } from '../errors.js';
import { modelPath, type PathSegment } from './path.js';
import type { ModelKind } from './types.js';
import { isGenericValue } from './value.js';

type Zod = typeof Z;

function defineSchemas(z: Zod) {
  /** Any JSON-like value; nulls are accepted here and dropped on conversion (as the original drops them). */
  const genericValue = z.custom<unknown>(isGenericValue, {
    error: 'expected a string, number, boolean, list or attrset',
  });

  const text = z.string().nullish();
  const nameList = z.array(z.string()).nullish();
  const attrsOf = <T extends Z.ZodType>(schema: T) => z.record(z.string(), schema);

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

  // The original's defaults: a missing min or max means 0 (docs/ids.md); min > max is still refused.
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

  return {
    services: attrsOf(serviceSchema),
    infrastructure: attrsOf(targetSchema),
    distribution: attrsOf(targetsSchema),
    idresources: attrsOf(idResourceSchema),
    ids: idsSchema,
    docs: docsSchema,
  } as const;
}

type Schemas = ReturnType<typeof defineSchemas>;
/** What the schema of `kind` returns for an accepted document. */
export type Parsed<K extends ModelKind> = Z.infer<Schemas[K]>;

let schemas: Schemas | undefined;
function loadSchemas(): Schemas {
  if (!schemas) {
    const { z } = createRequire(import.meta.url)('zod') as { z: Zod };
    schemas = defineSchemas(z);
  }
  return schemas;
}

/** Validate `raw` with the zod schema of `kind`; a rejection is a ModelError naming the model path. */
export function parseWith<K extends ModelKind>(kind: K, raw: unknown, file: string): Parsed<K> {
  const result = loadSchemas()[kind].safeParse(raw);
  if (result.success) return result.data as Parsed<K>;
  const issue = innermostIssue(result.error.issues[0]!);
  throw new ModelError(file, modelPath(kind, issue.path as PathSegment[]), describeIssue(issue, raw));
}

/**
 * A union (a distribution's targets, a mapping) reports only "expected A or B" at its own path. When
 * one alternative got further into the value than the others (a list whose item is wrong, an item
 * whose container is a number), that alternative's issue says what is wrong and where.
 */
function innermostIssue(issue: Z.core.$ZodIssue): Z.core.$ZodIssue {
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) return issue;
  let best: Z.core.$ZodIssue | undefined;
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

function describeIssue(issue: Z.core.$ZodIssue, raw: unknown): string {
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
