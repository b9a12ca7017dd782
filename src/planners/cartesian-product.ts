/** createCartesianProduct: every service gets every target, in sorted order (reference §3.1). */
import type { Distribution, Infrastructure, Mapping, Services } from '../model/types.js';
import { sortedKeys } from '../model/value.js';

export function createCartesianProduct(args: { services: Services; infrastructure: Infrastructure }): Distribution {
  // Filters never modify their inputs, so every service shares one (frozen) candidate list.
  const targets = Object.freeze(sortedKeys(args.infrastructure).map((target) => Object.freeze({ target })));
  const result: Distribution = {};
  for (const service of sortedKeys(args.services)) result[service] = targets as Mapping[];
  return result;
}
