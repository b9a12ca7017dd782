/**
 * divideResources: capacity division over several resources at once (docs/gendist.md,
 * "divideResources"). Every resource is a pair of a numeric service property (the demand) and a numeric
 * target property (the capacity), e.g. requireMem:mem and requireCpu:cpu. Each service gets one
 * candidate on which *every* demand fits in what is left; that candidate's capacities then shrink.
 *
 * Shares: a demand or a leftover is measured as a share of the resource's total capacity over the
 * candidate targets (as in dominant resource fairness); a service's dominant share is its largest
 * demand share.
 * - first-fit (alias greedy): services in name order, the first candidate where everything fits;
 * - first-fit-decreasing: the same over services by decreasing dominant share (ties by name);
 * - best-fit: services in name order, the fitting candidate whose largest leftover share after the
 *   placement is smallest (the tightest fit; ties to the earliest candidate);
 * - best-fit-decreasing: best-fit over services by decreasing dominant share.
 *
 * As in divide: a candidate without one of the capacity properties is skipped (B2); a service without
 * a demand property or a non-numeric value is a model error (exit 2); a service that fits nowhere is
 * exit 1 (InsufficientCapacityError) naming, per candidate, the resources that ran out.
 */
import type { Distribution, Infrastructure, Mapping } from '../model/types.js';
import { compareNames, sortedKeys, type Value } from '../model/value.js';
import { filterError, lookupService, lookupTarget, requireServiceValue, showMapping, showValue, targetValue, type ModelArgs, type StepTrace } from './common.js';
import { InsufficientCapacityError, numeric } from './divide.js';

export interface Resource {
  serviceProperty: string;
  targetProperty: string;
}

export const RESOURCE_STRATEGIES = ['first-fit', 'greedy', 'first-fit-decreasing', 'best-fit', 'best-fit-decreasing'] as const;
export type ResourceStrategy = (typeof RESOURCE_STRATEGIES)[number];

export function isResourceStrategy(value: unknown): value is ResourceStrategy {
  return typeof value === 'string' && (RESOURCE_STRATEGIES as readonly string[]).includes(value);
}

export interface DivideResourcesArgs extends ModelArgs {
  strategy: string;
  /** `["requireMem:mem", …]` or `[{ serviceProperty, targetProperty }, …]`. */
  resources: unknown;
}

/**
 * Parses the resource list of a call or a command line. Each item is "serviceProperty:targetProperty"
 * or `{ serviceProperty, targetProperty }`; `where` names the parameter in errors.
 */
export function parseResources(filter: string, raw: unknown, where = 'resources'): Resource[] {
  if (!Array.isArray(raw) || raw.length === 0) {
    throw filterError(filter, `parameter "${where}" must be a non-empty list of "serviceProperty:targetProperty" pairs (e.g. ["requireMem:mem", "requireCpu:cpu"]), got ${raw === undefined ? 'nothing' : JSON.stringify(raw)}`);
  }
  return raw.map((item: unknown, i): Resource => {
    if (typeof item === 'string') {
      const match = /^([^:\s]+):([^:\s]+)$/.exec(item);
      if (!match) throw filterError(filter, `${where}[${i}]: expected "serviceProperty:targetProperty" (e.g. "requireMem:mem"), got ${JSON.stringify(item)}`);
      return { serviceProperty: match[1]!, targetProperty: match[2]! };
    }
    if (item !== null && typeof item === 'object' && !Array.isArray(item)) {
      const { serviceProperty, targetProperty, ...rest } = item as Record<string, unknown>;
      const extra = Object.keys(rest);
      if (typeof serviceProperty !== 'string' || typeof targetProperty !== 'string' || extra.length > 0) {
        throw filterError(filter, `${where}[${i}]: expected { "serviceProperty": NAME, "targetProperty": NAME }${extra.length > 0 ? ` (unknown attribute "${extra[0]}")` : ''}`);
      }
      return { serviceProperty, targetProperty };
    }
    throw filterError(filter, `${where}[${i}]: expected "serviceProperty:targetProperty" or an object, got ${JSON.stringify(item)}`);
  });
}

/** The demand vector of a service (exit 2 when a property is missing or not a number). */
export function demandsOf(filter: string, args: ModelArgs, svc: string, resources: readonly Resource[]): number[] {
  const service = lookupService(filter, args.services, svc);
  return resources.map(({ serviceProperty }) => {
    const raw = requireServiceValue(filter, service, serviceProperty, args.distribution[svc]?.[0]?.target);
    const value = numeric(raw);
    if (value === undefined) throw filterError(filter, `property "${serviceProperty}" of service "${svc}" must be a number, got ${showValue(raw)}`, `services.${svc}.${serviceProperty}`);
    return value;
  });
}

/** The capacity vector of a target, or null when it lacks one of the properties (skipped, B2). */
export function capacitiesOf(filter: string, infrastructure: Infrastructure, target: string, svc: string, resources: readonly Resource[]): number[] | null {
  const machine = lookupTarget(filter, infrastructure, target, svc);
  const out: number[] = [];
  for (const { targetProperty } of resources) {
    const raw: Value | undefined = targetValue(machine, targetProperty);
    if (raw === undefined) return null;
    const value = numeric(raw);
    if (value === undefined) throw filterError(filter, `property "${targetProperty}" of target "${target}" must be a number (needed for service "${svc}"), got ${showValue(raw)}`, `infrastructure.${target}.properties.${targetProperty}`);
    out.push(value);
  }
  return out;
}

