/**
 * The jobs behind the visualisation commands, called by the thin commander programs in src/cli/.
 * Model loading is imported lazily so that `--help` and usage errors stay fast.
 */
import { UsageError } from '../errors.js';
import { emit, writeFileAtomic } from '../io/atomic.js';
import type { DocsConfig, Services } from '../model/types.js';
import { loadOptionsOf } from '../model/load-options.js';
import type { ServiceStatus, StatusProbe } from './deployment.js';
import path from 'node:path';

export interface ModelInputOptions {
  extraParams?: string;
  showTrace?: boolean;
  xml?: boolean;
  /** -o/--output FILE: instead of stdout (written atomically). */
  output?: string;
}


function required(value: string | undefined, message: string): string {
  if (value === undefined || value === '') throw new UsageError(message);
  return value;
}

const NEED_SERVICES = 'a services model must be specified: -s FILE';

/** `--group a/b/` → `a/b`; checks that the group exists (or is the root). */
export async function normaliseGroup(services: Services, group: string | undefined): Promise<string> {
  const normalised = (group ?? '').replace(/^\/+|\/+$/g, '');
  if (normalised === '') return '';
  const { allGroups } = await import('./graph.js');
  const known = allGroups(services);
  if (!known.includes(normalised)) {
    const list = known.filter((g) => g !== '');
    throw new UsageError(`unknown group ${JSON.stringify(normalised)}${list.length > 0 ? ` (known groups: ${list.join(', ')})` : ' (no service has a group)'}`);
  }
  return normalised;
}

/** `-f FMT` given: check it, and refuse binary output to a terminal before anything is loaded. */
async function checkRendering(format: string | undefined, output: string | undefined): Promise<void> {
  if (format === undefined) return;
  const { checkFormat, refuseBinaryToTerminal } = await import('./render.js');
  checkFormat(format);
  refuseBinaryToTerminal(format, output);
}

/** Write DOT, or the rendered image when a format is given, to stdout or atomically to `output` (-o). */
async function emitGraph(dot: string, format: string | undefined, what: string, output: string | undefined): Promise<void> {
  if (format === undefined) return emit(dot, output);
  const { renderDot } = await import('./render.js');
  const image = await renderDot(dot, format, what);
  if (output !== undefined && output !== '-') return writeFileAtomic(output, image);
  await new Promise<void>((resolve, reject) => process.stdout.write(image, (error) => (error ? reject(error) : resolve())));
}

export interface VisualizeServicesOptions extends ModelInputOptions {
  services?: string;
  group?: string;
  groupSubservices?: boolean;
  batch?: boolean;
  outputDir?: string;
  format?: string;
}

export async function visualizeServicesCommand(options: VisualizeServicesOptions): Promise<void> {
  const file = required(options.services, NEED_SERVICES);
  if (options.batch && options.output !== undefined) throw new UsageError('-o/--output names one file; batch mode writes into --output-dir');
  await checkRendering(options.format, options.batch ? 'batch' : options.output);
  const { loadServices } = await import('../model/load.js');
  const services = await loadServices(file, loadOptionsOf(options));
  if (options.batch) {
    const { visualizeBatch } = await import('./batch.js');
    await visualizeBatch(services, { outputDir: options.outputDir ?? '.', file, ...(options.format !== undefined ? { format: options.format } : {}) });
    return;
  }
  const group = await normaliseGroup(services, options.group);
  const { servicesDot } = await import('./services-dot.js');
  await emitGraph(await servicesDot(services, group, options.groupSubservices ?? false), options.format, group === '' ? 'the services graph' : `the graph of group ${group}`, options.output);
}

export interface VisualizeInfraOptions extends ModelInputOptions {
  infrastructure?: string;
  format?: string;
  /** --properties mem,cpu (or `*`). */
  properties?: string;
}

/** `--properties a,b` → names; `*` → all; empty → the hostname only. */
export function propertyList(text: string | undefined): readonly string[] | '*' | undefined {
  if (text === undefined) return undefined;
  if (text.trim() === '*') return '*';
  const names = text.split(',').map((name) => name.trim()).filter((name) => name !== '');
  return [...new Set(names)];
}

export async function visualizeInfraCommand(options: VisualizeInfraOptions): Promise<void> {
  const file = required(options.infrastructure, 'an infrastructure model must be specified: -i FILE');
  await checkRendering(options.format, options.output);
  const { loadInfrastructure } = await import('../model/load.js');
  const infrastructure = await loadInfrastructure(file, loadOptionsOf(options));
  const { infrastructureDot } = await import('./infra-dot.js');
  const properties = propertyList(options.properties);
  await emitGraph(await infrastructureDot(infrastructure, properties === undefined ? {} : { properties }), options.format, 'the infrastructure graph', options.output);
}

export interface VisualizeOptions extends ModelInputOptions {
  services?: string;
  infrastructure?: string;
  distribution?: string;
  stateDir?: string;
  profile?: string;
  containers?: boolean;
  format?: string;
  /** --live / --no-live (default: live when reading a deployment state). */
  live?: boolean;
}

