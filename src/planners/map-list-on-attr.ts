/** mapListOnAttr: keep candidate t iff t.properties.<targetProperty> is an element of services.svc.<servicePropertyList>. */
import type { Distribution } from '../model/types.js';
import { sortedKeys } from '../model/value.js';
import { filterError, lookupService, lookupTarget, requireServiceValue, requireTargetValue, showValue, valueEquals, type ModelArgs, type StepTrace } from './common.js';

export interface MapListOnAttrArgs extends ModelArgs {
  servicePropertyList: string;
  targetProperty: string;
}

export function mapListOnAttr(args: MapListOnAttrArgs, trace?: StepTrace): Distribution {
  const name = 'mapListOnAttr';
  const { servicePropertyList, targetProperty } = args;
  const result: Distribution = {};
  for (const svc of sortedKeys(args.distribution)) {
    const service = lookupService(name, args.services, svc);
    const kept = [];
    for (const mapping of args.distribution[svc]!) {
      const list = requireServiceValue(name, service, servicePropertyList, mapping.target);
      if (!Array.isArray(list)) throw filterError(name, `property "${servicePropertyList}" of service "${svc}" must be a list, got ${showValue(list)}`, `services.${svc}.${servicePropertyList}`);
      const target = lookupTarget(name, args.infrastructure, mapping.target, svc);
      const value = requireTargetValue(name, target, targetProperty, svc);
      if (list.some((item) => valueEquals(item, value))) kept.push(mapping);
      else trace?.removed(svc, mapping, `${targetProperty} ${showValue(value)} not in ${servicePropertyList} ${showValue(list)}`);
    }
    result[svc] = kept;
  }
  return result;
}
