/**
 * The reference filters by their Nix names (contract §3), with the parameters each one needs. The
 * QoS layer (JSON pipelines, JS modules, Nix operation trees) runs every filter through `runFilter`,
 * which checks the parameters by name, fills in the models from the context and records the step
 * for `--explain`.
 */
import { ModelError } from '../errors.js';
import type { Distribution, Infrastructure, Services } from '../model/types.js';
import { Explainer, type StepTrace } from './common.js';
import { createCartesianProduct } from './cartesian-product.js';
import { divide } from './divide.js';
import { divideRoundRobin } from './divide-round-robin.js';
import { mapAttrOnAttr } from './map-attr-on-attr.js';
import { mapAttrOnList } from './map-attr-on-list.js';
import { mapBoundServicesToPrevious } from './map-bound-services-to-previous.js';
import { mapListOnAttr } from './map-list-on-attr.js';
import { mapStatefulToPrevious } from './map-stateful-to-previous.js';
import { order } from './order.js';
import { antiAffinity, antiAffinityParamError } from './anti-affinity.js';
import { divideResources, parseResources, type Resource } from './divide-resources.js';
import { moveBudgetError, withMoveBudget } from './moves.js';
import { parsePreferences, prefer } from './prefer.js';
import { spread, spreadParamError } from './spread.js';

/** What every filter call can fall back on. */
export interface FilterContext {
  services: Services;
  infrastructure: Infrastructure;
  initialDistribution: Distribution;
  previousDistribution: Distribution | null;
  explainer?: Explainer;
  /** `--max-moves N`: the default move budget of the dynamic planners (a step's `maxMoves` overrides it). */
  maxMoves?: number;
  /** Warnings of the planners (a move budget that had to be exceeded); the command prints them. */
  warn?: (message: string) => void;
  /** How many dynamic planner steps ran with a move budget (set by runFilter). */
  dynamicRuns?: number;
}

/** A filter call's arguments after the models are resolved. */
export interface ResolvedArgs {
  services: Services;
  infrastructure: Infrastructure;
  distribution: Distribution;
  previousDistribution: Distribution | null;
  [param: string]: unknown;
}

export interface FilterSpec {
  name: string;
  /** Required string parameters besides the models. */
  params: readonly string[];
  /** Optional parameters (checked only for unknown names in JSON pipelines). */
  optional?: readonly string[];
  /** False for filters that make a distribution from the models alone. */
  usesDistribution: boolean;
  /** False for catalogue filters whose parameters are not known (anything is accepted). */
  strictParams?: boolean;
  run(args: ResolvedArgs, trace?: StepTrace): Distribution | Promise<Distribution>;
  /** Checks of parameters that are not plain strings (lists, numbers); returns the problem, if any. */
  check?(params: Record<string, unknown>): string | undefined;
  /**
   * A dynamic planner: it takes the previous distribution and a move budget `maxMoves`
   * (docs/gendist.md, "Moves"); without one in the call, the run's `--max-moves` is used.
   */
  dynamic?: boolean;
}

const EXACT_PARAMS = ['exact', 'timeLimit'] as const;

type GraphModule = typeof import('./graph/index.js');
let graphModule: Promise<GraphModule> | undefined;
const loadGraph = () => (graphModule ??= import('./graph/index.js'));

const spec = (name: string, params: readonly string[], run: FilterSpec['run'], usesDistribution = true, optional: readonly string[] = []): FilterSpec => ({
  name,
  params,
  optional,
  usesDistribution,
  strictParams: true,
  run,
});

/** A message of a parse function's error (the `filter X: ` prefix is added by checkParams). */
const problemOf = (parse: () => unknown) => (): string | undefined => {
  try {
    parse();
    return undefined;
  } catch (error) {
    return error instanceof ModelError ? error.detail.replace(/^\w+: /, '') : String(error);
  }
};

const divideResource = (a: ResolvedArgs): Resource[] => [{ serviceProperty: String(a.serviceProperty), targetProperty: String(a.targetProperty) }];

/** The filters of issue 17 (several capacities, spread, preferences, anti-affinity): additive to the reference set. */
function placementFilters(): FilterSpec[] {
  return [
    {
      ...spec('divideResources', ['strategy'], (a, t) => withMoveBudget('divideResources', a, parseResources('divideResources', a.resources), (x, tr) => divideResources(x as never, tr), t), true, ['resources', 'maxMoves']),
      check: (p) => problemOf(() => parseResources('divideResources', p.resources))() ?? moveBudgetError(p.maxMoves),
      dynamic: true,
    },
    { ...spec('spread', ['targetProperty'], (a, t) => spread(a as never, t), true, ['instances', 'groupBy', 'narrow']), check: spreadParamError },
    { ...spec('prefer', [], (a, t) => prefer(a as never, t), true, ['preferences']), check: (p) => problemOf(() => parsePreferences(p.preferences))() },
    { ...spec('antiAffinity', [], (a, t) => antiAffinity(a as never, t), true, ['serviceNames', 'targetProperty']), check: antiAffinityParamError },
  ];
}

