/** divideRoundRobin: one target per service, cycling through the candidates (reference §3.1, findNextTarget). */
import { PlanningError } from '../errors.js';
import type { Distribution, Mapping } from '../model/types.js';
import { sortedKeys } from '../model/value.js';
import type { ModelArgs, StepTrace } from './common.js';

export function divideRoundRobin(args: Pick<ModelArgs, 'distribution'>, trace?: StepTrace): Distribution {
  const result: Distribution = {};
  let prev: string | undefined;
  for (const svc of sortedKeys(args.distribution)) {
    const candidates = args.distribution[svc]!;
    if (candidates.length === 0) throw new PlanningError(`divideRoundRobin: cannot find a target machine for service "${svc}": it has no candidates`);
    let chosen: Mapping;
    if (prev === undefined || candidates.length === 1) chosen = candidates[0]!;
    else {
      const index = candidates.findIndex((m) => m.target === prev);
      chosen = index === -1 ? candidates[0]! : candidates[(index + 1) % candidates.length]!;
    }
    if (trace) {
      for (const m of candidates) if (m !== chosen) trace.removed(svc, m, `round robin chose ${chosen.target}`);
      trace.note(svc, prev === undefined ? 'first service: head of the list' : `previous choice ${prev}`);
    }
    result[svc] = [chosen];
    prev = chosen.target;
  }
  return result;
}
