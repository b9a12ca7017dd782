/**
 * The deployment manifest (our JSON successor of the Disnix v2 manifest, reference §6.4) and the
 * deployment units derived from it. A manifest is self-contained: absolute `pkg` paths, the
 * infrastructure in its JSON shape and the resolved mappings, so that a later run (or another tool:
 * gendist's previous distribution, visualize) needs nothing else.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { ModelError } from '../errors.js';
import { checkPlain } from '../model/plain.js';
import { checkSafeName } from '../model/validate.js';
import type { Distribution, Infrastructure, Services } from '../model/types.js';
import { compareNames, isAttrs, sortedKeys, type Attrs, type Value } from '../model/value.js';
import { processSettingsOf } from '../activation/process-settings.js';
import { parseReadiness, type ReadinessCheck } from '../activation/readiness.js';

export const MANIFEST_VERSION = 1;

export interface ManifestService {
  name: string;
  /** Absolute path of the deployable component. */
  pkg: string;
  /** Dysnomia module. */
  type: string;
  dependsOn: string[];
  connectsTo: string[];
  activatesAfter: string[];
  /** Extra environment variables for the activation (the service's `environment` property), encoded. */
  environment?: Record<string, string>;
  /** sha256 of the component's files (names, modes, contents): the "deployable content". */
  contentHash: string;
  /** Every other service property, kept for the tools that read the manifest (visualize). */
  properties?: Attrs;
}

export interface ManifestMapping {
  service: string;
  target: string;
  container: string;
}

export interface Manifest {
  version: typeof MANIFEST_VERSION;
  generation: number;
  /** ISO time of the deployment. */
  deployedAt?: string;
  /** Free-form origin: the command and model files. */
  origin?: Record<string, string>;
  services: Record<string, ManifestService>;
  /** The infrastructure's JSON shape (docs/ARCHITECTURE.md). */
  infrastructure: Record<string, unknown>;
  /** Sorted by (target, container, service), like Disnix's serviceMappings. */
  mappings: ManifestMapping[];
}

/** One activation unit: a service instance in a container of a target, with everything needed to run it. */
export interface Unit {
  /** `service@target/container` */
  key: string;
  service: string;
  target: string;
  container: string;
  type: string;
  pkg: string;
  containerProperties: Attrs;
  environment: Record<string, string>;
  /** Services this one is activated after (dependsOn + activatesAfter). */
  orderAfter: string[];
  /** Identity of the deployable content: two units with the same key and fingerprint are the same. */
  fingerprint: string;
  /** Service properties the module reads as variables (src/activation/process-settings.ts). */
  settings?: Record<string, string>;
  /** Checked after activation, before dependents start (src/activation/readiness.ts). */
  readiness?: ReadinessCheck;
  /** The component's content hash (names its copy on a remote target, docs/remote.md). */
  contentHash?: string;
}

export function unitKey(mapping: ManifestMapping): string {
  return `${mapping.service}@${mapping.target}/${mapping.container}`;
}

export function compareMappings(a: ManifestMapping, b: ManifestMapping): number {
  return compareNames(a.target, b.target) || compareNames(a.container, b.container) || compareNames(a.service, b.service);
}

/** Stable JSON (sorted keys) for hashing. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${sortedKeys(value)
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${stableJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** Container properties of a mapping: the target's container attrs (Disnix passes only those). */
export function containerPropertiesOf(infrastructure: Record<string, unknown>, target: string, container: string): Attrs {
  const t = infrastructure[target];
  if (!isAttrs(t as Value)) return {};
  const containers = (t as Attrs).containers;
  if (!isAttrs(containers)) return {};
  const props = containers[container];
  return isAttrs(props) ? props : {};
}

/** The deployment units of a manifest, in mapping order. */
export function manifestUnits(manifest: Manifest): Unit[] {
  return manifest.mappings.map((mapping) => {
    const service = manifest.services[mapping.service];
    if (!service) throw new Error(`manifest: mapping of unknown service "${mapping.service}"`);
    const containerProperties = containerPropertiesOf(manifest.infrastructure, mapping.target, mapping.container);
    const environment = service.environment ?? {};
    const settings = processSettingsOf(service.type, service.properties);
    const readiness = readinessOf(service, containerProperties, mapping);
    return {
      key: unitKey(mapping),
      service: service.name,
      target: mapping.target,
      container: mapping.container,
      type: service.type,
      pkg: service.pkg,
      containerProperties,
      environment,
      orderAfter: [...new Set([...service.dependsOn, ...service.activatesAfter])],
      // Settings change how the daemon runs, so they are part of the content; absent ones leave the
      // fingerprints of units without settings as they were.
      fingerprint: sha256(stableJson({ type: service.type, pkg: service.pkg, content: service.contentHash, containerProperties, environment, settings })),
      ...(settings ? { settings } : {}),
      ...(readiness ? { readiness } : {}),
      ...(service.contentHash ? { contentHash: service.contentHash } : {}),
    };
  });
}