export interface VisualizeServices {
  /** The liveness check of a deployment whose state is in `profileDir` (from the CLI layer: visualize does not import deploy). */
  liveProbe?: (profileDir: string) => StatusProbe;
}

export async function visualizeCommand(options: VisualizeOptions, provided: VisualizeServices = {}): Promise<void> {
  await checkRendering(options.format, options.output);
  const given = [options.services, options.infrastructure, options.distribution].filter((f) => f !== undefined).length;
  const { deploymentDot, liveStatus, mappingsOfDistribution } = await import('./deployment.js');
  let architecture;
  let status: Map<string, ServiceStatus> | undefined;
  if (given > 0) {
    if (given < 3) throw new UsageError('the deployment architecture needs all three models: -s SERVICES -i INFRASTRUCTURE -d DISTRIBUTION (or none of them to read a deployment state)');
    if (options.stateDir !== undefined || options.profile !== undefined) throw new UsageError('give either -s/-i/-d or --state-dir/-p, not both');
    if (options.live === true) throw new UsageError('--live checks a deployment: read it with --state-dir/-p instead of -s/-i/-d');
    const load = await import('../model/load.js');
    const loadOptions = loadOptionsOf(options);
    const services = await load.loadServices(options.services!, loadOptions);
    const infrastructure = await load.loadInfrastructure(options.infrastructure!, loadOptions);
    const distribution = await load.loadDistribution(options.distribution!, { ...loadOptions, infrastructure, services });
    architecture = { services, infrastructure, mappings: mappingsOfDistribution(services, distribution) };
  } else {
    const { DEFAULT_PROFILE, defaultStateDir, manifestPath, readManifest } = await import('./manifest.js');
    const file = manifestPath(options.stateDir ?? defaultStateDir(), options.profile ?? DEFAULT_PROFILE);
    architecture = await readManifest(file);
    if (options.live !== false && provided.liveProbe) status = await liveStatus(architecture, provided.liveProbe(path.dirname(file)));
  }
  await emitGraph(await deploymentDot(architecture, { containers: options.containers ?? true, ...(status ? { status } : {}) }), options.format, 'the deployment architecture', options.output);
}

export interface DocumentServicesOptions extends VisualizeServicesOptions {
  docs?: string;
}

async function loadDocs(options: DocumentServicesOptions): Promise<DocsConfig | undefined> {
  if (options.docs === undefined) return undefined;
  const { loadDocsConfig } = await import('../model/load.js');
  return loadDocsConfig(options.docs, loadOptionsOf(options));
}

export async function documentServicesCommand(options: DocumentServicesOptions): Promise<void> {
  const file = required(options.services, NEED_SERVICES);
  if (options.batch && options.output !== undefined) throw new UsageError('-o/--output names one file; batch mode writes into --output-dir');
  if (options.format !== undefined) (await import('./render.js')).checkFormat(options.format);
  const { loadServices } = await import('../model/load.js');
  const services = await loadServices(file, loadOptionsOf(options));
  const docs = await loadDocs(options);
  if (options.batch) {
    const { documentBatch } = await import('./batch.js');
    await documentBatch(services, docs, { outputDir: options.outputDir ?? '.', file, ...(options.format !== undefined ? { format: options.format } : {}) });
    return;
  }
  const group = await normaliseGroup(services, options.group);
  const { buildServiceGraph, indexServices } = await import('./graph.js');
  const { documentPage } = await import('./docs-html.js');
  const index = indexServices(services);
  await emit(documentPage(buildServiceGraph(services, group, { context: false, collapse: options.groupSubservices ?? false }, index), docs, { asRoot: true, index }), options.output);
}

export interface GenerateDocsOptions extends ModelInputOptions {
  services?: string;
  docs?: string;
  outputDir?: string;
  format?: string;
  imageFormat?: string;
}

/** `generate-services-docs`: the diagrams of every group, then the pages and the stylesheet. */
export async function generateServicesDocsCommand(options: GenerateDocsOptions): Promise<void> {
  const file = required(options.services, NEED_SERVICES);
  if (options.format !== undefined && options.imageFormat !== undefined && options.format !== options.imageFormat) {
    throw new UsageError(`-f/--format ${options.format} and --image-format ${options.imageFormat} disagree; give one of them`);
  }
  const format = options.imageFormat ?? options.format;
  if (format !== undefined) (await import('./render.js')).checkFormat(format);
  const { loadServices } = await import('../model/load.js');
  const services = await loadServices(file, loadOptionsOf(options));
  const docs = await loadDocs(options);
  const { documentBatch, visualizeBatch } = await import('./batch.js');
  const batch = { outputDir: options.outputDir ?? '.', file, ...(format !== undefined ? { format } : {}) };
  await visualizeBatch(services, batch);
  await documentBatch(services, docs, batch);
}
