/**
 * spread: places the instances of a service, or of a group of services, over the values of a target
 * property (zone, rack) as evenly as the candidates allow (docs/gendist.md, "spread").
 *
 * - `targetProperty`: the property whose values are spread over (every candidate must have it);
 * - `instances` (optional): how many targets each service gets: a number, or the name of a numeric
 *   service property; default 1;
 * - `groupBy` (optional): a service property; services with equal values are spread together (services
 *   without it form a group of their own). Without it, each service is spread on its own;
 * - `narrow` (optional): "target" (default) keeps exactly the chosen targets; "zone" keeps every
 *   candidate in the chosen zone (the chosen target first), so that a capacity planner after it picks
 *   the target; "zone" needs one instance per service.
 *
 * Per group, the instances are assigned to zones by a min-cost flow whose cost per zone grows with
 * the square of its count (the i-th instance in a zone costs 2i-1), so the counts are as even as the
 * candidates allow (the most even, then the smallest maximum). Among the most even assignments the
 * flow keeps as many instances as possible on their previous targets (a cheaper arc for candidates in
 * the previous distribution). In a zone, a service takes its previous targets first, then the targets
 * with the fewest instances of the group so far, then candidate order. A service never gets the same
 * target twice; one that needs more instances than it has candidates is exit 1.
 */
import { PlanningError } from '../errors.js';
import type { Distribution, Mapping } from '../model/types.js';
import { compareNames, sortedKeys, type Value } from '../model/value.js';
import { filterError, lookupService, lookupTarget, requireTargetValue, serviceValue, showValue, type ModelArgs, type StepTrace } from './common.js';
import { numeric } from './divide.js';
import { MinCostFlow } from './min-cost-flow.js';

export interface SpreadArgs extends ModelArgs {
  targetProperty: string;
  instances?: unknown;
  groupBy?: unknown;
  narrow?: unknown;
}

const NAME = 'spread';

/** Parameter checks that need no models (also run when a JSON pipeline is parsed). */
export function spreadParamError(params: { instances?: unknown; groupBy?: unknown; narrow?: unknown }): string | undefined {
  const { instances, groupBy, narrow } = params;
  if (narrow !== undefined && narrow !== null && narrow !== 'target' && narrow !== 'zone') return `parameter "narrow" must be "target" or "zone", got ${JSON.stringify(narrow)}`;
  if (instances !== undefined && instances !== null && !(typeof instances === 'string' || (typeof instances === 'number' && Number.isInteger(instances) && instances >= 1))) {
    return `parameter "instances" must be a positive integer or the name of a service property, got ${JSON.stringify(instances)}`;
  }
  if (groupBy !== undefined && groupBy !== null && typeof groupBy !== 'string') return `parameter "groupBy" must be the name of a service property, got ${JSON.stringify(groupBy)}`;
  return undefined;
}

function instancesOf(args: SpreadArgs, svc: string): number {
  const { instances } = args;
  if (instances === undefined || instances === null) return 1;
  if (typeof instances === 'number') return instances;
  const raw = serviceValue(lookupService(NAME, args.services, svc), String(instances));
  if (raw === undefined) throw filterError(NAME, `service "${svc}" has no property "${String(instances)}" (its number of instances)`, `services.${svc}.${String(instances)}`);
  const count = numeric(raw);
  if (count === undefined || !Number.isInteger(count) || count < 0) throw filterError(NAME, `property "${String(instances)}" of service "${svc}" must be a non-negative integer (its number of instances), got ${showValue(raw)}`, `services.${svc}.${String(instances)}`);
  return count;
}

const keyOf = (value: Value): string => JSON.stringify(value);

