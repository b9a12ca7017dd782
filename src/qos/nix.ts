/**
 * Nix policies. A Nix QoS model is evaluated once (nix/gendist/qos.nix); its `filters.*` calls
 * return operation descriptions, which are carried out here bottom-up by the TypeScript planners.
 * Catalogue filters written in Nix run in Nix; when they get an operation (a filter result not
 * computed yet) they become an operation "nix" that is evaluated again with the concrete data.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ModelError } from '../errors.js';
import type { Distribution } from '../model/types.js';
import { label, runFilter, type FilterContext, type FilterSpec, type ResolvedArgs } from '../planners/registry.js';
import { distributionFromShape, distributionShape, infrastructureShape, servicesShape } from './shapes.js';

/** A temp folder holding the run's models as JSON for the Nix side; `dispose` removes it. */
export class NixSession {
  private dir: string | undefined;
  private inputFile: string | undefined;
  private counter = 0;

  constructor(
    private readonly context: FilterContext,
    readonly options: { showTrace?: boolean; filtersFile?: string; jsFilterNames?: string[] },
  ) {}

  private async input(): Promise<string> {
    if (this.inputFile) return this.inputFile;
    this.dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dydisnix-qos-'));
    this.inputFile = path.join(this.dir, 'input.json');
    const { context } = this;
    await fs.writeFile(
      this.inputFile,
      JSON.stringify({
        services: servicesShape(context.services),
        infrastructure: infrastructureShape(context.infrastructure),
        initialDistribution: distributionShape(context.initialDistribution),
        previousDistribution: context.previousDistribution ? distributionShape(context.previousDistribution) : null,
      }),
    );
    return this.inputFile;
  }

  private async argstrs(): Promise<Record<string, string>> {
    const out: Record<string, string> = { inputFile: await this.input() };
    if (this.options.filtersFile) out.filtersFile = path.resolve(this.options.filtersFile);
    if (this.options.jsFilterNames?.length) out.jsFilterNames = JSON.stringify(this.options.jsFilterNames);
    return out;
  }

  async eval(entry: string, extra: Record<string, string>, file: string): Promise<unknown> {
    const { evalNixExpression } = await import('../model/formats/nix-eval.js');
    return evalNixExpression(`import <dydisnix/gendist/${entry}>`, {
      argstrs: { ...(await this.argstrs()), ...extra },
      file,
      ...(this.options.showTrace ? { showTrace: true } : {}),
    });
  }

  async writeArgs(value: unknown): Promise<string> {
    await this.input();
    const file = path.join(this.dir!, `args-${this.counter++}.json`);
    await fs.writeFile(file, JSON.stringify(value));
    return file;
  }

  async dispose(): Promise<void> {
    if (this.dir) await fs.rm(this.dir, { recursive: true, force: true });
  }
}

const MODEL_NAMES = ['services', 'infrastructure', 'previousDistribution'] as const;
/** The attributes of an operation description (nix/gendist/filters.nix). */
const OP_KEYS = new Set(['__dydisnixOp', 'args', 'models']);

function isOp(value: unknown): value is { __dydisnixOp: string; args?: Record<string, unknown>; models?: string[]; filter?: string } {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && typeof (value as { __dydisnixOp?: unknown }).__dydisnixOp === 'string';
}

