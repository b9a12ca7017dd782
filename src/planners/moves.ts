/**
 * The move budget of the dynamic planners (docs/gendist.md, "Moves"): the capacity planners divide and
 * divideResources take the previous distribution and `maxMoves`. With a budget:
 * 1. the planner's own plan is used when it moves at most maxMoves services (moves as counted by
 *    src/qos/plan-diff.ts);
 * 2. otherwise every service whose previous mapping is still a candidate and still fits (services in
 *    name order) stays there, and only the others are placed by the planner, in the capacity the
 *    stayers leave;
 * 3. when even that moves more than maxMoves services (their previous targets are no longer candidates
 *    or lack the capacity), or the stayers leave too little room for the others, the hard rules win:
 *    the plan moves more, and a warning says how many moves were needed.
 * Without a budget or a previous distribution, the planner runs as it always did.
 */
import type { Distribution, Infrastructure, Mapping } from '../model/types.js';
import { countMoves } from '../qos/plan-diff.js';
import { showMapping, type ModelArgs, type StepTrace } from './common.js';
import { capacitiesOf, demandsOf, type Resource } from './divide-resources.js';
import { InsufficientCapacityError } from './divide.js';

export interface MoveBudgetArgs extends ModelArgs {
  maxMoves?: unknown;
  /** Where a budget that had to be exceeded is reported (the command prints it on stderr). */
  warn?: (message: string) => void;
}

/** Checks a maxMoves value: a non-negative integer. */
export function moveBudgetError(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? undefined : `parameter "maxMoves" must be a non-negative integer, got ${JSON.stringify(value)}`;
}

/** The candidate of `candidates` that is one of the service's previous mappings (containers compared when both have one). */
function previousCandidate(candidates: readonly Mapping[], previous: readonly Mapping[] | undefined): Mapping | undefined {
  if (!previous) return undefined;
  return candidates.find((c) => previous.some((p) => p.target === c.target && (c.container === undefined || p.container === undefined || c.container === p.container)));
}

/**
 * Runs a capacity planner under the move budget. `plan` is the planner itself (its own errors, model
 * errors included, pass through); `resources` are the demand/capacity pairs it uses.
 */
export function withMoveBudget<A extends MoveBudgetArgs>(filter: string, args: A, resources: readonly Resource[], plan: (args: A, trace?: StepTrace) => Distribution, trace?: StepTrace): Distribution {
  const budget = args.maxMoves;
  const previous = args.previousDistribution;
  if (typeof budget !== 'number' || !previous) return plan(args, trace);

  let ideal: Distribution | undefined;
  let idealError: unknown;
  try {
    ideal = plan(args);
  } catch (error) {
    if (!(error instanceof InsufficientCapacityError)) throw error;
    idealError = error;
  }
  const explainIdeal = (why: string) => {
    const result = plan(args, trace); // the same plan again, now recording why
    if (trace) for (const svc of Object.keys(result)) trace.note(svc, why);
    return result;
  };
  if (ideal && countMoves(previous, ideal) <= budget) {
    return trace ? explainIdeal(`maxMoves ${budget}: the planner's own plan moves ${countMoves(previous, ideal)} service(s), within the budget`) : ideal;
  }

  // Stayers first, in name order, while their previous mapping still has room.
  const stayers: Distribution = {};
  const remaining = new Map<string, number[] | null>();
  const rest: Distribution = {};
  for (const svc of Object.keys(args.distribution).sort()) {
    const candidates = args.distribution[svc]!;
    const stay = previousCandidate(candidates, previous[svc]);
    if (stay) {
      const demand = demandsOf(filter, args, svc, resources);
      if (!remaining.has(stay.target)) remaining.set(stay.target, capacitiesOf(filter, args.infrastructure, stay.target, svc, resources));
      const caps = remaining.get(stay.target)!;
      if (caps && demand.every((x, r) => x <= caps[r]!)) {
        remaining.set(stay.target, caps.map((c, r) => c - demand[r]!));
        stayers[svc] = [stay];
        continue;
      }
    }
    rest[svc] = candidates;
  }
  // The others are planned in what the stayers leave.
  const infrastructure: Infrastructure = { ...args.infrastructure };
  for (const [target, caps] of remaining) {
    if (!caps) continue;
    const machine = infrastructure[target]!;
    const properties = { ...machine.properties };
    resources.forEach((res, r) => (properties[res.targetProperty] = caps[r]!));
    infrastructure[target] = { ...machine, properties };
  }
  let placed: Distribution;
  try {
    placed = plan({ ...args, distribution: rest, infrastructure }, trace);
  } catch (error) {
    if (!(error instanceof InsufficientCapacityError)) throw error;
    if (!ideal) throw idealError;
    // Keeping services in place leaves too little room: the hard rules need the planner's own plan.
    const moves = countMoves(previous, ideal);
    args.warn?.(`${filter}: --max-moves ${budget} exceeded: ${moves} services move, because keeping services on their previous targets leaves too little capacity for the others`);
    return explainIdeal(`maxMoves ${budget}: keeping services in place leaves too little capacity; the planner's own plan moves ${moves} service(s)`);
  }
  const result: Distribution = { ...stayers, ...placed };
  const moves = countMoves(previous, result);
  if (moves > budget) args.warn?.(`${filter}: --max-moves ${budget} exceeded: ${moves} services must move to satisfy the hard rules (their previous targets are no longer candidates or lack the capacity)`);
  if (trace) {
    for (const [svc, [stay]] of Object.entries(stayers)) {
      for (const m of args.distribution[svc]!) if (m !== stay) trace.removed(svc, m, `maxMoves ${budget}: the service stays on ${showMapping(stay!)}`);
      trace.note(svc, `maxMoves ${budget}: kept on its previous target ${showMapping(stay!)}`);
    }
    for (const svc of Object.keys(placed)) if (previous[svc]) trace.note(svc, `maxMoves ${budget}: cannot stay on ${previous[svc]!.map(showMapping).join(', ')}`);
  }
  return result;
}

/** `--max-moves N` of a command line: a non-negative integer (exit 2 otherwise). */
export async function maxMovesOption(text: string): Promise<number> {
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value)) {
    const { UsageError } = await import('../errors.js');
    throw new UsageError(`--max-moves expects a non-negative integer, got "${text}"`);
  }
  return value;
}