/** The reference filters; a fresh object (catalogues merge over it). */
export function referenceFilters(): Record<string, FilterSpec> {
  const list: FilterSpec[] = [
    spec('createCartesianProduct', [], (a) => createCartesianProduct(a), false),
    spec('mapAttrOnList', ['serviceProperty', 'targetPropertyList'], (a, t) => mapAttrOnList(a as never, t)),
    spec('mapListOnAttr', ['servicePropertyList', 'targetProperty'], (a, t) => mapListOnAttr(a as never, t)),
    spec('mapAttrOnAttr', ['serviceProperty', 'targetProperty'], (a, t) => mapAttrOnAttr(a as never, t)),
    spec('mapStatefulToPrevious', [], (a, t) => mapStatefulToPrevious(a, t)),
    spec('mapBoundServicesToPrevious', [], (a, t) => mapBoundServicesToPrevious(a, t)),
    spec('divideRoundRobin', [], (a, t) => divideRoundRobin(a, t)),
    spec('order', ['targetProperty'], (a, t) => order(a as never, t)),
    {
      ...spec('divide', ['strategy', 'serviceProperty', 'targetProperty'], (a, t) => withMoveBudget('divide', a, divideResource(a), (x, tr) => divide(x as never, tr), t), true, ['maxMoves']),
      check: (p) => moveBudgetError(p.maxMoves),
      dynamic: true,
    },
    // The graph planners: `exact` (boolean) and `timeLimit` (seconds) ask for the exact mode (docs/graph.md).
    spec('minsetcover', ['targetProperty'], async (a, t) => (await loadGraph()).graphFilter('minsetcover', a as never, t), true, EXACT_PARAMS),
    spec('multiwaycut', [], async (a, t) => (await loadGraph()).graphFilter('multiwaycut', a, t), true, EXACT_PARAMS),
    // graphcol needs no distribution; when one is given its candidates are used.
    spec('graphcol', [], async (a, t) => (await loadGraph()).graphFilter('graphcol', a, t), false, EXACT_PARAMS),
    ...placementFilters(),
  ];
  return Object.fromEntries(list.map((s) => [s.name, s]));
}

export const REFERENCE_FILTER_NAMES = Object.keys(referenceFilters());

const MODEL_ARGS = new Set(['services', 'infrastructure', 'distribution', 'previousDistribution']);

/** Checks parameters by name (missing required ones, and unknown ones when `rejectUnknown`). */
export function checkParams(filter: FilterSpec, params: Record<string, unknown>, rejectUnknown: boolean): void {
  for (const param of filter.params) {
    const value = params[param];
    if (value === undefined || value === null) throw new ModelError(undefined, undefined, `filter ${filter.name}: missing parameter "${param}"`);
    if (typeof value !== 'string') throw new ModelError(undefined, undefined, `filter ${filter.name}: parameter "${param}" must be a string`);
  }
  const problem = filter.check?.(params);
  if (problem !== undefined) throw new ModelError(undefined, undefined, `filter ${filter.name}: ${problem}`);
  if (rejectUnknown && filter.strictParams !== false) {
    const known = new Set([...filter.params, ...(filter.optional ?? [])]);
    for (const key of Object.keys(params)) {
      if (!known.has(key) && !MODEL_ARGS.has(key)) {
        throw new ModelError(undefined, undefined, `filter ${filter.name}: unknown parameter "${key}" (expected ${[...filter.params].join(', ') || 'no parameters'})`);
      }
    }
  }
}

/** Human-readable step label for --explain. */
export function label(filter: Pick<FilterSpec, 'name'>, params: Record<string, unknown>): string {
  const shown = Object.keys(params)
    .filter((k) => !MODEL_ARGS.has(k) && ['string', 'number', 'boolean'].includes(typeof params[k]))
    .map((k) => `${k}=${String(params[k])}`);
  return shown.length > 0 ? `${filter.name} ${shown.join(' ')}` : filter.name;
}

/**
 * Runs a filter. `args` holds the parameters and any models given explicitly; missing models come
 * from the context (`distribution` defaults to the initial distribution).
 */
export async function runFilter(filter: FilterSpec, args: Partial<ResolvedArgs> & Record<string, unknown>, context: FilterContext): Promise<Distribution> {
  return runFilterSync(filter, args, context);
}

/** Runs synchronously when the filter is synchronous (JS policies chain calls without await). */
export function runFilterSync(filter: FilterSpec, args: Partial<ResolvedArgs> & Record<string, unknown>, context: FilterContext): Distribution | Promise<Distribution> {
  checkParams(filter, args, false);
  const resolved: ResolvedArgs = {
    ...args,
    services: args.services ?? context.services,
    infrastructure: args.infrastructure ?? context.infrastructure,
    distribution: args.distribution ?? context.initialDistribution,
    previousDistribution: args.previousDistribution === undefined ? context.previousDistribution : args.previousDistribution,
  };
  if (filter.dynamic) {
    if (resolved.maxMoves === undefined && context.maxMoves !== undefined) resolved.maxMoves = context.maxMoves;
    if (resolved.maxMoves !== undefined && resolved.maxMoves !== null) context.dynamicRuns = (context.dynamicRuns ?? 0) + 1;
    if (context.warn) resolved.warn = context.warn;
  }
  if (!filter.usesDistribution && args.distribution === undefined) delete (resolved as Partial<ResolvedArgs>).distribution;
  const step = context.explainer?.begin(label(filter, args));
  if (!step) return filter.run(resolved, undefined);
  // A failing step is reported too (with its partial result, e.g. divide's services placed so far).
  const failed = (error: unknown): never => {
    const partial = (error as { partial?: unknown } | null)?.partial;
    step.fail(resolved.distribution, partial && typeof partial === 'object' ? (partial as Distribution) : undefined, error instanceof Error ? error.message : String(error));
    throw error;
  };
  let result: Distribution | Promise<Distribution>;
  try {
    result = filter.run(resolved, step.trace);
  } catch (error) {
    return failed(error);
  }
  if (result instanceof Promise) return result.then((r) => (step.finish(resolved.distribution, r), r), failed);
  step.finish(resolved.distribution, result);
  return result;
}
