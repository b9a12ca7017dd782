/** mapAttrOnList: keep candidate t iff services.svc.<serviceProperty> is an element of t.properties.<targetPropertyList>. */
import type { Distribution } from '../model/types.js';
import { sortedKeys } from '../model/value.js';
import { filterError, lookupService, lookupTarget, requireServiceValue, requireTargetValue, showValue, valueEquals, type ModelArgs, type StepTrace } from './common.js';

export interface MapAttrOnListArgs extends ModelArgs {
  serviceProperty: string;
  targetPropertyList: string;
}

export function mapAttrOnList(args: MapAttrOnListArgs, trace?: StepTrace): Distribution {
  const name = 'mapAttrOnList';
  const { serviceProperty, targetPropertyList } = args;
  const result: Distribution = {};
  for (const svc of sortedKeys(args.distribution)) {
    const service = lookupService(name, args.services, svc);
    const candidates = args.distribution[svc]!;
    const kept = [];
    for (const mapping of candidates) {
      const wanted = requireServiceValue(name, service, serviceProperty, mapping.target);
      const target = lookupTarget(name, args.infrastructure, mapping.target, svc);
      const list = requireTargetValue(name, target, targetPropertyList, svc);
      if (!Array.isArray(list)) throw filterError(name, `property "${targetPropertyList}" of target "${target.name}" must be a list (needed for service "${svc}"), got ${showValue(list)}`, `infrastructure.${target.name}.properties.${targetPropertyList}`);
      if (list.some((item) => valueEquals(item, wanted))) kept.push(mapping);
      else trace?.removed(svc, mapping, `${serviceProperty} ${showValue(wanted)} not in ${targetPropertyList} ${showValue(list)}`);
    }
    result[svc] = kept;
  }
  return result;
}
