/** order: stable ascending sort of every candidate list by t.properties.<targetProperty> (Nix `<`). */
import type { Distribution, Mapping } from '../model/types.js';
import { sortedKeys, type Value } from '../model/value.js';
import { filterError, lookupTarget, requireTargetValue, showValue, valueLess, type ModelArgs, type StepTrace } from './common.js';

export interface OrderArgs extends Pick<ModelArgs, 'infrastructure' | 'distribution'> {
  targetProperty: string;
}

export function order(args: OrderArgs, trace?: StepTrace): Distribution {
  const name = 'order';
  const result: Distribution = {};
  const keyCache = new Map<string, Value>();
  // The order of a list does not depend on the service: lists shared by services are sorted once.
  const memo = new Map<Mapping[], Mapping[]>();
  for (const svc of sortedKeys(args.distribution)) {
    const candidates = args.distribution[svc]!;
    const cached = trace ? undefined : memo.get(candidates);
    if (cached) {
      result[svc] = cached;
      continue;
    }
    const keyed = candidates.map((mapping, index) => {
      let key = keyCache.get(mapping.target);
      if (key === undefined) {
        key = requireTargetValue(name, lookupTarget(name, args.infrastructure, mapping.target, svc), args.targetProperty, svc);
        keyCache.set(mapping.target, key);
      }
      return { mapping, index, key };
    });
    keyed.sort((a, b) => {
      const less = valueLess(a.key, b.key);
      const greater = valueLess(b.key, a.key);
      if (less === undefined || greater === undefined) {
        throw filterError(name, `cannot compare ${args.targetProperty} ${showValue(a.key)} of target "${a.mapping.target}" with ${showValue(b.key)} of target "${b.mapping.target}" (service "${svc}")`);
      }
      return less ? -1 : greater ? 1 : a.index - b.index;
    });
    result[svc] = keyed.map((k) => k.mapping);
    memo.set(candidates, result[svc]!);
    if (trace) {
      const shown = keyed.slice(0, 10).map((k) => `${k.mapping.target}=${showValue(k.key)}`);
      if (keyed.length > 10) shown.push(`… ${keyed.length - 10} more`);
      trace.note(svc, `ordered by ${args.targetProperty}: ${shown.join(', ')}`);
    }
  }
  return result;
}
