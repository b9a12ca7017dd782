/**
 * JS policies: the `filters` object a JS QoS module or catalogue gets (one object argument per
 * filter, contract §3), JS QoS modules, and JS filter catalogues.
 *
 * Filters take and return distributions in their JSON shape (`{ svc: ["t1"] }`). Omitted models
 * default to the ones of the run (`distribution` to the initial distribution). Synchronous filters
 * return a distribution, so calls chain without `await`; asynchronous ones (graph planners, Nix
 * catalogue filters) return a promise, and every filter accepts promises as arguments.
 */
import { pathToFileURL } from 'node:url';
import path from 'node:path';
import { DydisnixError, ModelError } from '../errors.js';
import type { Distribution } from '../model/types.js';
import { plainCopy } from '../model/plain.js';
import { runFilterSync, type FilterContext, type FilterSpec, type ResolvedArgs } from '../planners/registry.js';
import { distributionFromShape, distributionShape, infrastructureShape, servicesShape } from './shapes.js';

export type JsFilter = (args?: Record<string, unknown>) => unknown;

/** The JS images of the run's models; filters recognise them and use the typed models directly. */
export interface JsModels {
  services: Record<string, unknown>;
  infrastructure: Record<string, unknown>;
  initialDistribution: unknown;
  previousDistribution: unknown;
}

export function jsModels(context: FilterContext): JsModels {
  return {
    services: servicesShape(context.services),
    infrastructure: infrastructureShape(context.infrastructure),
    initialDistribution: distributionShape(context.initialDistribution),
    previousDistribution: context.previousDistribution ? distributionShape(context.previousDistribution) : null,
  };
}

const isThenable = (value: unknown): value is PromiseLike<unknown> =>
  value !== null && (typeof value === 'object' || typeof value === 'function') && typeof (value as { then?: unknown }).then === 'function';

async function awaitArgs(args: Record<string, unknown>): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(args)) out[key] = isThenable(value) ? await value : value;
  return out;
}

let schemasModule: Promise<typeof import('../model/schemas.js')> | undefined;
async function loadSchemas() {
  schemasModule ??= import('../model/schemas.js');
  return { schemas: await schemasModule };
}

function typedArgs(args: Record<string, unknown>, models: JsModels, file: string | undefined, schemas: typeof import('../model/schemas.js')): Partial<ResolvedArgs> & Record<string, unknown> {
  const out: Record<string, unknown> = { ...args };
  if (args.services !== undefined) out.services = args.services === models.services ? undefined : schemas.servicesFromRaw(args.services, file ?? 'services');
  if (args.infrastructure !== undefined) out.infrastructure = args.infrastructure === models.infrastructure ? undefined : schemas.infrastructureFromRaw(args.infrastructure, file ?? 'infrastructure');
  if (args.distribution !== undefined) out.distribution = distributionFromShape(args.distribution, file, 'distribution');
  if (args.previousDistribution !== undefined) out.previousDistribution = args.previousDistribution === null ? null : distributionFromShape(args.previousDistribution, file, 'previousDistribution');
  for (const key of Object.keys(out)) if (out[key] === undefined) delete out[key];
  return out as Partial<ResolvedArgs> & Record<string, unknown>;
}

/** The `filters` object for JS code: one function per filter spec. */
export async function jsFilters(specs: Record<string, FilterSpec>, context: FilterContext, models: JsModels, file: string | undefined): Promise<Record<string, JsFilter>> {
  const { schemas } = await loadSchemas();
  const filters: Record<string, JsFilter> = {};
  for (const [name, spec] of Object.entries(specs)) {
    filters[name] = (args = {}) => {
      if (args === null || typeof args !== 'object') throw new ModelError(file, undefined, `filters.${name}: expected one object argument`);
      const call = (plain: Record<string, unknown>) => {
        const result = runFilterSync(spec, typedArgs(plain, models, file, schemas), context);
        return result instanceof Promise ? result.then(distributionShape) : distributionShape(result);
      };
      return Object.values(args).some(isThenable) ? awaitArgs(args).then(call) : call(args);
    };
  }
  return filters;
}

