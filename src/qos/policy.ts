/**
 * QoS policies (-q) and filter catalogues (-F): loading, merging and running them.
 * - no policy: the initial distribution;
 * - `.json`: a pipeline (pipeline.ts);
 * - `.js`/`.mjs`: a module exporting `({services, infrastructure, initialDistribution, previousDistribution, filters}) => distribution`;
 * - `.nix`: a function as in the original, its filter calls carried out by our planners (nix.ts).
 * A catalogue (Nix or JS) is merged over the reference filters (the original replaced them).
 */
import { ModelError } from '../errors.js';
import { withModelFile } from '../planners/common.js';
import { readText } from '../io/input.js';
import type { Distribution } from '../model/types.js';
import { referenceFilters, type FilterContext, type FilterSpec } from '../planners/registry.js';

export interface PolicyOptions {
  qosFile?: string;
  filtersFile?: string;
  showTrace?: boolean;
  /** The files of the run's models: a filter's error about `infrastructure.t1…` belongs to the infrastructure file. */
  modelFiles?: { services?: string; infrastructure?: string; distribution?: string };
}

type PolicyKind = 'json' | 'js' | 'nix';

async function kindOf(file: string, what: string): Promise<PolicyKind> {
  const lower = file.toLowerCase();
  if (lower.endsWith('.json')) return 'json';
  if (lower.endsWith('.js') || lower.endsWith('.mjs')) return 'js';
  if (lower.endsWith('.nix')) return 'nix';
  const { formatFromContent } = await import('../model/formats/detect.js');
  const detected = formatFromContent(await readText(file));
  if (detected === 'xml') throw new ModelError(file, undefined, `a ${what} must be a .nix, .js/.mjs or .json file`);
  return detected;
}

/**
 * Errors raised by filters carry no file: one whose path is in a model given as a file belongs to
 * that file (withModelFile), any other to the policy.
 */
function attribute(error: unknown, file: string, modelFiles: PolicyOptions['modelFiles'] = {}): unknown {
  const inModel = withModelFile(error, modelFiles);
  if (inModel !== error) return inModel;
  if (error instanceof ModelError && error.file === undefined) return new ModelError(file, error.path, error.detail);
  return error;
}

/**
 * Nix and JS policies are evaluated from files: one given as `-` (stdin) is copied to a temp file
 * (`copies`: copy → its folder) first.
 */
async function evaluable(file: string, kind: PolicyKind, copies: Map<string, string>): Promise<string> {
  if (file !== '-' || kind === 'json') return file;
  const { promises: fs } = await import('node:fs');
  const os = await import('node:os');
  const path = await import('node:path');
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dydisnix-stdin-'));
  const copy = path.join(dir, kind === 'js' ? 'stdin.mjs' : 'stdin.nix');
  copies.set(copy, dir);
  await fs.writeFile(copy, await readText('-'));
  return copy;
}

/** Errors about a temp copy of stdin name `-`, as the user wrote it. */
function fromCopies(error: unknown, copies: Map<string, string>): unknown {
  if (!(error instanceof ModelError) || copies.size === 0) return error;
  let { file, detail } = error;
  for (const copy of copies.keys()) {
    if (file === copy) file = '-';
    detail = detail.split(copy).join('<stdin>');
  }
  return file === error.file && detail === error.detail ? error : new ModelError(file, error.path, detail);
}

export async function runPolicy(context: FilterContext, options: PolicyOptions): Promise<Distribution> {
  const { qosFile, filtersFile } = options;
  if (!qosFile && !filtersFile) return context.initialDistribution;
  const qosKind = qosFile ? await kindOf(qosFile, 'QoS model') : undefined;
  const catalogueKind = filtersFile ? await kindOf(filtersFile, 'filters catalogue') : undefined;
  if (catalogueKind === 'json') throw new ModelError(filtersFile, undefined, 'a filters catalogue must be a Nix expression or a JS module');
  if (!qosFile) return context.initialDistribution;
  const copies = new Map<string, string>();
  try {
    const qos = await evaluable(qosFile, qosKind!, copies);
    const filters = filtersFile ? await evaluable(filtersFile, catalogueKind!, copies) : undefined;
    return await runKnownPolicy(context, options, qos, qosKind!, filters, catalogueKind);
  } catch (error) {
    throw fromCopies(error, copies);
  } finally {
    if (copies.size > 0) {
      const { promises: fs } = await import('node:fs');
      for (const dir of copies.values()) await fs.rm(dir, { recursive: true, force: true });
    }
  }
}

async function runKnownPolicy(
  context: FilterContext,
  options: PolicyOptions,
  qosFile: string,
  qosKind: PolicyKind,
  filtersFile: string | undefined,
  catalogueKind: PolicyKind | undefined,
): Promise<Distribution> {

  const specs: Record<string, FilterSpec> = referenceFilters();
  const needsJs = qosKind === 'js' || catalogueKind === 'js';
  const js = needsJs ? await import('./js.js') : undefined;
  const models = js ? js.jsModels(context) : undefined;
  const nix = qosKind === 'nix' || catalogueKind === 'nix' ? await import('./nix.js') : undefined;
  let jsCustomNames: string[] = [];

  if (catalogueKind === 'js') {
    const reference = await js!.jsFilters(specs, context, models!, filtersFile);
    try {
      const custom = await js!.loadJsCatalogue(filtersFile!, reference, models!, context);
      jsCustomNames = Object.keys(custom);
      Object.assign(specs, custom);
    } catch (error) {
      throw attribute(error, filtersFile!, options.modelFiles);
    }
  }
  const session = nix ? new nix.NixSession(context, { ...(options.showTrace ? { showTrace: true } : {}), ...(catalogueKind === 'nix' ? { filtersFile: filtersFile! } : {}), jsFilterNames: jsCustomNames }) : undefined;
  try {
    if (catalogueKind === 'nix' && qosKind !== 'nix') {
      Object.assign(specs, await nix!.nixCatalogueSpecs(filtersFile!, specs, context, session!));
    }
    switch (qosKind) {
      case 'json': {
        const { parsePipeline, runPipeline } = await import('./pipeline.js');
        const { parseJsonDocument } = await import('../model/formats/json.js');
        const document = parseJsonDocument(await readText(qosFile), qosFile, 'qos');
        return await runPipeline(parsePipeline(document, qosFile, specs), specs, context);
      }
      case 'js':
        return await js!.runJsQos(qosFile, await js!.jsFilters(specs, context, models!, qosFile), models!);
      case 'nix':
        return await nix!.runNixQos(qosFile, specs, context, session!);
      default:
        return context.initialDistribution;
    }
  } catch (error) {
    throw attribute(error, qosFile, options.modelFiles);
  } finally {
    await session?.dispose();
  }
}