export function divideResources(args: DivideResourcesArgs, trace?: StepTrace): Distribution {
  const name = 'divideResources';
  const { strategy } = args;
  if (!isResourceStrategy(strategy)) throw filterError(name, `unknown strategy "${String(strategy)}" (expected one of ${RESOURCE_STRATEGIES.join(', ')})`);
  const resources = parseResources(name, args.resources);
  const services = sortedKeys(args.distribution);

  // Every model error before any planning.
  const demands = new Map(services.map((svc) => [svc, demandsOf(name, args, svc, resources)]));
  const remaining = new Map<string, number[] | null>();
  for (const svc of services) {
    for (const m of args.distribution[svc]!) {
      if (!remaining.has(m.target)) remaining.set(m.target, capacitiesOf(name, args.infrastructure, m.target, svc, resources));
    }
  }
  // Totals over the candidate targets: the unit of every share (1 when a total is not positive).
  const totals = resources.map((_, r) => {
    let sum = 0;
    for (const caps of remaining.values()) if (caps) sum += caps[r]!;
    return sum > 0 ? sum : 1;
  });
  const dominant = (demand: number[]) => Math.max(...demand.map((x, r) => x / totals[r]!));

  const decreasing = strategy === 'first-fit-decreasing' || strategy === 'best-fit-decreasing';
  const bestFit = strategy === 'best-fit' || strategy === 'best-fit-decreasing';
  const order = decreasing ? [...services].sort((a, b) => dominant(demands.get(b)!) - dominant(demands.get(a)!) || compareNames(a, b)) : services;
  const shortOf = (demand: number[], caps: number[]) => resources.flatMap((res, r) => (demand[r]! > caps[r]! ? [`${res.targetProperty} ${caps[r]} < ${demand[r]}`] : []));
  // The hot loop: no allocation per candidate.
  const fits = (demand: number[], caps: number[]) => {
    for (let r = 0; r < demand.length; r++) if (demand[r]! > caps[r]!) return false;
    return true;
  };
  const leftover = (demand: number[], caps: number[]) => {
    let worst = -Infinity;
    for (let r = 0; r < demand.length; r++) worst = Math.max(worst, (caps[r]! - demand[r]!) / totals[r]!);
    return worst;
  };

  const result: Distribution = {};
  for (const svc of order) {
    const demand = demands.get(svc)!;
    const candidates = args.distribution[svc]!;
    let chosen: Mapping | undefined;
    let chosenScore = Infinity;
    for (const m of candidates) {
      const caps = remaining.get(m.target)!;
      if (caps === null || !fits(demand, caps)) continue;
      if (!bestFit) {
        chosen = m;
        break;
      }
      const score = leftover(demand, caps);
      if (score < chosenScore) {
        chosen = m;
        chosenScore = score;
      }
    }
    const showDemand = resources.map((res, r) => `${res.serviceProperty} = ${demand[r]}`).join(', ');
    if (chosen === undefined) {
      const why = (m: Mapping) => {
        const caps = remaining.get(m.target)!;
        return caps === null ? `no ${resources.map((r) => r.targetProperty).join('/')} properties` : `remaining ${shortOf(demand, caps).join(', ')}`;
      };
      if (trace) {
        for (const m of candidates) trace.removed(svc, m, why(m));
        trace.note(svc, `${strategy}: no candidate has room for ${showDemand}`);
      }
      const exhausted = [...new Set(candidates.flatMap((m) => {
        const caps = remaining.get(m.target)!;
        return caps === null ? [] : resources.filter((_, r) => demand[r]! > caps[r]!).map((res) => res.targetProperty);
      }))];
      const detail = candidates.length === 0 ? 'it has no candidate targets' : `${exhausted.length > 0 ? `ran out of ${exhausted.join(' and ')}: ` : ''}${candidates.map((m) => `${showMapping(m)}: ${why(m)}`).join('; ')}`;
      throw new InsufficientCapacityError(`divideResources (${strategy}): unable to select a target machine for service "${svc}" (${showDemand}), because none of them has sufficient resources left: ${detail}`, result);
    }
    const caps = remaining.get(chosen.target)!;
    if (trace) {
      let passedChosen = false;
      for (const m of candidates) {
        if (m === chosen) {
          passedChosen = true;
          continue;
        }
        const other = remaining.get(m.target)!;
        const short = other === null ? [] : shortOf(demand, other);
        trace.removed(svc, m, other === null ? `no ${resources.map((r) => r.targetProperty).join('/')} properties` : short.length > 0 ? `remaining ${short.join(', ')}` : !bestFit && passedChosen ? `not considered: ${strategy} takes the first candidate that fits` : `${strategy} preferred ${showMapping(chosen)}`);
      }
      trace.note(svc, `${strategy}: ${showMapping(chosen)} with remaining ${resources.map((res, r) => `${res.targetProperty} ${caps[r]}`).join(', ')} for ${showDemand}`);
    }
    remaining.set(chosen.target, caps.map((c, r) => c - demand[r]!));
    result[svc] = [chosen];
  }
  return result;
}
