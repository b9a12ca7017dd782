/**
 * Loading models from files in any form (XML, JSON, Nix, JS; `-` = stdin), validated into typed
 * models. Format modules are imported lazily so that a JSON run never pays for the XML parser.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ModelError } from '../errors.js';
import { readText } from '../io/input.js';
import { formatFromContent, formatFromExtension, type InputFormat } from './formats/detect.js';
import type { DocsConfig, Distribution, IdResources, Ids, Infrastructure, ModelKind, Services } from './types.js';
import { canonicalJson } from './formats/json-write.js';
import { modelPath } from './path.js';
import { isAttrs, sortedKeys } from './value.js';
import { checkPlain } from './plain.js';

import type { LoadOptions } from './load-options.js';
export type { LoadOptions } from './load-options.js';
export { loadOptionsOf } from './load-options.js';

export interface DistributionLoadOptions extends LoadOptions {
  /** Needed to resolve a Nix/JS distribution's target values and to check target names. */
  infrastructure?: Infrastructure;
  /** When given, unknown services are reported. */
  services?: Services;
}

/** A document read from disk or stdin, with its detected format. */
interface Source {
  file: string;
  format: InputFormat;
  text: string;
}

async function readSource(file: string, options: LoadOptions): Promise<Source> {
  const text = await readText(file);
  const byExtension = file === '-' ? undefined : formatFromExtension(file);
  const format = byExtension ?? (options.xml ? 'xml' : formatFromContent(text));
  return { file, format, text };
}