/**
 * The readiness check of a mapping: the service's `readiness` property, else its container's
 * (docs/activation.md, "Readiness"). `file` names the services model in errors (buildManifest validates).
 */
export function readinessOf(service: Pick<ManifestService, 'name' | 'properties'>, containerProperties: Attrs, mapping: ManifestMapping, file?: string, root = 'services'): ReadinessCheck | undefined {
  const own = service.properties?.readiness;
  if (own !== undefined && own !== null) return parseReadiness(own, file, `${root}.${service.name}.readiness`);
  // The infrastructure model's file is not known here: the path names the place.
  return parseReadiness(containerProperties.readiness, undefined, `infrastructure.${mapping.target}.containers.${mapping.container}.readiness`);
}

/** The environment property as Dysnomia-style strings (lists space-separated, booleans 1/empty). */
export function encodeEnvironment(value: Value | undefined): Record<string, string> | undefined {
  if (!isAttrs(value)) return undefined;
  const out: Record<string, string> = {};
  for (const key of sortedKeys(value)) out[key] = encodeValue(value[key]!);
  return out;
}

function encodeValue(value: Value): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? '1' : '';
  if (Array.isArray(value)) return value.map(encodeValue).join(' ');
  return JSON.stringify(value);
}

const contentCache = new Map<string, Promise<string>>();

/**
 * sha256 over a component's tree: relative names, file modes (executable bit), file contents and
 * symlink targets, in sorted order. A missing path hashes as "missing" (the activation reports it).
 */
export function contentHash(pkg: string): Promise<string> {
  let cached = contentCache.get(pkg);
  if (!cached) {
    cached = hashTree(pkg);
    contentCache.set(pkg, cached);
  }
  return cached;
}

async function hashTree(root: string): Promise<string> {
  const hash = createHash('sha256');
  const walk = async (rel: string): Promise<void> => {
    const full = path.join(root, rel);
    const stat = await fs.lstat(full).catch(() => undefined);
    if (!stat) {
      hash.update(`missing ${rel}\0`);
      return;
    }
    if (stat.isSymbolicLink()) hash.update(`link ${rel} ${await fs.readlink(full)}\0`);
    else if (stat.isDirectory()) {
      hash.update(`dir ${rel}\0`);
      const names = (await fs.readdir(full)).sort(compareNames);
      for (const name of names) await walk(rel === '' ? name : `${rel}/${name}`);
    } else if (stat.isFile()) {
      hash.update(`file ${rel} ${stat.mode & 0o111 ? 'x' : '-'} ${stat.size}\0`);
      hash.update(await fs.readFile(full));
    }
  };
  await walk('');
  return hash.digest('hex');
}

export interface BuildManifestInput {
  services: Services;
  infrastructure: Infrastructure;
  distribution: Distribution;
  /** Relative `pkg` paths resolve against this folder (the services model's folder). */
  baseDir: string;
  /** The services model file, named in errors. */
  servicesFile?: string;
  origin?: Record<string, string>;
  /** Root of model paths in errors (default `services`; `processes` for a processes model). */
  modelRoot?: string;
}

/**
 * Resolve the models into a manifest (generation 0: the state assigns the number). Only services
 * that are distributed are included. A mapping's container defaults to the service's type.
 */
