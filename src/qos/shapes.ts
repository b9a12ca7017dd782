/**
 * The JS- and Nix-facing forms of the models (their JSON shapes, docs/ARCHITECTURE.md) and the way
 * back. Distributions round-trip through a cache, so chaining JS filters costs no conversions. Policy
 * code may modify the objects it gets, so a cached pair is only used while the shape still describes
 * the typed distribution (checked without allocating).
 */
import { ModelError } from '../errors.js';
import { distributionToJsonShape, infrastructureToJsonShape, servicesToJsonShape } from '../model/formats/json-write.js';
import type { Distribution, Infrastructure, Mapping, Services } from '../model/types.js';

export type DistributionShape = Record<string, (string | { target: string; container?: string })[]>;

const toTyped = new WeakMap<object, Distribution>();
const toShape = new WeakMap<Distribution, DistributionShape>();

/** True when `shape` (possibly modified by policy code) still describes `distribution` exactly. */
function describes(shape: object, distribution: Distribution): boolean {
  const keys = Object.keys(shape);
  if (keys.length !== Object.keys(distribution).length) return false;
  for (const key of keys) {
    const list = (shape as Record<string, unknown>)[key];
    const mappings = Object.hasOwn(distribution, key) ? distribution[key] : undefined;
    if (!mappings || !Array.isArray(list) || list.length !== mappings.length) return false;
    for (let i = 0; i < list.length; i++) {
      const item: unknown = list[i];
      const mapping = mappings[i]!;
      if (typeof item === 'string') {
        if (item !== mapping.target || mapping.container !== undefined) return false;
      } else if (item !== null && typeof item === 'object') {
        const { target, container } = item as { target?: unknown; container?: unknown };
        if (target !== mapping.target || (container ?? undefined) !== mapping.container) return false;
      } else return false;
    }
  }
  return true;
}

export function distributionShape(distribution: Distribution): DistributionShape {
  let shape = toShape.get(distribution);
  if (!shape || !describes(shape, distribution)) {
    shape = distributionToJsonShape(distribution) as DistributionShape;
    toShape.set(distribution, shape);
    toTyped.set(shape, distribution);
  }
  return shape;
}

/** Services as QoS policies see them (filterDerivations form: no pkg). */
export function servicesShape(services: Services): Record<string, Record<string, unknown>> {
  const shape = servicesToJsonShape(services) as Record<string, Record<string, unknown>>;
  for (const service of Object.values(shape)) {
    delete service.pkg;
    for (const key of Object.keys(service)) if (service[key] === undefined) delete service[key];
  }
  return shape;
}

export function infrastructureShape(infrastructure: Infrastructure): Record<string, unknown> {
  return JSON.parse(JSON.stringify(infrastructureToJsonShape(infrastructure))) as Record<string, unknown>;
}

/**
 * A distribution given by policy code: `{ svc: ["t1", { target: "t2", container: "c" }] }` (or the
 * `{ targets: [...] }` form). `where` names the origin in errors.
 */
export function distributionFromShape(value: unknown, file: string | undefined, where: string): Distribution {
  if (value !== null && typeof value === 'object') {
    const cached = toTyped.get(value);
    if (cached && describes(value, cached)) return cached;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ModelError(file, where, `expected a distribution (an attrset of services to lists of targets), got ${describe(value)}`);
  }
  if ('__dydisnixOp' in value && typeof (value as { __dydisnixOp: unknown }).__dydisnixOp !== 'string') {
    throw new ModelError(file, where, 'the policy inspected or transformed the result of a filter in Nix; filter results are operations that dydisnix carries out after evaluation (see docs/gendist.md)');
  }
  const result: Distribution = {};
  for (const [service, raw] of Object.entries(value as Record<string, unknown>)) {
    const items = Array.isArray(raw) ? raw : raw && typeof raw === 'object' && Array.isArray((raw as { targets?: unknown }).targets) ? (raw as { targets: unknown[] }).targets : undefined;
    if (!items) throw new ModelError(file, `${where}.${service}`, `expected a list of targets, got ${describe(raw)}`);
    result[service] = items.map((item, i): Mapping => {
      if (typeof item === 'string') return { target: item };
      if (item && typeof item === 'object' && typeof (item as { target?: unknown }).target === 'string') {
        const { target, container } = item as { target: string; container?: unknown };
        if (container === undefined || container === null) return { target };
        if (typeof container !== 'string') throw new ModelError(file, `${where}.${service}[${i}].container`, `expected a string, got ${describe(container)}`);
        return { target, container };
      }
      throw new ModelError(file, `${where}.${service}[${i}]`, `expected a target name or { target, container }, got ${describe(item)}`);
    });
  }
  toTyped.set(value, result);
  return result;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'object') return 'an attrset';
  return `${typeof value} ${JSON.stringify(value)}`;
}
