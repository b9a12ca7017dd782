/**
 * prefer: soft preferences (docs/gendist.md, "prefer"). Each preference gives a weight to the
 * candidates that match it; every service's candidates are reordered by their total score, highest
 * first, ties in their previous order. Nothing is removed, so a preference never undoes a hard filter
 * that ran before; a planner after it (divide greedy, spread, …) takes the preferred candidates first.
 *
 * A preference is `{ "targetProperty": P, "value": V, "weight": W }` (the target's P equals V, Nix `==`;
 * V defaults to true) or `{ "targetProperty": P, "serviceProperty": S, "weight": W }` (the target's P
 * equals the service's S). W is a number (default 1; negative to avoid). A missing property is no match.
 */
import type { Distribution } from '../model/types.js';
import type { Value } from '../model/value.js';
import { filterError, lookupService, lookupTarget, serviceValue, showMapping, showValue, targetValue, valueEquals, type ModelArgs, type StepTrace } from './common.js';

export interface Preference {
  targetProperty: string;
  value?: Value;
  serviceProperty?: string;
  weight: number;
}

export interface PreferArgs extends ModelArgs {
  preferences: unknown;
}

const NAME = 'prefer';

/** Parses the `preferences` parameter (also when a JSON pipeline is parsed). */
export function parsePreferences(raw: unknown): Preference[] {
  if (!Array.isArray(raw) || raw.length === 0) throw filterError(NAME, `parameter "preferences" must be a non-empty list of { "targetProperty": P, "value": V, "weight": W }, got ${raw === undefined ? 'nothing' : JSON.stringify(raw)}`);
  return raw.map((item: unknown, i): Preference => {
    const at = `preferences[${i}]`;
    if (item === null || typeof item !== 'object' || Array.isArray(item)) throw filterError(NAME, `${at}: expected an object { "targetProperty": P, "value": V, "weight": W }`);
    const { targetProperty, value, serviceProperty, weight, ...rest } = item as Record<string, unknown>;
    const unknown = Object.keys(rest);
    if (unknown.length > 0) throw filterError(NAME, `${at}: unknown attribute "${unknown[0]}" (expected targetProperty, value or serviceProperty, weight)`);
    if (typeof targetProperty !== 'string') throw filterError(NAME, `${at}.targetProperty: expected a property name`);
    if (value !== undefined && serviceProperty !== undefined) throw filterError(NAME, `${at}: give either "value" or "serviceProperty", not both`);
    if (serviceProperty !== undefined && typeof serviceProperty !== 'string') throw filterError(NAME, `${at}.serviceProperty: expected a property name`);
    if (weight !== undefined && (typeof weight !== 'number' || !Number.isFinite(weight))) throw filterError(NAME, `${at}.weight: expected a number, got ${JSON.stringify(weight)}`);
    return {
      targetProperty,
      ...(serviceProperty !== undefined ? { serviceProperty } : { value: (value ?? true) as Value }),
      weight: weight ?? 1,
    };
  });
}

export function prefer(args: PreferArgs, trace?: StepTrace): Distribution {
  const preferences = parsePreferences(args.preferences);
  const result: Distribution = {};
  for (const [svc, candidates] of Object.entries(args.distribution)) {
    const service = lookupService(NAME, args.services, svc);
    const scored = candidates.map((mapping, index) => {
      const target = lookupTarget(NAME, args.infrastructure, mapping.target, svc);
      let score = 0;
      const matched: string[] = [];
      for (const p of preferences) {
        const wanted = p.serviceProperty === undefined ? p.value : serviceValue(service, p.serviceProperty);
        const have = targetValue(target, p.targetProperty);
        if (wanted !== undefined && have !== undefined && valueEquals(have, wanted)) {
          score += p.weight;
          matched.push(`${p.targetProperty}=${showValue(have)} ${p.weight >= 0 ? '+' : ''}${p.weight}`);
        }
      }
      return { mapping, index, score, matched };
    });
    scored.sort((a, b) => b.score - a.score || a.index - b.index);
    result[svc] = scored.map((s) => s.mapping);
    trace?.note(svc, `scores: ${scored.map((s) => `${showMapping(s.mapping)}=${s.score}${s.matched.length > 0 ? ` (${s.matched.join(', ')})` : ''}`).join(', ')}`);
  }
  return result;
}