export async function buildManifest(input: BuildManifestInput): Promise<Manifest> {
  const { services, infrastructure, distribution } = input;
  const { infrastructureToJsonShape } = await import('../model/formats/json-write.js');
  const mappings: ManifestMapping[] = [];
  const manifestServices: Record<string, ManifestService> = {};
  for (const name of sortedKeys(distribution)) {
    const targets = distribution[name]!;
    if (targets.length === 0) continue;
    const service = services[name];
    if (!service) throw new ModelError(input.servicesFile, `services.${name}`, 'the distribution maps a service that the services model does not define');
    if (!service.type) throw new ModelError(input.servicesFile, `services.${name}.type`, 'a deployed service needs a type (its Dysnomia module)');
    if (!service.pkg) throw new ModelError(input.servicesFile, `services.${name}.pkg`, 'a deployed service needs a pkg (the path of its component)');
    const pkg = path.resolve(input.baseDir, service.pkg);
    const { environment, ...rest } = service.properties;
    const encoded = encodeEnvironment(environment);
    manifestServices[name] = {
      name,
      pkg,
      type: service.type,
      dependsOn: service.dependsOn,
      connectsTo: service.connectsTo,
      activatesAfter: service.activatesAfter,
      ...(encoded ? { environment: encoded } : {}),
      contentHash: await contentHash(pkg),
      ...(Object.keys(rest).length > 0 ? { properties: rest } : {}),
    };
    for (const mapping of targets) {
      if (!infrastructure[mapping.target]) throw new ModelError(undefined, `distribution.${name}`, `unknown target "${mapping.target}"`);
      // The container names the module's record, flag and lock files (e.g. a `..` from a QoS policy).
      const container = mapping.container ?? service.type;
      const where = mapping.container === undefined ? `services.${name}.type` : `distribution.${name}[${targets.indexOf(mapping)}].container`;
      checkSafeName(mapping.container === undefined ? input.servicesFile : undefined, 'distribution', container, where);
      mappings.push({ service: name, target: mapping.target, container });
    }
  }
  const infrastructureShape = infrastructureToJsonShape(infrastructure);
  // Readiness checks are validated here, so that a bad one is a model error before anything runs.
  for (const mapping of mappings) {
    readinessOf(manifestServices[mapping.service]!, containerPropertiesOf(infrastructureShape, mapping.target, mapping.container), mapping, input.servicesFile, input.modelRoot);
  }
  // Ordering dependencies must be deployed too, or the order would silently not hold.
  for (const service of Object.values(manifestServices)) {
    for (const dep of [...service.dependsOn, ...service.activatesAfter]) {
      if (!manifestServices[dep]) {
        throw new ModelError(input.servicesFile, `services.${service.name}`, `depends on "${dep}", which the distribution does not deploy anywhere`);
      }
    }
  }
  const unique = new Map(mappings.map((m) => [unitKey(m), m]));
  return {
    version: MANIFEST_VERSION,
    generation: 0,
    ...(input.origin ? { origin: input.origin } : {}),
    services: manifestServices,
    infrastructure: infrastructureShape,
    mappings: [...unique.values()].sort(compareMappings),
  };
}

/** The distribution a manifest deploys (reference §1.13, B1 fixed: containers kept unless all equal the type). */
export function manifestDistribution(manifest: Manifest): Distribution {
  const automapped = manifest.mappings.every((m) => m.container === manifest.services[m.service]?.type);
  const distribution: Distribution = {};
  for (const mapping of manifest.mappings) {
    (distribution[mapping.service] ??= []).push(automapped ? { target: mapping.target } : { target: mapping.target, container: mapping.container });
  }
  const sorted: Distribution = {};
  for (const name of sortedKeys(distribution)) sorted[name] = distribution[name]!;
  return sorted;
}

/** Validate the shape of a manifest read from disk (never trust a file). */
export function parseManifest(text: string, file: string): Manifest {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ModelError(file, undefined, `not valid JSON: ${(error as Error).message}`);
  }
  checkPlain(value, file, 'manifest');
  const bad = (detail: string): never => {
    throw new ModelError(file, 'manifest', detail);
  };
  if (!value || typeof value !== 'object' || Array.isArray(value)) bad('expected an object');
  const m = value as Record<string, unknown>;
  if (m.version !== MANIFEST_VERSION) bad(`unsupported manifest version ${JSON.stringify(m.version)} (expected ${MANIFEST_VERSION})`);
  if (typeof m.generation !== 'number') bad('generation: expected a number');
  if (!isAttrs(m.services as Value)) bad('services: expected an object');
  if (!isAttrs(m.infrastructure as Value)) bad('infrastructure: expected an object');
  if (!Array.isArray(m.mappings)) bad('mappings: expected a list');
  const services = m.services as Record<string, Record<string, unknown>>;
  for (const [name, s] of Object.entries(services)) {
    if (!isAttrs(s as Value) || typeof s.pkg !== 'string' || typeof s.type !== 'string') bad(`services.${name}: expected { name, pkg, type, … }`);
    for (const list of ['dependsOn', 'connectsTo', 'activatesAfter']) if (!Array.isArray(s[list])) s[list] = [];
    s.name = name;
    if (typeof s.contentHash !== 'string') s.contentHash = '';
  }
  (m.mappings as unknown[]).forEach((mapping, i) => {
    const mm = mapping as Record<string, unknown>;
    if (!mm || typeof mm.service !== 'string' || typeof mm.target !== 'string' || typeof mm.container !== 'string') bad(`mappings[${i}]: expected { service, target, container }`);
    if (!services[mm.service as string]) bad(`mappings[${i}]: unknown service "${String(mm.service)}"`);
  });
  return value as Manifest;
}

export function emptyManifest(): Manifest {
  return { version: MANIFEST_VERSION, generation: 0, services: {}, infrastructure: {}, mappings: [] };
}
