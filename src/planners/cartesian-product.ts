/** createCartesianProduct: every service gets every target, in sorted order (reference §3.1). */
import type { Distribution, Infrastructure, Services } from '../model/types.js';
import { sortedKeys } from '../model/value.js';

export function createCartesianProduct(args: { services: Services; infrastructure: Infrastructure }): Distribution {
  const targets = sortedKeys(args.infrastructure);
  const result: Distribution = {};
  for (const service of sortedKeys(args.services)) result[service] = targets.map((target) => ({ target }));
  return result;
}