/** Carries out an operation tree (or plain distribution data) from a Nix evaluation. */
export async function executeTree(node: unknown, specs: Record<string, FilterSpec>, context: FilterContext, session: NixSession, file: string, where = 'result'): Promise<Distribution> {
  if (!isOp(node)) return distributionFromShape(node, file, where);
  const name = node.__dydisnixOp;
  // `filters.order {…} // { svc = …; }` merges data into an operation: the data would be lost.
  const added = Object.keys(node).filter((key) => !OP_KEYS.has(key) && !(key === 'filter' && name === 'nix'));
  if (added.length > 0) {
    throw new ModelError(
      file,
      where,
      `the policy changed the result of filters.${name === 'nix' ? String(node.filter) : name} in Nix (it added ${added.map((k) => JSON.stringify(k)).join(', ')}); filter results are operations that dydisnix carries out after evaluation, so Nix code cannot modify them: make the change with a filter (e.g. one of a catalogue, -F) or in a JS policy (see docs/gendist.md)`,
    );
  }
  const rawArgs = node.args ?? {};
  const args: Record<string, unknown> = {};
  const executed = new Set<string>();
  for (const [key, value] of Object.entries(rawArgs)) {
    if (isOp(value)) {
      args[key] = await executeTree(value, specs, context, session, file, `${where}.${key}`);
      executed.add(key);
    } else args[key] = value;
  }
  if (name === 'nix') {
    const filter = String(node.filter);
    // Results of operations go back to Nix in their JSON shape.
    for (const key of executed) args[key] = distributionShape(args[key] as Distribution);
    const step = context.explainer?.begin(label({ name: filter }, args));
    const argsFile = await session.writeArgs({ args, models: node.models ?? [] });
    const result = await session.eval('apply.nix', { filter, argsFile }, session.options.filtersFile ?? file);
    const distribution = await executeTree(result, specs, context, session, file, `${filter}(…)`);
    if (step) {
      const input = args.distribution && typeof args.distribution === 'object' ? distributionFromShape(args.distribution, file, `${where}.distribution`) : undefined;
      step.finish(input, distribution);
    }
    return distribution;
  }
  const spec = Object.hasOwn(specs, name) ? specs[name] : undefined;
  if (!spec) throw new ModelError(file, where, `unknown filter "${name}"`);
  const schemas = await import('../model/schemas.js');
  const typed: Partial<ResolvedArgs> & Record<string, unknown> = { ...args };
  if (args.distribution !== undefined && !executed.has('distribution')) typed.distribution = distributionFromShape(args.distribution, file, `${where}.distribution`);
  if (args.previousDistribution !== undefined && !executed.has('previousDistribution')) {
    typed.previousDistribution = args.previousDistribution === null ? null : distributionFromShape(args.previousDistribution, file, `${where}.previousDistribution`);
  }
  if (args.services !== undefined) typed.services = schemas.servicesFromRaw(args.services, file);
  if (args.infrastructure !== undefined) typed.infrastructure = schemas.infrastructureFromRaw(args.infrastructure, file);
  return runFilter(spec, typed, context);
}

/** Runs a Nix QoS model. */
export async function runNixQos(file: string, specs: Record<string, FilterSpec>, context: FilterContext, session: NixSession): Promise<Distribution> {
  const tree = await session.eval('qos.nix', { qosFile: path.resolve(file) }, file);
  return executeTree(tree, specs, context, session, file);
}

/** The filters of a Nix catalogue as specs for JS and JSON policies (each call evaluates Nix). */
export async function nixCatalogueSpecs(file: string, specs: Record<string, FilterSpec>, context: FilterContext, session: NixSession): Promise<Record<string, FilterSpec>> {
  const names = await session.eval('names.nix', {}, file);
  if (!Array.isArray(names)) throw new ModelError(file, undefined, 'the filters catalogue must evaluate to an attribute set of filters');
  const out: Record<string, FilterSpec> = {};
  for (const name of names as string[]) {
    out[name] = {
      name,
      params: [],
      usesDistribution: true,
      strictParams: false,
      async run(resolved: ResolvedArgs) {
        const args: Record<string, unknown> = { ...resolved };
        const models: string[] = [];
        for (const model of MODEL_NAMES) {
          const same = model === 'previousDistribution' ? resolved.previousDistribution === context.previousDistribution : resolved[model] === context[model];
          if (same) {
            models.push(model);
            delete args[model];
          }
        }
        if (args.services) args.services = servicesShape(resolved.services);
        if (args.infrastructure) args.infrastructure = infrastructureShape(resolved.infrastructure);
        if (args.previousDistribution) args.previousDistribution = distributionShape(resolved.previousDistribution as Distribution);
        if (resolved.distribution) args.distribution = distributionShape(resolved.distribution);
        const argsFile = await session.writeArgs({ args, models });
        const result = await session.eval('apply.nix', { filter: name, argsFile }, file);
        return executeTree(result, specs, context, session, file, `${name}(…)`);
      },
    };
  }
  return out;
}