export async function importDefault(file: string, what: string): Promise<unknown> {
  let module: { default?: unknown };
  try {
    module = (await import(pathToFileURL(path.resolve(file)).href)) as { default?: unknown };
  } catch (error) {
    throw new ModelError(file, undefined, `cannot load JS module: ${(error as Error).message}`);
  }
  if (typeof module.default !== 'function') throw new ModelError(file, undefined, `a JS ${what} must export a function as its default export`);
  return module.default;
}

/**
 * An exception thrown by policy code (a plain Error, a TypeError from a typo such as `filters.nope(…)`)
 * is a fault of that file: exit 2 naming it, not an internal error. Our own errors pass through.
 */
export function policyFailure(error: unknown, file: string, what: string): unknown {
  if (error instanceof DydisnixError) return error;
  const wrapped = new ModelError(file, undefined, `${what} failed: ${error instanceof Error ? error.message : String(error)}`);
  if (error instanceof Error && error.stack) wrapped.stack = error.stack; // --debug shows where
  return wrapped;
}

/** Runs a JS QoS module: `({services, infrastructure, initialDistribution, previousDistribution, filters}) => distribution`. */
export async function runJsQos(file: string, filters: Record<string, JsFilter>, models: JsModels): Promise<Distribution> {
  const qos = (await importDefault(file, 'QoS model')) as (args: Record<string, unknown>) => unknown;
  let result: unknown;
  try {
    result = await qos({ ...models, filters });
  } catch (error) {
    throw policyFailure(error, file, 'the QoS model');
  }
  // Copied even when it is one of the models it was given: policy code may have changed those.
  return distributionFromShape(plainCopy(result, file, 'result'), file, 'result');
}

/** A JS catalogue `({referenceFilters}) => ({ name: (args) => distribution })` as filter specs. */
export async function loadJsCatalogue(file: string, referenceFilters: Record<string, JsFilter>, models: JsModels, context: FilterContext): Promise<Record<string, FilterSpec>> {
  const make = (await importDefault(file, 'filters catalogue')) as (args: Record<string, unknown>) => unknown;
  let catalogue: unknown;
  try {
    catalogue = await make({ referenceFilters });
  } catch (error) {
    throw policyFailure(error, file, 'the filters catalogue');
  }
  if (catalogue === null || typeof catalogue !== 'object' || Array.isArray(catalogue)) throw new ModelError(file, undefined, 'the catalogue function must return an object of filters');
  const specs: Record<string, FilterSpec> = {};
  for (const [name, fn] of Object.entries(catalogue as Record<string, unknown>)) {
    if (typeof fn !== 'function') throw new ModelError(file, name, `a filter must be a function, got ${typeof fn}`);
    if (referenceFilters[name] === fn) continue; // `...referenceFilters` re-exported unchanged
    specs[name] = {
      name,
      params: [],
      usesDistribution: true,
      strictParams: false,
      async run(args: ResolvedArgs) {
        const jsArgs: Record<string, unknown> = {
          ...args,
          services: args.services === context.services ? models.services : servicesShape(args.services),
          infrastructure: args.infrastructure === context.infrastructure ? models.infrastructure : infrastructureShape(args.infrastructure),
          distribution: distributionShape(args.distribution),
          previousDistribution: args.previousDistribution ? distributionShape(args.previousDistribution) : null,
        };
        let result: unknown;
        try {
          result = await (fn as (a: Record<string, unknown>) => unknown)(jsArgs);
        } catch (error) {
          throw policyFailure(error, file, `filter ${name}`);
        }
        return distributionFromShape(plainCopy(result, file, `${name}(…)`), file, `${name}(…)`);
      },
    };
  }
  return specs;
}

