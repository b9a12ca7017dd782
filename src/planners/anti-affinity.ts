/**
 * antiAffinity: named services never share a target, or a value of a target property such as a zone
 * (docs/gendist.md, "antiAffinity"). It narrows the candidates of the named services so that their
 * candidate sets are disjoint:
 * 1. every named service gets one value of its own (a maximum bipartite matching, services in name
 *    order, values in candidate order); when no such matching exists it is exit 1, naming the services
 *    and the values they share;
 * 2. every other value a service alone has stays with it;
 * 3. a value several of them have goes to the one holding the fewest values so far (ties by name).
 * Services named but not in the distribution are ignored; names not in the services model are exit 2.
 */
import { PlanningError } from '../errors.js';
import type { Distribution } from '../model/types.js';
import { compareNames } from '../model/value.js';
import { filterError, lookupTarget, requireTargetValue, showMapping, type ModelArgs, type StepTrace } from './common.js';

export interface AntiAffinityArgs extends ModelArgs {
  serviceNames: unknown;
  targetProperty?: unknown;
}

const NAME = 'antiAffinity';

/** Parameter checks that need no models. */
export function antiAffinityParamError(params: { serviceNames?: unknown; targetProperty?: unknown }): string | undefined {
  const names = params.serviceNames;
  if (!Array.isArray(names) || names.length < 2 || !names.every((n) => typeof n === 'string')) {
    return `parameter "serviceNames" must be a list of at least two service names, got ${names === undefined ? 'nothing' : JSON.stringify(names)}`;
  }
  if (new Set(names).size !== names.length) return `parameter "serviceNames" names a service twice`;
  const tp = params.targetProperty;
  if (tp !== undefined && tp !== null && typeof tp !== 'string') return `parameter "targetProperty" must be a property name, got ${JSON.stringify(tp)}`;
  return undefined;
}

export function antiAffinity(args: AntiAffinityArgs, trace?: StepTrace): Distribution {
  const error = antiAffinityParamError(args);
  if (error) throw filterError(NAME, error);
  const property = typeof args.targetProperty === 'string' ? args.targetProperty : undefined;
  const names = [...(args.serviceNames as string[])].sort(compareNames);
  for (const name of names) {
    if (!Object.hasOwn(args.services, name)) throw filterError(NAME, `parameter "serviceNames" names "${name}", which is not in the services model`);
  }
  const present = names.filter((name) => Object.hasOwn(args.distribution, name));
  const what = property === undefined ? 'target' : property;
  // The value of a candidate: its target, or the target's property (JSON text).
  const valueOf = (svc: string, target: string) =>
    property === undefined ? target : JSON.stringify(requireTargetValue(NAME, lookupTarget(NAME, args.infrastructure, target, svc), property, svc));
  const values = new Map(present.map((svc) => [svc, [...new Set(args.distribution[svc]!.map((m) => valueOf(svc, m.target)))]]));

  // 1. A matching: every service one value of its own (Kuhn's augmenting paths, free values first).
  const owner = new Map<string, string>();
  const augment = (svc: string, seen: Set<string>): boolean => {
    // A free value first (the intuitive choice), then augmenting paths through the others' values.
    const free = values.get(svc)!.find((value) => !owner.has(value));
    if (free !== undefined) {
      owner.set(free, svc);
      return true;
    }
    for (const value of values.get(svc)!) {
      if (seen.has(value)) continue;
      seen.add(value);
      const holder = owner.get(value);
      if (holder === undefined || augment(holder, seen)) {
        owner.set(value, svc);
        return true;
      }
    }
    return false;
  };
  for (const svc of present) {
    if (values.get(svc)!.length === 0) continue; // nothing to keep apart
    if (!augment(svc, new Set())) {
      const involved = present.filter((s) => values.get(s)!.length > 0);
      const all = [...new Set(involved.flatMap((s) => values.get(s)!))];
      throw new PlanningError(`antiAffinity: services ${involved.map((s) => `"${s}"`).join(', ')} must be on different ${property === undefined ? 'targets' : `values of ${property}`}, but their candidates have only ${all.length} between them (${all.join(', ')})`);
    }
  }
  // 2./3. The other values: to their only holder, or to the holder with the fewest so far.
  const owned = new Map(present.map((svc) => [svc, 0]));
  for (const svc of owner.values()) owned.set(svc, owned.get(svc)! + 1);
  const remainingValues = [...new Set(present.flatMap((svc) => values.get(svc)!))].filter((v) => !owner.has(v));
  for (const value of remainingValues) {
    const holders = present.filter((svc) => values.get(svc)!.includes(value));
    const pick = holders.reduce((best, svc) => (owned.get(svc)! < owned.get(best)! ? svc : best));
    owner.set(value, pick);
    owned.set(pick, owned.get(pick)! + 1);
  }

  const result: Distribution = { ...args.distribution };
  for (const svc of present) {
    const candidates = args.distribution[svc]!;
    result[svc] = candidates.filter((m) => owner.get(valueOf(svc, m.target)) === svc);
    if (trace) {
      for (const m of candidates) {
        const holder = owner.get(valueOf(svc, m.target))!;
        if (holder !== svc) trace.removed(svc, m, `anti-affinity: ${what} ${property === undefined ? m.target : valueOf(svc, m.target)} is left to "${holder}"`);
      }
      trace.note(svc, `anti-affinity with ${present.filter((s) => s !== svc).map((s) => `"${s}"`).join(', ') || '(no other named service in the distribution)'}: kept [${result[svc]!.map(showMapping).join(', ')}]`);
    }
  }
  return result;
}
