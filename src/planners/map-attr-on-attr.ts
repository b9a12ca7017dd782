/** mapAttrOnAttr: keep candidate t iff services.svc.<serviceProperty> == t.properties.<targetProperty>. */
import type { Distribution } from '../model/types.js';
import { sortedKeys } from '../model/value.js';
import { lookupService, lookupTarget, requireServiceValue, requireTargetValue, showValue, valueEquals, type ModelArgs, type StepTrace } from './common.js';

export interface MapAttrOnAttrArgs extends ModelArgs {
  serviceProperty: string;
  targetProperty: string;
}

export function mapAttrOnAttr(args: MapAttrOnAttrArgs, trace?: StepTrace): Distribution {
  const name = 'mapAttrOnAttr';
  const { serviceProperty, targetProperty } = args;
  const result: Distribution = {};
  for (const svc of sortedKeys(args.distribution)) {
    const service = lookupService(name, args.services, svc);
    const kept = [];
    for (const mapping of args.distribution[svc]!) {
      const wanted = requireServiceValue(name, service, serviceProperty, mapping.target);
      const target = lookupTarget(name, args.infrastructure, mapping.target, svc);
      const value = requireTargetValue(name, target, targetProperty, svc);
      if (valueEquals(wanted, value)) kept.push(mapping);
      else trace?.removed(svc, mapping, `${serviceProperty} ${showValue(wanted)} != ${targetProperty} ${showValue(value)}`);
    }
    result[svc] = kept;
  }
  return result;
}
