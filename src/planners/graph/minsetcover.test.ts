import { describe, expect, it } from 'vitest';
import { ModelError } from '../../errors.js';
import { minsetcover } from './index.js';
import { minsetcoverGraph, minsetcoverPlan, solveMinsetcover } from './minsetcover.js';
import { distributionOf, infrastructureOf, servicesOf } from './testing.js';

const services = servicesOf({ a: [], b: [], c: [], d: [] });

describe('minsetcover', () => {
  it('picks the cheapest cost per newly covered service, greedily', () => {
    // t1 covers a,b,c for 6 (2 each), t2 covers c,d for 2 (1 each), t3 covers a for 1 (1 each).
    const infrastructure = infrastructureOf(['t1', 't2', 't3'], { t1: { cost: 6 }, t2: { cost: 2 }, t3: { cost: 1 } });
    const distribution = distributionOf({ a: ['t1', 't3'], b: ['t1'], c: ['t1', 't2'], d: ['t2'] });
    const { distribution: result, stats } = minsetcoverPlan({ services, infrastructure, distribution, targetProperty: 'cost' });
    // Round 1: t2 (1.0) ties t3 (1.0): t2 first by name; covers c, d. Round 2: t1 = 6/2 = 3, t3 = 1/1: t3 covers a. Round 3: t1 covers b.
    expect(stats.chosen).toEqual(['t2', 't3', 't1']);
    expect(stats.totalCost).toBe(9);
    expect(result).toEqual(distributionOf({ a: ['t3'], b: ['t1'], c: ['t2'], d: ['t2'] }));
  });

  it('treats a missing cost as 0 (B3) and parses numeric strings', () => {
    const infrastructure = infrastructureOf(['t1', 't2'], { t1: { cost: '5' } });
    const distribution = distributionOf({ a: ['t1', 't2'], b: ['t1'], c: ['t2'], d: ['t1'] });
    const { distribution: result } = minsetcoverPlan({ services, infrastructure, distribution, targetProperty: 'cost' });
    expect(result).toEqual(distributionOf({ a: ['t2'], b: ['t1'], c: ['t2'], d: ['t1'] }));
    const bad = infrastructureOf(['t1'], { t1: { cost: 'cheap' } });
    expect(() => minsetcoverPlan({ services, infrastructure: bad, distribution: distributionOf({ a: ['t1'] }), targetProperty: 'cost' })).toThrow(ModelError);
  });

  it('terminates with uncoverable services (B4), leaves them empty and warns', () => {
    const infrastructure = infrastructureOf(['t1'], { t1: { cost: 1 } });
    const distribution = distributionOf({ a: ['t1'], b: [], c: ['t1'] }); // d is not in the distribution at all
    const warnings: string[] = [];
    const result = minsetcover({ services, infrastructure, distribution, targetProperty: 'cost', onWarning: (m) => warnings.push(m) });
    expect(result).toEqual(distributionOf({ a: ['t1'], b: [], c: ['t1'] }));
    expect(warnings).toEqual(['warning: 2 service(s) cannot be covered (no candidate target) and stay without a target: b, d']);
  });

  it('keeps the container of the chosen candidate', () => {
    const infrastructure = infrastructureOf(['t1', 't2'], { t1: { cost: 1 }, t2: { cost: 5 } });
    const distribution = { a: [{ target: 't2' }, { target: 't1', container: 'web' }], b: [{ target: 't1' }] };
    const graph = minsetcoverGraph({ services, infrastructure, distribution, targetProperty: 'cost' });
    expect(graph.getNodeAttribute('host:t2', 'cost')).toBe(5);
    const { assignment } = solveMinsetcover(graph);
    expect(assignment.size).toBe(2);
    expect(minsetcoverPlan({ services, infrastructure, distribution, targetProperty: 'cost' }).distribution).toEqual({
      a: [{ target: 't1', container: 'web' }],
      b: [{ target: 't1' }],
    });
  });

  it('covers 50k services quickly and exactly once', () => {
    const many = servicesOf(Object.fromEntries(Array.from({ length: 50_000 }, (_, i) => [`s${i}`, []])));
    const targets = Array.from({ length: 50 }, (_, i) => `t${i}`);
    const infrastructure = infrastructureOf(targets, Object.fromEntries(targets.map((t, i) => [t, { cost: 1 + (i % 7) }])));
    const distribution = distributionOf(Object.fromEntries(Object.keys(many).map((s, i) => [s, [targets[i % 50]!, targets[(i * 7) % 50]!].filter((t, j, all) => all.indexOf(t) === j)])));
    const { distribution: result } = minsetcoverPlan({ services: many, infrastructure, distribution, targetProperty: 'cost' });
    for (const [name, mappings] of Object.entries(result)) {
      expect(mappings).toHaveLength(1);
      expect(distribution[name]!.map((m) => m.target)).toContain(mappings[0]!.target);
    }
  });
});
