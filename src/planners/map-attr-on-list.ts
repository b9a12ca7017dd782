/** mapAttrOnList: keep candidate t iff services.svc.<serviceProperty> is an element of t.properties.<targetPropertyList>. */
import type { Distribution, Mapping } from '../model/types.js';
import { sortedKeys, type Value } from '../model/value.js';
import { filterError, lookupService, lookupTarget, requireServiceValue, requireTargetValue, showValue, valueEquals, type ModelArgs, type StepTrace } from './common.js';

export interface MapAttrOnListArgs extends ModelArgs {
  serviceProperty: string;
  targetPropertyList: string;
}

export function mapAttrOnList(args: MapAttrOnListArgs, trace?: StepTrace): Distribution {
  const name = 'mapAttrOnList';
  const { serviceProperty, targetPropertyList } = args;
  const result: Distribution = {};
  // The result only depends on the candidate list and the service's value: services sharing both
  // (e.g. the cartesian product's shared list) share the result (filters never modify lists).
  const memo = new Map<Mapping[], Map<string, Mapping[]>>();
  const lists = new Map<string, Value[]>();
  for (const svc of sortedKeys(args.distribution)) {
    const service = lookupService(name, args.services, svc);
    const candidates = args.distribution[svc]!;
    const value = candidates.length > 0 ? requireServiceValue(name, service, serviceProperty, candidates[0]!.target) : undefined;
    const key = !trace && value !== undefined && typeof value !== 'object' ? `${typeof value}:${String(value)}` : undefined;
    let perList = key === undefined ? undefined : memo.get(candidates);
    const cached = key === undefined ? undefined : perList?.get(key);
    if (cached) {
      result[svc] = cached;
      continue;
    }
    const kept = [];
    for (const mapping of candidates) {
      const wanted = requireServiceValue(name, service, serviceProperty, mapping.target);
      let list = lists.get(mapping.target);
      if (list === undefined) {
        const target = lookupTarget(name, args.infrastructure, mapping.target, svc);
        const value = requireTargetValue(name, target, targetPropertyList, svc);
        if (!Array.isArray(value)) throw filterError(name, `property "${targetPropertyList}" of target "${target.name}" must be a list (needed for service "${svc}"), got ${showValue(value)}`, `infrastructure.${target.name}.properties.${targetPropertyList}`);
        lists.set(mapping.target, (list = value));
      }
      if (typeof wanted !== 'object' ? list.includes(wanted) : list.some((item) => valueEquals(item, wanted))) kept.push(mapping);
      else trace?.removed(svc, mapping, `${serviceProperty} ${showValue(wanted)} not in ${targetPropertyList} ${showValue(list)}`);
    }
    const out = kept.length === candidates.length ? candidates : kept;
    if (key !== undefined) {
      if (!perList) memo.set(candidates, (perList = new Map()));
      perList.set(key, out);
    }
    result[svc] = out;
  }
  return result;
}
