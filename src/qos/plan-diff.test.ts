import { describe, expect, it } from 'vitest';
import type { Distribution } from '../model/types.js';
import { countMoves, diffDistributions, formatPlanDiff, planDiffJson } from './plan-diff.js';

const d = (record: Record<string, string[]>): Distribution =>
  Object.fromEntries(Object.entries(record).map(([k, v]) => [k, v.map((t) => (t.includes('/') ? { target: t.split('/')[0]!, container: t.split('/')[1]! } : { target: t }))]));

describe('diffDistributions', () => {
  const previous = d({ web: ['t1'], db: ['t2/mysql'], cache: ['t1', 't2'], old: ['t3'], same: ['t3'] });
  const next = d({ web: ['t2'], db: ['t2/postgres'], cache: ['t2', 't3'], fresh: ['t1'], same: ['t3'] });

  it('classifies every service (hand-checked) and counts moved services', () => {
    const diff = diffDistributions(previous, next);
    expect(diff.changes).toEqual([
      { service: 'cache', kind: 'moved', from: ['t1'], to: ['t3'], stays: ['t2'] },
      { service: 'db', kind: 'moved', from: ['t2/mysql'], to: ['t2/postgres'], stays: [] },
      { service: 'fresh', kind: 'added', from: [], to: ['t1'], stays: [] },
      { service: 'old', kind: 'removed', from: ['t3'], to: [], stays: [] },
      { service: 'same', kind: 'kept', from: [], to: [], stays: ['t3'] },
      { service: 'web', kind: 'moved', from: ['t1'], to: ['t2'], stays: [] },
    ]);
    expect(diff.counts).toEqual({ kept: 1, moved: 3, added: 1, removed: 1 });
    expect(diff.moves).toBe(3);
    expect(countMoves(previous, next)).toBe(3);
  });

  it('prints one line per service and a summary', () => {
    expect(formatPlanDiff(diffDistributions(previous, next))).toBe(
      [
        '~ cache: moved t1 -> t3 (stays on t2)',
        '~ db: moved t2/mysql -> t2/postgres',
        '+ fresh: added on t1',
        '- old: removed from t3',
        '  same: kept on t3',
        '~ web: moved t1 -> t2',
        'Plan: 1 to add, 3 to move, 1 to remove, 1 kept (moves: 3)',
        '',
      ].join('\n'),
    );
  });

  it('order of mappings does not matter; no previous distribution means everything is added', () => {
    expect(diffDistributions(d({ a: ['t1', 't2'] }), d({ a: ['t2', 't1'] })).counts.kept).toBe(1);
    const fresh = diffDistributions(null, d({ a: ['t1'], b: [] }));
    expect(fresh.counts).toEqual({ kept: 0, moved: 0, added: 1, removed: 0 });
  });

  it('has a JSON form', () => {
    const json = JSON.parse(planDiffJson(diffDistributions(d({ a: ['t1'] }), d({ a: ['t2'] }))));
    expect(json).toEqual({ services: { a: { kind: 'moved', from: ['t1'], to: ['t2'], stays: [] } }, counts: { kept: 0, moved: 1, added: 0, removed: 0 }, moves: 1 });
  });
});