export function spread(args: SpreadArgs, trace?: StepTrace): Distribution {
  const error = spreadParamError(args);
  if (error) throw filterError(NAME, error);
  const { targetProperty } = args;
  const groupBy = typeof args.groupBy === 'string' ? args.groupBy : undefined;
  const previous = args.previousDistribution ?? null;

  // Groups (sorted by key), each with its services in name order; all model errors first.
  const groups = new Map<string, string[]>();
  const zoneOf = new Map<string, string>(); // target -> zone key
  const counts = new Map<string, number>();
  for (const svc of sortedKeys(args.distribution)) {
    const service = lookupService(NAME, args.services, svc);
    const value = groupBy === undefined ? undefined : serviceValue(service, groupBy);
    const key = value === undefined ? `service:${svc}` : `group:${keyOf(value)}`;
    const members = groups.get(key);
    if (members) members.push(svc);
    else groups.set(key, [svc]);
    const count = instancesOf(args, svc);
    if (args.narrow === 'zone' && count > 1) throw filterError(NAME, `narrow "zone" keeps the candidates of one zone per service, but service "${svc}" needs ${count} instances (use narrow "target")`);
    counts.set(svc, count);
    const candidates = args.distribution[svc]!;
    for (const m of candidates) {
      if (!zoneOf.has(m.target)) zoneOf.set(m.target, keyOf(requireTargetValue(NAME, lookupTarget(NAME, args.infrastructure, m.target, svc), targetProperty, svc)));
    }
    const distinct = new Set(candidates.map((m) => m.target)).size;
    if (count > distinct) {
      throw new PlanningError(`spread: service "${svc}" needs ${count} instance${count === 1 ? '' : 's'} on distinct targets but has only ${distinct} candidate target${distinct === 1 ? '' : 's'}${distinct > 0 ? ` (${[...new Set(candidates.map((m) => m.target))].join(', ')})` : ''}`);
    }
  }

  const result: Distribution = {};
  for (const key of [...groups.keys()].sort(compareNames)) {
    const members = groups.get(key)!;
    const placed = spreadGroup(members, args, counts, zoneOf, previous);
    const zoneCounts = new Map<string, number>();
    for (const svc of members) for (const m of placed.get(svc)!) zoneCounts.set(zoneOf.get(m.target)!, (zoneCounts.get(zoneOf.get(m.target)!) ?? 0) + 1);
    const summary = [...zoneCounts.keys()].sort(compareNames).map((z) => `${z}: ${zoneCounts.get(z)}`).join(', ');
    for (const svc of members) {
      const chosen = placed.get(svc)!;
      const candidates = args.distribution[svc]!;
      if (args.narrow === 'zone') {
        // The chosen target first, then the other candidates of its zone in candidate order.
        const zone = chosen.length > 0 ? zoneOf.get(chosen[0]!.target) : undefined;
        result[svc] = [...chosen, ...candidates.filter((m) => !chosen.includes(m) && zoneOf.get(m.target) === zone)];
      } else result[svc] = candidates.filter((m) => chosen.includes(m));
      const kept = new Set(result[svc]);
      if (trace) {
        for (const m of candidates) {
          if (!kept.has(m)) trace.removed(svc, m, `not needed: ${counts.get(svc)} instance(s) placed (${targetProperty} ${zoneOf.get(m.target)} has ${zoneCounts.get(zoneOf.get(m.target)!) ?? 0} of the ${members.length > 1 ? 'group' : 'service'}'s instances)`);
        }
        trace.note(svc, `spread over ${targetProperty}${members.length > 1 ? ` with ${members.filter((s) => s !== svc).join(', ')}` : ''}: ${summary || 'no instances'}`);
      }
    }
  }
  return result;
}

/** One group: zone counts by min-cost flow, then targets per zone. */
function spreadGroup(members: string[], args: SpreadArgs, counts: Map<string, number>, zoneOf: Map<string, string>, previous: Distribution | null): Map<string, Mapping[]> {
  const total = members.reduce((n, svc) => n + counts.get(svc)!, 0);
  const zones = [...new Set(members.flatMap((svc) => args.distribution[svc]!.map((m) => zoneOf.get(m.target)!)))].sort(compareNames);
  const zoneIndex = new Map(zones.map((z, i) => [z, i]));
  const wasThere = (svc: string, m: Mapping) => (previous?.[svc] ?? []).some((p) => p.target === m.target);
  // Distinct candidate targets per service and zone, split into previous ones and others.
  const slots = members.map((svc) => {
    const seen = new Set<string>();
    const perZone = zones.map(() => ({ previous: [] as Mapping[], other: [] as Mapping[] }));
    for (const m of args.distribution[svc]!) {
      if (seen.has(m.target)) continue;
      seen.add(m.target);
      const slot = perZone[zoneIndex.get(zoneOf.get(m.target)!)!]!;
      (wasThere(svc, m) ? slot.previous : slot.other).push(m);
    }
    return perZone;
  });

  // Nodes: 0 source, 1 sink, 2.. services, then zones.
  const big = total + 1; // one unit of evenness outweighs every possible stay bonus
  const flow = new MinCostFlow(2 + members.length + zones.length);
  const zoneNode = (z: number) => 2 + members.length + z;
  const arcs = members.map((svc, s) => {
    flow.addArc(0, 2 + s, counts.get(svc)!, 0);
    return slots[s]!.map((slot, z) => ({
      previous: slot.previous.length > 0 ? flow.addArc(2 + s, zoneNode(z), slot.previous.length, 0) : -1,
      other: slot.other.length > 0 ? flow.addArc(2 + s, zoneNode(z), slot.other.length, 1) : -1,
    }));
  });
  zones.forEach((_, z) => {
    // No zone can take more instances than its services have targets there.
    const room = members.reduce((n, svc, s) => n + Math.min(counts.get(svc)!, slots[s]![z]!.previous.length + slots[s]![z]!.other.length), 0);
    for (let i = 1; i <= room; i++) flow.addArc(zoneNode(z), 1, 1, big * (2 * i - 1));
  });
  flow.run(0, 1, total);

  // Targets per zone: previous ones first, then the least used by the group, then candidate order.
  const used = new Map<string, number>();
  const placed = new Map<string, Mapping[]>();
  members.forEach((svc, s) => {
    const chosen: Mapping[] = [];
    slots[s]!.forEach((slot, z) => {
      const arc = arcs[s]![z]!;
      chosen.push(...slot.previous.slice(0, arc.previous === -1 ? 0 : flow.flow(arc.previous)));
      const n = arc.other === -1 ? 0 : flow.flow(arc.other);
      const others = slot.other.map((m, i) => ({ m, i })).sort((a, b) => (used.get(a.m.target) ?? 0) - (used.get(b.m.target) ?? 0) || a.i - b.i);
      chosen.push(...others.slice(0, n).map((o) => o.m));
    });
    for (const m of chosen) used.set(m.target, (used.get(m.target) ?? 0) + 1);
    placed.set(svc, chosen);
  });
  return placed;
}
