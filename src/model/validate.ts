/**
 * Cross-model validation: what zod cannot see because it spans entries or models. Every failure is
 * a ModelError naming the file and the model path.
 */
import { ModelError } from '../errors.js';
import { modelPath } from './path.js';
import type { Distribution, IdResources, Infrastructure, Services } from './types.js';
import { sortedKeys } from './value.js';

/**
 * Names become file and directory names (state dirs, batch output, the process module's records):
 * services, targets, containers, ID resources and profiles pass this one check (docs/limits.md).
 */
const SAFE_NAME = /^[A-Za-z0-9_@+][A-Za-z0-9._@+-]*$/;

/** Whether `name` is safe as a file name: portable characters, not `.`/`..`, not `__proto__`. */
export function isSafeName(name: string): boolean {
  return SAFE_NAME.test(name) && name.length <= 200 && name !== '__proto__';
}

/** A ModelError at `root.name` (or at `at`, a model path) unless `name` is safe as a file name. */
export function checkSafeName(file: string | undefined, root: string, name: string, at?: string): void {
  if (!isSafeName(name)) {
    throw new ModelError(
      file,
      at ?? modelPath(root, [name]),
      `name ${JSON.stringify(name)} is not safe as a file name (use letters, digits and . _ - + @, not starting with . or -)`,
    );
  }
}

const DEPENDENCY_LISTS = ['dependsOn', 'connectsTo', 'activatesAfter'] as const;

export function validateServices(services: Services, file: string): void {
  for (const name of sortedKeys(services)) {
    checkSafeName(file, 'services', name);
    const service = services[name]!;
    for (const list of DEPENDENCY_LISTS) {
      const seen = new Set<string>();
      service[list].forEach((dependency, index) => {
        // Paths are built only on failure: this loop runs for every edge of 100k-service models.
        const at = () => modelPath('services', [name, list, index]);
        if (!Object.hasOwn(services, dependency)) throw new ModelError(file, at(), `unknown service ${JSON.stringify(dependency)}`);
        if (seen.has(dependency)) throw new ModelError(file, at(), `duplicate dependency ${JSON.stringify(dependency)}`);
        seen.add(dependency);
      });
    }
  }
  const cycle = findOrderingCycle(services);
  if (cycle) {
    throw new ModelError(file, modelPath('services', [cycle[0]!]), `dependency cycle in dependsOn/activatesAfter: ${cycle.join(' -> ')}`);
  }
}

/**
 * A cycle along dependsOn + activatesAfter edges, as a closed walk `a -> b -> a`, or undefined.
 * Iterative DFS (models may have 100k services), visiting in sorted order for a stable report.
 */
export function findOrderingCycle(services: Services): string[] | undefined {
  const state = new Map<string, 1 | 2>(); // 1 = on the stack, 2 = done
  for (const root of sortedKeys(services)) {
    if (state.has(root)) continue;
    // Edges are dependsOn then activatesAfter, walked by index without copying the lists.
    const stack: { name: string; next: number; first: string[]; second: string[] }[] = [];
    const push = (name: string) => {
      const service = services[name]!;
      state.set(name, 1);
      stack.push({ name, next: 0, first: service.dependsOn, second: service.activatesAfter });
    };
    push(root);
    while (stack.length > 0) {
      const frame = stack[stack.length - 1]!;
      const index = frame.next++;
      if (index >= frame.first.length + frame.second.length) {
        state.set(frame.name, 2);
        stack.pop();
        continue;
      }
      const dependency = index < frame.first.length ? frame.first[index]! : frame.second[index - frame.first.length]!;
      const mark = state.get(dependency);
      if (mark === 1) {
        const start = stack.findIndex((f) => f.name === dependency);
        return [...stack.slice(start).map((f) => f.name), dependency];
      }
      if (mark === undefined && Object.hasOwn(services, dependency)) push(dependency);
    }
  }
  return undefined;
}

export function validateInfrastructure(infrastructure: Infrastructure, file: string): void {
  for (const name of sortedKeys(infrastructure)) {
    checkSafeName(file, 'infrastructure', name);
    for (const container of Object.keys(infrastructure[name]!.containers)) {
      checkSafeName(file, 'infrastructure', container, modelPath('infrastructure', [name, 'containers', container]));
    }
  }
}

export interface DistributionContext {
  services?: Services;
  infrastructure?: Infrastructure;
}

export function validateDistribution(distribution: Distribution, file: string, context: DistributionContext): void {
  // Large distributions hold millions of candidate mappings: one Map lookup per mapping gives both
  // the unknown-target check and a per-service duplicate stamp without building strings.
  const targetIds = new Map<string, number>();
  const known = context.infrastructure ? sortedKeys(context.infrastructure) : [];
  known.forEach((name, id) => targetIds.set(name, id));
  const stamp = new Int32Array(known.length).fill(-1);
  let serviceIndex = 0;
  for (const service of sortedKeys(distribution)) {
    if (context.services && !Object.hasOwn(context.services, service)) {
      throw new ModelError(file, modelPath('distribution', [service]), `unknown service ${JSON.stringify(service)}`);
    }
    const mappings = distribution[service]!;
    const withContainers = mappings.some((mapping) => mapping.container !== undefined);
    const seen = withContainers || !context.infrastructure ? new Set<string>() : undefined;
    for (let index = 0; index < mappings.length; index++) {
      const mapping = mappings[index]!;
      const at = () => modelPath('distribution', [service, index]);
      if (mapping.container !== undefined && !isSafeName(mapping.container)) {
        checkSafeName(file, 'distribution', mapping.container, modelPath('distribution', [service, index, 'container']));
      }
      const id = targetIds.get(mapping.target);
      if (context.infrastructure && id === undefined) throw new ModelError(file, at(), `unknown target ${JSON.stringify(mapping.target)}`);
      let duplicate: boolean;
      if (seen) {
        const key = `${mapping.target}\u0000${mapping.container ?? ''}`;
        duplicate = seen.has(key);
        seen.add(key);
      } else {
        duplicate = stamp[id!] === serviceIndex;
        stamp[id!] = serviceIndex;
      }
      if (duplicate) throw new ModelError(file, at(), `duplicate mapping to target ${JSON.stringify(mapping.target)}`);
    }
    serviceIndex++;
  }
}

export function validateIdResources(resources: IdResources, file: string): void {
  for (const name of sortedKeys(resources)) {
    checkSafeName(file, 'idresources', name);
    const resource = resources[name]!;
    // A pool hands out ports, UIDs and GIDs: negative ones do not exist.
    if (resource.min < 0) throw new ModelError(file, modelPath('idresources', [name, 'min']), `must not be negative, got ${resource.min}`);
    if (resource.max < 0) throw new ModelError(file, modelPath('idresources', [name, 'max']), `must not be negative, got ${resource.max}`);
    if (resource.min > resource.max) {
      throw new ModelError(file, modelPath('idresources', [name]), `empty pool: min (${resource.min}) is greater than max (${resource.max})`);
    }
  }
}
