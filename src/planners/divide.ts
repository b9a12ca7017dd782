/**
 * divide: one-dimensional capacity division (reference §3.3). Each service (in sorted order, or by
 * decreasing demand for the *-fit-decreasing strategies) gets one candidate with enough remaining
 * capacity, whose capacity then shrinks by the demand.
 *
 * - greedy: the first sufficient candidate;
 * - highest-bidder: the sufficient candidate with the most remaining capacity, ties to the earliest;
 * - lowest-bidder: the sufficient candidate with the least remaining capacity, ties to the earliest
 *   (the original compared the demand with the provisional choice instead of the candidate, so an
 *   insufficient candidate could win: fixed);
 * - first-fit-decreasing: greedy over the services by decreasing demand (ties by name);
 * - best-fit-decreasing: lowest-bidder over the services by decreasing demand (ties by name).
 *
 * A candidate without the capacity property is skipped (B2); a service without the demand property,
 * or a non-numeric demand/capacity, is a model error (exit 2).
 */
import { PlanningError } from '../errors.js';
import type { Distribution, Mapping } from '../model/types.js';
import { compareNames, sortedKeys, type Value } from '../model/value.js';
import { filterError, lookupService, lookupTarget, requireServiceValue, showMapping, showValue, targetValue, type ModelArgs, type StepTrace } from './common.js';

export const DIVIDE_STRATEGIES = ['greedy', 'highest-bidder', 'lowest-bidder', 'first-fit-decreasing', 'best-fit-decreasing'] as const;
export type DivideStrategy = (typeof DIVIDE_STRATEGIES)[number];

export function isDivideStrategy(value: unknown): value is DivideStrategy {
  return typeof value === 'string' && (DIVIDE_STRATEGIES as readonly string[]).includes(value);
}

export interface DivideArgs extends ModelArgs {
  strategy: string;
  serviceProperty: string;
  targetProperty: string;
}

/** Not enough capacity: exit 1; `partial` holds the services assigned so far. */
export class InsufficientCapacityError extends PlanningError {
  constructor(message: string, readonly partial: Distribution) {
    super(message);
  }
}

/** A numeric property value: numbers, or strings holding a number (as the C tools' atoi reads XML text). */
export function numeric(value: Value): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && /^\s*[-+]?\d+(\.\d+)?\s*$/.test(value)) return Number(value);
  return undefined;
}

export function divide(args: DivideArgs, trace?: StepTrace): Distribution {
  const name = 'divide';
  const { strategy, serviceProperty, targetProperty } = args;
  if (!isDivideStrategy(strategy)) throw filterError(name, `unknown strategy "${String(strategy)}" (expected one of ${DIVIDE_STRATEGIES.join(', ')})`);

  // Demands first: every error about the services comes before any planning.
  const demands = new Map<string, number>();
  for (const svc of sortedKeys(args.distribution)) {
    const service = lookupService(name, args.services, svc);
    const raw = requireServiceValue(name, service, serviceProperty, args.distribution[svc]![0]?.target);
    const demand = numeric(raw);
    if (demand === undefined) throw filterError(name, `property "${serviceProperty}" of service "${svc}" must be a number, got ${showValue(raw)}`, `services.${svc}.${serviceProperty}`);
    demands.set(svc, demand);
  }

  let servicesOrder = [...demands.keys()];
  if (strategy === 'first-fit-decreasing' || strategy === 'best-fit-decreasing') {
    servicesOrder = servicesOrder.sort((a, b) => demands.get(b)! - demands.get(a)! || compareNames(a, b));
  }

  // Remaining capacity per target; null = the target has no capacity property (skipped, B2).
  const remaining = new Map<string, number | null>();
  const capacityOf = (target: string, svc: string): number | null => {
    let cap = remaining.get(target);
    if (cap !== undefined) return cap;
    const raw = targetValue(lookupTarget(name, args.infrastructure, target, svc), targetProperty);
    if (raw === undefined) cap = null;
    else {
      const value = numeric(raw);
      if (value === undefined) throw filterError(name, `property "${targetProperty}" of target "${target}" must be a number (needed for service "${svc}"), got ${showValue(raw)}`, `infrastructure.${target}.properties.${targetProperty}`);
      cap = value;
    }
    remaining.set(target, cap);
    return cap;
  };

  const pickLowest = strategy === 'lowest-bidder' || strategy === 'best-fit-decreasing';
  const pickFirst = strategy === 'greedy' || strategy === 'first-fit-decreasing';
  const result: Distribution = {};
  for (const svc of servicesOrder) {
    const demand = demands.get(svc)!;
    const candidates = args.distribution[svc]!;
    let chosen: Mapping | undefined;
    let chosenCap = 0;
    for (const mapping of candidates) {
      const cap = capacityOf(mapping.target, svc);
      if (cap === null || demand > cap) continue;
      if (chosen === undefined) {
        chosen = mapping;
        chosenCap = cap;
        if (pickFirst) break;
      } else if (pickLowest ? cap < chosenCap : cap > chosenCap) {
        chosen = mapping;
        chosenCap = cap;
      }
    }
    if (chosen === undefined) {
      if (trace) {
        for (const m of candidates) {
          const cap = remaining.get(m.target);
          trace.removed(svc, m, cap === null || cap === undefined ? `no ${targetProperty} property` : `remaining ${targetProperty} ${cap} < ${demand}`);
        }
        trace.note(svc, candidates.length === 0 ? `${strategy}: no candidate targets` : `${strategy}: no candidate has ${demand} ${targetProperty} left`);
      }
      const detail = candidates.length === 0
        ? 'it has no candidate targets'
        : `remaining ${targetProperty}: ${candidates.map((m) => `${m.target}=${describeCapacity(remaining.get(m.target))}`).join(', ')}`;
      throw new InsufficientCapacityError(
        `divide (${strategy}): unable to select a target machine for service "${svc}" (${serviceProperty} = ${demand}), because none of them has sufficient resources left: ${detail}`,
        result,
      );
    }
    if (trace) {
      for (const m of candidates) {
        if (m === chosen) continue;
        const cap = remaining.get(m.target);
        trace.removed(svc, m, cap === undefined ? `not considered: ${strategy} takes the first sufficient candidate` : cap === null ? `no ${targetProperty} property` : demand > cap ? `remaining ${targetProperty} ${cap} < ${demand}` : `${strategy} preferred ${chosen.target} (remaining ${chosenCap})`);
      }
      trace.note(svc, `${strategy}: ${showMapping(chosen)} with remaining ${targetProperty} ${chosenCap} for demand ${demand}`);
    }
    remaining.set(chosen.target, chosenCap - demand);
    result[svc] = [chosen];
  }
  return result;
}

function describeCapacity(cap: number | null | undefined): string {
  return cap === null || cap === undefined ? '(no such property)' : String(cap);
}
