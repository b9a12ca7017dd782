/**
 * The plan diff (docs/gendist.md, "Plan diffs"): how a new distribution differs from the previous one,
 * per service, like `nomad job plan`. Pure: `dydisnix-gendist --diff`, the `--max-moves` budget of the
 * dynamic planners and `dydisnix-env --dry-run` all use it.
 *
 * A service is
 * - `kept` when it runs on exactly the same mappings (target and container) as before;
 * - `moved` when it was deployed before and is now, but on other mappings (`from` = the mappings it
 *   leaves, `to` = the new ones, `stays` = the ones it keeps);
 * - `added` when it was not deployed before, `removed` when it is no longer deployed.
 * The move count is the number of moved services.
 */
import type { Distribution, Mapping } from '../model/types.js';
import { compareNames } from '../model/value.js';

export type ChangeKind = 'kept' | 'moved' | 'added' | 'removed';

export interface ServiceChange {
  service: string;
  kind: ChangeKind;
  /** Mappings the service leaves (moved, removed). */
  from: string[];
  /** Mappings the service gets (moved, added). */
  to: string[];
  /** Mappings it keeps (kept, and the unchanged part of a move). */
  stays: string[];
}

export interface PlanDiff {
  changes: ServiceChange[];
  counts: Record<ChangeKind, number>;
  /** The number of moved services. */
  moves: number;
}

const mappingKey = (m: Mapping): string => (m.container === undefined ? m.target : `${m.target}/${m.container}`);

function keys(mappings: readonly Mapping[] | undefined): string[] {
  return [...new Set((mappings ?? []).map(mappingKey))];
}

/** The diff of `next` against `previous` (null = nothing deployed before), services in byte order. */
export function diffDistributions(previous: Distribution | null, next: Distribution): PlanDiff {
  const before = previous ?? {};
  const services = [...new Set([...Object.keys(before), ...Object.keys(next)])].sort(compareNames);
  const counts: Record<ChangeKind, number> = { kept: 0, moved: 0, added: 0, removed: 0 };
  const changes: ServiceChange[] = [];
  for (const service of services) {
    const old = Object.hasOwn(before, service) ? keys(before[service]) : [];
    const now = Object.hasOwn(next, service) ? keys(next[service]) : [];
    const oldSet = new Set(old);
    const nowSet = new Set(now);
    const from = old.filter((m) => !nowSet.has(m));
    const to = now.filter((m) => !oldSet.has(m));
    const stays = now.filter((m) => oldSet.has(m));
    let kind: ChangeKind;
    if (old.length === 0 && now.length === 0) continue; // an empty list is "not deployed" on both sides
    else if (old.length === 0) kind = 'added';
    else if (now.length === 0) kind = 'removed';
    else kind = from.length === 0 && to.length === 0 ? 'kept' : 'moved';
    counts[kind]++;
    changes.push({ service, kind, from, to, stays });
  }
  return { changes, counts, moves: counts.moved };
}

/** The number of moved services only (what the --max-moves budget counts). */
export function countMoves(previous: Distribution | null, next: Distribution): number {
  return diffDistributions(previous, next).moves;
}

const list = (items: string[]) => items.join(', ');

/** One line per service. */
export function describeChange(change: ServiceChange): string {
  switch (change.kind) {
    case 'kept':
      return `  ${change.service}: kept on ${list(change.stays)}`;
    case 'added':
      return `+ ${change.service}: added on ${list(change.to)}`;
    case 'removed':
      return `- ${change.service}: removed from ${list(change.from)}`;
    case 'moved': {
      const move = `${change.from.length > 0 ? list(change.from) : '(none)'} -> ${change.to.length > 0 ? list(change.to) : '(none)'}`;
      return `~ ${change.service}: moved ${move}${change.stays.length > 0 ? ` (stays on ${list(change.stays)})` : ''}`;
    }
  }
}

export function summaryLine(diff: PlanDiff): string {
  const { kept, moved, added, removed } = diff.counts;
  return `Plan: ${added} to add, ${moved} to move, ${removed} to remove, ${kept} kept (moves: ${diff.moves})`;
}

/** The text form: one line per service, then the summary line. */
export function formatPlanDiff(diff: PlanDiff): string {
  return [...diff.changes.map(describeChange), summaryLine(diff)].join('\n') + '\n';
}

/** The JSON form (for scripts): `{ "services": { svc: {kind, from, to, stays} }, "counts": …, "moves": N }`. */
export function planDiffJson(diff: PlanDiff): string {
  const services = Object.fromEntries(diff.changes.map(({ service, ...rest }) => [service, rest]));
  return `${JSON.stringify({ services, counts: diff.counts, moves: diff.moves }, null, 2)}\n`;
}
