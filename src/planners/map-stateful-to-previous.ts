/**
 * mapStatefulToPrevious: a stateful service (stateful = true) keeps only the candidates it was
 * deployed to before, so its state does not have to move. Services without a previous entry, and
 * non-stateful ones, are unchanged; no previous distribution = unchanged.
 *
 * Unlike the original (plain Nix equality), a previous mapping with a container matches a candidate
 * on the same target: a candidate without a container takes the previous one's container, a candidate
 * with a container must have the same one.
 */
import type { Distribution, Mapping } from '../model/types.js';
import { sortedKeys } from '../model/value.js';
import { lookupService, showMapping, type ModelArgs, type StepTrace } from './common.js';

export function mapStatefulToPrevious(args: ModelArgs, trace?: StepTrace): Distribution {
  const previous = args.previousDistribution;
  if (!previous) return args.distribution;
  const result: Distribution = {};
  for (const svc of sortedKeys(args.distribution)) {
    const candidates = args.distribution[svc]!;
    const service = lookupService('mapStatefulToPrevious', args.services, svc);
    const before = Object.hasOwn(previous, svc) ? previous[svc] : undefined;
    if (service.properties.stateful !== true || before === undefined) {
      result[svc] = candidates;
      continue;
    }
    const kept: Mapping[] = [];
    for (const mapping of candidates) {
      const match = before.find((p) => p.target === mapping.target && (mapping.container === undefined || p.container === undefined || p.container === mapping.container));
      if (match) kept.push(mapping.container === undefined && match.container !== undefined ? { target: mapping.target, container: match.container } : mapping);
      else trace?.removed(svc, mapping, `stateful service was previously on [${before.map(showMapping).join(', ')}]`);
    }
    result[svc] = kept;
  }
  return result;
}