/** Nix and JS evaluation need a real file; stdin is copied to a temp file first. */
async function withRealFile<T>(source: Source, run: (file: string) => Promise<T>): Promise<T> {
  if (source.file !== '-') return run(source.file);
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dydisnix-stdin-'));
  const file = path.join(dir, source.format === 'js' ? 'model.mjs' : 'model.nix');
  try {
    await fs.writeFile(file, source.text);
    return await run(file);
  } catch (error) {
    // Errors name what the user gave (`-`), not our temp copy, also inside Nix's locations.
    if (error instanceof ModelError) throw new ModelError('-', error.path, error.detail.replaceAll(file, '-'));
    throw error;
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

interface RawOptions extends LoadOptions {
  infrastructureJSON?: string;
  /** The arguments a JS model function gets; computed only for JS models (it may evaluate Nix). */
  jsArgs?: () => Promise<Record<string, unknown>>;
  /** The infrastructure object given to a JS distribution function, to map its targets back to names. */
  jsInfrastructure?: Record<string, unknown>;
}

/** The JSON shape of a model document, before validation. */
export async function loadRaw(kind: ModelKind, file: string, options: RawOptions = {}): Promise<unknown> {
  const source = await readSource(file, options);
  switch (source.format) {
    case 'json': {
      const { parseJsonDocument } = await import('./formats/json.js');
      return parseJsonDocument(source.text, file, kind);
    }
    case 'xml': {
      const { parseXmlDocument } = await import('./formats/xml-read.js');
      return parseXmlDocument(kind, source.text, file);
    }
    case 'nix': {
      const { evalNixModel } = await import('./formats/nix-eval.js');
      return withRealFile(source, (real) =>
        evalNixModel(kind, real, {
          ...(options.extraParams !== undefined ? { extraParams: options.extraParams } : {}),
          ...(options.showTrace ? { showTrace: true } : {}),
          ...(options.infrastructureJSON !== undefined ? { infrastructureJSON: options.infrastructureJSON } : {}),
          ...(options.evaluatePkg && kind === 'services' ? { evaluatePkg: true } : {}),
        }),
      );
    }
    case 'js': {
      const { importJsModel } = await import('./formats/js.js');
      const args = options.jsArgs ? await options.jsArgs() : {};
      const model = await withRealFile(source, (real) => importJsModel(real, args, kind));
      // JS models may write `dependsOn: { db: services.db }` like Nix, and return target objects
      // in distributions; the other readers give names already.
      if (kind === 'services') return normaliseServiceReferences(model);
      if (kind === 'distribution') return resolveTargetObjects(model, options.jsInfrastructure ?? {}, file);
      return model;
    }
  }
}

export async function loadServices(file: string, options: LoadOptions = {}): Promise<Services> {
  const { currentSystem } = await import('./formats/js.js');
  const jsArgs = async () => ({ distribution: {}, invDistribution: {}, system: currentSystem(), ...(await extraParamsAsJs(options)) });
  const raw = await loadRaw('services', file, { ...options, jsArgs });
  const { findUnknownKeys, reportUnknownKeys, SERVICE_KEYS } = await import('./unknown-keys.js');
  reportUnknownKeys(findUnknownKeys('services', raw, SERVICE_KEYS), file, options);
  const { servicesFromRaw } = await import('./schemas.js');
  const { validateServices } = await import('./validate.js');
  const services = servicesFromRaw(raw, file);
  validateServices(services, file);
  return services;
}

export async function loadInfrastructure(file: string, options: LoadOptions = {}): Promise<Infrastructure> {
  const raw = await loadRaw('infrastructure', file, { ...options, jsArgs: () => extraParamsAsJs(options) });
  const { infrastructureFromRaw } = await import('./schemas.js');
  const { validateInfrastructure } = await import('./validate.js');
  const infrastructure = infrastructureFromRaw(raw, file);
  validateInfrastructure(infrastructure, file);
  return infrastructure;
}

export async function loadDistribution(file: string, options: DistributionLoadOptions): Promise<Distribution> {
  const { infrastructureToJson } = await import('./formats/json-write.js');
  // Nix and JS distribution functions get the infrastructure in its JSON shape. Without one, a
  // plain distribution still loads (target names are then not checked).
  const infrastructureJSON = options.infrastructure ? infrastructureToJson(options.infrastructure) : undefined;
  const jsInfrastructure = infrastructureJSON ? (JSON.parse(infrastructureJSON) as Record<string, unknown>) : {};
  const raw = await loadRaw('distribution', file, {
    ...options,
    ...(infrastructureJSON !== undefined ? { infrastructureJSON } : {}),
    jsArgs: async () => ({ ...(await extraParamsAsJs(options)), infrastructure: jsInfrastructure }),
    jsInfrastructure,
  });
  const { distributionFromRaw } = await import('./schemas.js');
  const { validateDistribution } = await import('./validate.js');
  const distribution = distributionFromRaw(raw, file);
  validateDistribution(distribution, file, options);
  return distribution;
}

export async function loadIdResources(file: string, options: LoadOptions = {}): Promise<IdResources> {
  const raw = await loadRaw('idresources', file, options);
  const { idResourcesFromRaw } = await import('./schemas.js');
  const { validateIdResources } = await import('./validate.js');
  const resources = idResourcesFromRaw(raw, file);
  validateIdResources(resources, file);
  return resources;
}

export async function loadIds(file: string, options: LoadOptions = {}): Promise<Ids> {
  const raw = await loadRaw('ids', file, options);
  const { idsFromRaw } = await import('./schemas.js');
  return idsFromRaw(raw, file);
}

export async function loadDocsConfig(file: string, options: LoadOptions = {}): Promise<DocsConfig> {
  const raw = await loadRaw('docs', file, options);
  const { docsConfigFromRaw } = await import('./schemas.js');
  return docsConfigFromRaw(raw, file);
}

/** `--extra-params` as a JS object for JS models: JSON, or a Nix literal evaluated by Nix. */
export async function extraParamsAsJs(options: LoadOptions): Promise<Record<string, unknown>> {
  const expr = options.extraParams;
  if (expr === undefined || expr.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(expr);
  } catch {
    const { evalNixExpression } = await import('./formats/nix-eval.js');
    value = await evalNixExpression(expr, { file: '--extra-params' });
  }
  if (!isAttrs(value)) throw new ModelError('--extra-params', undefined, 'expected an attrset');
  checkPlain(value, '--extra-params', 'extraParams');
  return value;
}

/**
 * JS models may write `dependsOn: { db: services.db }` like the Nix form; turn such attrsets into
 * name lists (sorted by parameter name, as filterDerivations does).
 */
function normaliseServiceReferences(raw: unknown): unknown {
  if (!isAttrs(raw)) return raw;
  // Freshly parsed data, owned by us: replace only the entries that need it, in place.
  const services = raw as Record<string, unknown>;
  for (const name in services) {
    if (needsReferenceNormalisation(services[name])) services[name] = withReferenceNames(services[name] as Record<string, unknown>);
  }
  return services;
}

const REFERENCE_LISTS = ['dependsOn', 'connectsTo', 'activatesAfter'] as const;

/** Like nix/models.nix: an attrset param -> service, a list of services or names, or a single name. */
function needsReferenceNormalisation(service: unknown): boolean {
  if (!isAttrs(service)) return false;
  return REFERENCE_LISTS.some((list) => {
    const refs = (service as Record<string, unknown>)[list];
    return isAttrs(refs) || typeof refs === 'string' || (Array.isArray(refs) && refs.some((ref) => isAttrs(ref)));
  });
}

function withReferenceNames(service: Record<string, unknown>): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...service };
  for (const list of REFERENCE_LISTS) {
    const refs = copy[list];
    if (isAttrs(refs)) copy[list] = sortedKeys(refs).map((param) => referenceName((refs as Record<string, unknown>)[param], param));
    else if (typeof refs === 'string') copy[list] = [refs];
    else if (Array.isArray(refs)) copy[list] = refs.map((ref) => (isAttrs(ref) && typeof ref.name === 'string' ? ref.name : ref));
  }
  return copy;
}

