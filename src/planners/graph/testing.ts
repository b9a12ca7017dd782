/** Small model builders for the graph planner tests and benchmarks. */
import type { Distribution, Infrastructure, Services } from '../../model/types.js';
import { seededRandom } from '../../util/random.js';

export const rng = seededRandom;

/** Services from `name → dependsOn` (and optionally connectsTo). */
export function servicesOf(deps: Record<string, string[]>, connects: Record<string, string[]> = {}): Services {
  const services: Services = {};
  for (const [name, dependsOn] of Object.entries(deps)) {
    services[name] = { name, type: 'process', dependsOn, connectsTo: connects[name] ?? [], activatesAfter: [], properties: {} };
  }
  return services;
}

export function infrastructureOf(targets: string[], properties: Record<string, Record<string, number | string>> = {}): Infrastructure {
  const infrastructure: Infrastructure = {};
  for (const name of targets) infrastructure[name] = { name, properties: { hostname: name, ...properties[name] }, containers: {} };
  return infrastructure;
}

export function distributionOf(lists: Record<string, string[]>): Distribution {
  const distribution: Distribution = {};
  for (const [service, targets] of Object.entries(lists)) distribution[service] = targets.map((target) => ({ target }));
  return distribution;
}
