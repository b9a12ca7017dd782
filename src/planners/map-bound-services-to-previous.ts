/**
 * mapBoundServicesToPrevious: every service that has a previous entry gets exactly its previous
 * mappings (containers included); new services keep their candidates. No previous distribution =
 * unchanged (reference §3.1).
 */
import type { Distribution } from '../model/types.js';
import { sortedKeys } from '../model/value.js';
import { showMapping, type ModelArgs, type StepTrace } from './common.js';

export function mapBoundServicesToPrevious(args: ModelArgs, trace?: StepTrace): Distribution {
  const previous = args.previousDistribution;
  if (!previous) return args.distribution;
  const result: Distribution = {};
  for (const svc of sortedKeys(args.distribution)) {
    const before = Object.hasOwn(previous, svc) ? previous[svc] : undefined;
    if (before === undefined) {
      result[svc] = args.distribution[svc]!;
      continue;
    }
    result[svc] = before.map((m) => ({ ...m }));
    if (trace) {
      const keep = new Set(before.map(showMapping));
      for (const m of args.distribution[svc]!) if (!keep.has(showMapping(m))) trace.removed(svc, m, 'bound to its previous deployment');
      trace.note(svc, `bound to previous [${before.map(showMapping).join(', ')}]`);
    }
  }
  return result;
}