function referenceName(ref: unknown, param: string): unknown {
  if (ref && typeof ref === 'object' && typeof (ref as { name?: unknown }).name === 'string') return (ref as { name: string }).name;
  return typeof ref === 'string' ? ref : param;
}

/**
 * Map target objects to names: entries of the infrastructure given to a JS function by identity;
 * other target objects (a copy, `{ ...infrastructure.t1 }`) through the target property, as a Nix
 * distribution's targets are (`targetProperty`, else DISNIX_TARGET_PROPERTY, else hostname).
 */
function resolveTargetObjects(raw: unknown, infrastructure: Record<string, unknown>, file: string): unknown {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return raw;
  const names = new Map<unknown, string>(Object.entries(infrastructure).map(([name, target]) => [target, name]));
  const defaultProperty = process.env.DISNIX_TARGET_PROPERTY || 'hostname';
  const propertyOf = (target: Record<string, unknown>): string => (typeof target.targetProperty === 'string' ? target.targetProperty : defaultProperty);
  const identifierOf = (target: Record<string, unknown>): string | undefined => {
    const value = isAttrs(target.properties) ? (target.properties as Record<string, unknown>)[propertyOf(target)] : undefined;
    return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined;
  };
  let byIdentifier: Map<string, string[]> | undefined;
  const resolveTarget = (value: unknown, where: () => string): unknown => {
    if (names.has(value)) return names.get(value);
    if (!isAttrs(value) || !('properties' in value)) return value;
    const identifier = identifierOf(value);
    if (!byIdentifier) {
      byIdentifier = new Map();
      for (const name of sortedKeys(infrastructure)) {
        const id = isAttrs(infrastructure[name]) ? identifierOf(infrastructure[name] as Record<string, unknown>) : undefined;
        if (id !== undefined) byIdentifier.set(id, [...(byIdentifier.get(id) ?? []), name]);
      }
    }
    const candidates = identifier === undefined ? undefined : byIdentifier.get(identifier);
    if (!candidates) {
      const shown = identifier === undefined ? '<missing>' : JSON.stringify(identifier);
      throw new ModelError(file, where(), `a target matches no machine of the infrastructure model (${propertyOf(value)} = ${shown})`);
    }
    if (candidates.length === 1) return candidates[0];
    const text = canonicalJson(value);
    return candidates.find((name) => canonicalJson(infrastructure[name]) === text) ?? candidates[0];
  };
  const out: Record<string, unknown> = {};
  for (const [service, targets] of Object.entries(raw as Record<string, unknown>)) {
    const resolveItem = (item: unknown, index: number): unknown => {
      const where = () => modelPath('distribution', [service, index]);
      const resolved = resolveTarget(item, where);
      if (resolved !== item || !isAttrs(item) || !('target' in item)) return resolved;
      return { ...item, target: resolveTarget(item.target, () => modelPath('distribution', [service, index, 'target'])) };
    };
    if (Array.isArray(targets)) out[service] = targets.map(resolveItem);
    else if (targets && typeof targets === 'object' && Array.isArray((targets as { targets?: unknown }).targets)) {
      out[service] = { targets: ((targets as { targets: unknown[] }).targets).map(resolveItem) };
    } else out[service] = targets;
  }
  return out;
}
