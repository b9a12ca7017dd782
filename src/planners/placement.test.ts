import { describe, expect, it } from 'vitest';
import { ModelError, PlanningError } from '../errors.js';
import type { Distribution, Infrastructure, Services } from '../model/types.js';
import { seededRandom } from '../util/random.js';
import { antiAffinity } from './anti-affinity.js';
import { Explainer } from './common.js';
import { divide, InsufficientCapacityError } from './divide.js';
import { divideResources, RESOURCE_STRATEGIES } from './divide-resources.js';
import { mapAttrOnAttr } from './map-attr-on-attr.js';
import { MinCostFlow } from './min-cost-flow.js';
import { prefer } from './prefer.js';
import { checkParams, referenceFilters, runFilter } from './registry.js';
import { spread } from './spread.js';

const svc = (name: string, properties: Services[string]['properties'] = {}): Services[string] => ({ name, type: 'process', dependsOn: [], connectsTo: [], activatesAfter: [], properties });
const target = (name: string, properties: Infrastructure[string]['properties']): Infrastructure[string] => ({ name, properties, containers: {} });
const d = (record: Record<string, string[]>): Distribution => Object.fromEntries(Object.entries(record).map(([k, v]) => [k, v.map((t) => ({ target: t }))]));
const names = (dist: Distribution) => Object.fromEntries(Object.entries(dist).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => [k, v.map((m) => m.target)]));
const all = (services: Services, infrastructure: Infrastructure) => Object.fromEntries(Object.keys(services).map((s) => [s, Object.keys(infrastructure).map((t) => ({ target: t }))]));

describe('divideResources', () => {
  const services: Services = {
    a: svc('a', { mem: 60, cpu: 1 }),
    b: svc('b', { mem: 30, cpu: 3 }),
    c: svc('c', { mem: 40, cpu: 1 }),
  };
  const infrastructure: Infrastructure = {
    t1: target('t1', { mem: 100, cpu: 2 }),
    t2: target('t2', { mem: 50, cpu: 4 }),
  };
  const base = { services, infrastructure, distribution: d({ a: ['t1', 't2'], b: ['t1', 't2'], c: ['t1', 't2'] }), previousDistribution: null, resources: ['mem:mem', 'cpu:cpu'] };

  it('first-fit: name order, the first candidate where every demand fits (hand-checked)', () => {
    // a -> t1 (40/1 left); b needs cpu 3: t1 has 1 -> t2 (20/1 left); c: t1 mem 40 >= 40, cpu 1 -> t1.
    expect(names(divideResources({ ...base, strategy: 'first-fit' }))).toEqual({ a: ['t1'], b: ['t2'], c: ['t1'] });
  });

  it('best-fit-decreasing: by dominant share, the tightest fit (hand-checked)', () => {
    // totals mem 150, cpu 6; dominant shares a 0.4, b 0.5, c 0.267 -> order b, a, c.
    // b fits only t2 -> t2 (20/1). a fits only t1 -> t1 (40/1). c: t1 leftover max(0, 0)=0; t2 mem 20 < 40 -> t1.
    expect(names(divideResources({ ...base, strategy: 'best-fit-decreasing' }))).toEqual({ a: ['t1'], b: ['t2'], c: ['t1'] });
  });

  it('names the resource that ran out (exit 1) and keeps the partial result', () => {
    const small = { ...infrastructure, t1: target('t1', { mem: 100, cpu: 1 }) };
    try {
      divideResources({ ...base, infrastructure: small, distribution: d({ a: ['t1'], c: ['t1'] }), strategy: 'first-fit' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(InsufficientCapacityError);
      expect((error as Error).message).toBe('divideResources (first-fit): unable to select a target machine for service "c" (mem = 40, cpu = 1), because none of them has sufficient resources left: ran out of cpu: t1: remaining cpu 0 < 1');
      expect(names((error as InsufficientCapacityError).partial)).toEqual({ a: ['t1'] });
    }
  });

  it('model errors (missing demand, bad resource list, unknown strategy) are exit 2', () => {
    expect(() => divideResources({ ...base, resources: ['mem:mem', 'disk:disk'], strategy: 'first-fit' })).toThrow(/service "a" has no property "disk"/);
    expect(() => divideResources({ ...base, resources: ['mem'], strategy: 'first-fit' })).toThrow(ModelError);
    expect(() => divideResources({ ...base, strategy: 'worst-fit' })).toThrow(/unknown strategy "worst-fit"/);
  });

  it('with one resource it places like divide', () => {
    const random = seededRandom(7);
    for (let round = 0; round < 50; round++) {
      const s: Services = {};
      const infra: Infrastructure = {};
      for (let i = 0; i < 6; i++) s[`s${i}`] = svc(`s${i}`, { mem: 1 + Math.floor(random() * 40) });
      for (let i = 0; i < 3; i++) infra[`t${i}`] = target(`t${i}`, { mem: 20 + Math.floor(random() * 80) });
      const args = { services: s, infrastructure: infra, distribution: all(s, infra), previousDistribution: null };
      for (const [ours, theirs] of [['first-fit', 'greedy'], ['first-fit-decreasing', 'first-fit-decreasing'], ['best-fit-decreasing', 'best-fit-decreasing']] as const) {
        let expected: unknown;
        try {
          expected = names(divide({ ...args, strategy: theirs, serviceProperty: 'mem', targetProperty: 'mem' }));
        } catch (error) {
          expected = error instanceof InsufficientCapacityError ? 'insufficient' : error;
        }
        let got: unknown;
        try {
          got = names(divideResources({ ...args, strategy: ours, resources: ['mem:mem'] }));
        } catch (error) {
          got = error instanceof InsufficientCapacityError ? 'insufficient' : error;
        }
        expect(got).toEqual(expected);
      }
    }
  });

  it('property: on random instances no capacity is ever exceeded, and every service is placed on a candidate', () => {
    const random = seededRandom(2026);
    let placedRuns = 0;
    for (let round = 0; round < 300; round++) {
      const resources = ['mem', 'cpu', 'disk'].slice(0, 1 + Math.floor(random() * 3));
      const s: Services = {};
      const infra: Infrastructure = {};
      const nServices = 1 + Math.floor(random() * 12);
      const nTargets = 1 + Math.floor(random() * 5);
      for (let i = 0; i < nServices; i++) s[`s${i}`] = svc(`s${i}`, Object.fromEntries(resources.map((r) => [`need_${r}`, Math.floor(random() * 30)])));
      for (let i = 0; i < nTargets; i++) infra[`t${i}`] = target(`t${i}`, Object.fromEntries(resources.map((r) => [r, Math.floor(random() * 100)])));
      const distribution: Distribution = {};
      for (const name of Object.keys(s)) distribution[name] = Object.keys(infra).filter(() => random() < 0.7).map((t) => ({ target: t }));
      const strategy = RESOURCE_STRATEGIES[Math.floor(random() * RESOURCE_STRATEGIES.length)]!;
      let result: Distribution;
      try {
        result = divideResources({ services: s, infrastructure: infra, distribution, previousDistribution: null, strategy, resources: resources.map((r) => `need_${r}:${r}`) });
      } catch (error) {
        expect(error).toBeInstanceOf(InsufficientCapacityError);
        result = (error as InsufficientCapacityError).partial;
      }
      placedRuns += Object.keys(result).length === nServices ? 1 : 0;
      for (const r of resources) {
        for (const t of Object.keys(infra)) {
          const used = Object.entries(result).filter(([, ms]) => ms[0]!.target === t).reduce((sum, [name]) => sum + (s[name]!.properties[`need_${r}`] as number), 0);
          expect(used).toBeLessThanOrEqual(infra[t]!.properties[r] as number);
        }
      }
      for (const [name, ms] of Object.entries(result)) {
        expect(ms).toHaveLength(1);
        expect(distribution[name]!.map((m) => m.target)).toContain(ms[0]!.target);
      }
    }
    expect(placedRuns).toBeGreaterThan(30); // the property is not only checked on failures
  });
});

describe('move budget (maxMoves) of divide and divideResources', () => {
  const services: Services = { a: svc('a', { mem: 10 }), b: svc('b', { mem: 10 }), c: svc('c', { mem: 10 }) };
  const infrastructure: Infrastructure = { t1: target('t1', { mem: 30 }), t2: target('t2', { mem: 30 }), t3: target('t3', { mem: 10 }) };
  const distribution = d({ a: ['t1', 't2', 't3'], b: ['t1', 't2', 't3'], c: ['t1', 't2', 't3'] });
  const previous = d({ a: ['t2'], b: ['t3'], c: ['t2'] });
  const base = { services, infrastructure, distribution, previousDistribution: previous, strategy: 'greedy', serviceProperty: 'mem', targetProperty: 'mem' };
  const run = (extra: Record<string, unknown>, context: Record<string, unknown> = {}) => {
    const warnings: string[] = [];
    const result = runFilter(referenceFilters().divide!, { ...base, ...extra } as never, { services, infrastructure, initialDistribution: distribution, previousDistribution: previous, warn: (m) => warnings.push(m), ...context });
    return result.then((r) => ({ result: names(r), warnings }));
  };

  it('without a budget the planner ignores the previous distribution', async () => {
    expect((await run({})).result).toEqual({ a: ['t1'], b: ['t1'], c: ['t1'] });
  });
  it('maxMoves 0 keeps every service that still fits where it was', async () => {
    expect(await run({ maxMoves: 0 })).toEqual({ result: { a: ['t2'], b: ['t3'], c: ['t2'] }, warnings: [] });
  });
  it('the run-wide --max-moves applies to dynamic planners', async () => {
    expect((await run({}, { maxMoves: 0 })).result).toEqual({ a: ['t2'], b: ['t3'], c: ['t2'] });
  });
  it("a budget the planner's own plan respects lets it plan freely", async () => {
    expect((await run({ maxMoves: 3 })).result).toEqual({ a: ['t1'], b: ['t1'], c: ['t1'] });
  });
  it('moves beyond the budget when the hard rules need it, with a warning', async () => {
    // t3 is no longer a candidate of b: b must move.
    const { result, warnings } = await run({ maxMoves: 0, distribution: d({ a: ['t1', 't2', 't3'], b: ['t1', 't2'], c: ['t1', 't2', 't3'] }) });
    expect(result).toEqual({ a: ['t2'], b: ['t1'], c: ['t2'] });
    expect(warnings).toEqual(['divide: --max-moves 0 exceeded: 1 services must move to satisfy the hard rules (their previous targets are no longer candidates or lack the capacity)']);
  });
  it('works for divideResources and rejects a bad budget', async () => {
    const spec = referenceFilters().divideResources!;
    const result = await runFilter(spec, { ...base, strategy: 'first-fit', resources: ['mem:mem'], maxMoves: 1 } as never, { services, infrastructure, initialDistribution: distribution, previousDistribution: previous });
    expect(names(result)).toEqual({ a: ['t2'], b: ['t3'], c: ['t2'] });
    expect(() => checkParams(spec, { strategy: 'first-fit', resources: ['mem:mem'], maxMoves: -1 }, true)).toThrow('filter divideResources: parameter "maxMoves" must be a non-negative integer, got -1');
  });
});

describe('spread', () => {
  const zones = ['a', 'b', 'c'];
  const infrastructure: Infrastructure = Object.fromEntries(
    Array.from({ length: 9 }, (_, i) => [`t${i}`, target(`t${i}`, { zone: zones[i % 3]!, ssd: i < 3 })]),
  );
  const zoneOf = (t: string) => infrastructure[t]!.properties.zone as string;
  const perZone = (dist: Distribution) => {
    const counts: Record<string, number> = {};
    for (const ms of Object.values(dist)) for (const m of ms) counts[zoneOf(m.target)] = (counts[zoneOf(m.target)] ?? 0) + 1;
    return counts;
  };

  it('3 zones and 6 instances of a service: 2 per zone', () => {
    const services = { web: svc('web', { replicas: 6 }) };
    const result = spread({ services, infrastructure, distribution: all(services, infrastructure), previousDistribution: null, targetProperty: 'zone', instances: 'replicas' });
    expect(perZone(result)).toEqual({ a: 2, b: 2, c: 2 });
    expect(new Set(result.web!.map((m) => m.target)).size).toBe(6);
  });

  it('3 zones and a group of 6 services: 2 per zone', () => {
    const services = Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`w${i}`, svc(`w${i}`, { group: 'web' })]));
    const result = spread({ services, infrastructure, distribution: all(services, infrastructure), previousDistribution: null, targetProperty: 'zone', groupBy: 'group' });
    expect(perZone(result)).toEqual({ a: 2, b: 2, c: 2 });
    // within a zone the group uses distinct targets first
    expect(new Set(Object.values(result).map((ms) => ms[0]!.target)).size).toBe(6);
  });

  it('as even as the candidates allow', () => {
    // x can only go to zone a; the others fill b and c first.
    const services = { x: svc('x', { g: 1 }), y: svc('y', { g: 1 }), z: svc('z', { g: 1 }), u: svc('u', { g: 1 }) };
    const distribution = d({ x: ['t0'], y: ['t0', 't1', 't2'], z: ['t0', 't1', 't2'], u: ['t0', 't3', 't4', 't5'] });
    const result = spread({ services, infrastructure, distribution, previousDistribution: null, targetProperty: 'zone', groupBy: 'g' });
    expect(Object.values(perZone(result)).sort()).toEqual([1, 1, 2]);
    expect(names(result).x).toEqual(['t0']);
  });

  it('keeps previous placements among the most even ones', () => {
    const services = { web: svc('web', { n: 3 }) };
    const previous = d({ web: ['t3', 't4', 't8'] }); // zones a, b, c
    const result = spread({ services, infrastructure, distribution: all(services, infrastructure), previousDistribution: previous, targetProperty: 'zone', instances: 'n' });
    expect(names(result)).toEqual({ web: ['t3', 't4', 't8'] });
    // an uneven previous placement is corrected, keeping what it can
    const uneven = spread({ services, infrastructure, distribution: all(services, infrastructure), previousDistribution: d({ web: ['t0', 't3', 't6'] }), targetProperty: 'zone', instances: 'n' });
    expect(perZone(uneven)).toEqual({ a: 1, b: 1, c: 1 });
    expect(names(uneven).web).toContain('t0');
  });

  it('too few candidates is exit 1; a missing zone is exit 2; explains the counts', () => {
    const services = { web: svc('web') };
    expect(() => spread({ services, infrastructure, distribution: d({ web: ['t0', 't1'] }), previousDistribution: null, targetProperty: 'zone', instances: 3 })).toThrow(PlanningError);
    expect(() => spread({ services, infrastructure, distribution: d({ web: ['t0'] }), previousDistribution: null, targetProperty: 'rack' })).toThrow(/target "t0" has no property "rack"/);
    const explainer = new Explainer();
    const step = explainer.begin('spread');
    const distribution = d({ web: ['t0', 't1', 't2'] });
    step.finish(distribution, spread({ services, infrastructure, distribution, previousDistribution: null, targetProperty: 'zone', instances: 2 }, step.trace));
    expect(explainer.render()).toContain('kept [t0, t1]; removed t2 (not needed: 2 instance(s) placed (zone "c" has 0 of the service\'s instances)); spread over zone: "a": 1, "b": 1');
  });
});

describe('prefer', () => {
  const services: Services = { a: svc('a', { disk: 'ssd', zone: 'eu' }), b: svc('b', { zone: 'us' }) };
  const infrastructure: Infrastructure = {
    t1: target('t1', { ssd: false, zone: 'us', mem: 100 }),
    t2: target('t2', { ssd: true, zone: 'us', mem: 100 }),
    t3: target('t3', { ssd: true, zone: 'eu', mem: 100 }),
  };
  it('reorders by score, ties in candidate order, nothing removed', () => {
    const result = prefer({ services, infrastructure, distribution: all(services, infrastructure), previousDistribution: null, preferences: [{ targetProperty: 'ssd', weight: 2 }, { targetProperty: 'zone', serviceProperty: 'zone', weight: 1 }] });
    expect(names(result)).toEqual({ a: ['t3', 't2', 't1'], b: ['t2', 't3', 't1'] });
  });
  it('rejects malformed preferences', () => {
    expect(() => checkParams(referenceFilters().prefer!, { preferences: [{ targetProperty: 'ssd', weight: 'high' }] }, true)).toThrow('filter prefer: preferences[0].weight: expected a number, got "high"');
    expect(() => checkParams(referenceFilters().prefer!, { preferences: [{ targetProperty: 'ssd', value: true, serviceProperty: 'x' }] }, true)).toThrow(/either "value" or "serviceProperty"/);
  });
  it('property: soft preferences never violate a hard filter', () => {
    const random = seededRandom(99);
    for (let round = 0; round < 200; round++) {
      const s: Services = {};
      const infra: Infrastructure = {};
      for (let i = 0; i < 8; i++) s[`s${i}`] = svc(`s${i}`, { zone: ['eu', 'us'][Math.floor(random() * 2)]!, mem: Math.floor(random() * 20) });
      for (let i = 0; i < 6; i++) infra[`t${i}`] = target(`t${i}`, { zone: ['eu', 'us'][Math.floor(random() * 2)]!, ssd: random() < 0.5, mem: 20 + Math.floor(random() * 40) });
      const models = { services: s, infrastructure: infra, previousDistribution: null };
      const hard = mapAttrOnAttr({ ...models, distribution: all(s, infra), serviceProperty: 'zone', targetProperty: 'zone' });
      const soft = prefer({ ...models, distribution: hard, preferences: [{ targetProperty: 'ssd', weight: 1 + Math.floor(random() * 5) }, { targetProperty: 'zone', value: 'us', weight: -2 }] });
      for (const name of Object.keys(hard)) expect(soft[name]!.map((m) => m.target).sort()).toEqual(hard[name]!.map((m) => m.target).sort());
      let placed: Distribution;
      try {
        placed = divide({ ...models, distribution: soft, strategy: 'greedy', serviceProperty: 'mem', targetProperty: 'mem' });
      } catch (error) {
        placed = (error as InsufficientCapacityError).partial;
      }
      for (const [name, ms] of Object.entries(placed)) expect(hard[name]!.map((m) => m.target)).toContain(ms[0]!.target);
    }
  });
});

describe('antiAffinity', () => {
  const services: Services = { db1: svc('db1'), db2: svc('db2'), web: svc('web') };
  const infrastructure: Infrastructure = { t1: target('t1', { zone: 'a' }), t2: target('t2', { zone: 'a' }), t3: target('t3', { zone: 'b' }) };
  it('makes the named services\' candidate targets disjoint, leaving the others alone', () => {
    const result = antiAffinity({ services, infrastructure, distribution: all(services, infrastructure), previousDistribution: null, serviceNames: ['db2', 'db1'] });
    expect(names(result)).toEqual({ db1: ['t1', 't3'], db2: ['t2'], web: ['t1', 't2', 't3'] });
  });
  it('by a target property: different zones', () => {
    const result = antiAffinity({ services, infrastructure, distribution: all(services, infrastructure), previousDistribution: null, serviceNames: ['db1', 'db2'], targetProperty: 'zone' });
    expect(names(result)).toEqual({ db1: ['t1', 't2'], db2: ['t3'], web: ['t1', 't2', 't3'] });
  });
  it('finds a matching when a greedy choice would fail', () => {
    const result = antiAffinity({ services, infrastructure, distribution: d({ db1: ['t1', 't2'], db2: ['t1'] }), previousDistribution: null, serviceNames: ['db1', 'db2'] });
    expect(names(result)).toEqual({ db1: ['t2'], db2: ['t1'] });
  });
  it('impossible is exit 1; unknown names and bad parameters exit 2', () => {
    expect(() => antiAffinity({ services, infrastructure, distribution: d({ db1: ['t1'], db2: ['t1'] }), previousDistribution: null, serviceNames: ['db1', 'db2'] })).toThrow('antiAffinity: services "db1", "db2" must be on different targets, but their candidates have only 1 between them (t1)');
    expect(() => antiAffinity({ services, infrastructure, distribution: d({ db1: ['t1'] }), previousDistribution: null, serviceNames: ['db1', 'dbx'] })).toThrow(/"dbx", which is not in the services model/);
    expect(() => checkParams(referenceFilters().antiAffinity!, { serviceNames: ['db1'] }, true)).toThrow(/at least two service names/);
  });
});

describe('MinCostFlow', () => {
  it('finds the cheapest flow (hand-checked)', () => {
    const flow = new MinCostFlow(4);
    const a = flow.addArc(0, 1, 2, 1);
    const b = flow.addArc(0, 2, 2, 3);
    flow.addArc(1, 3, 1, 1);
    flow.addArc(2, 3, 2, 1);
    flow.addArc(1, 2, 1, 1);
    expect(flow.run(0, 3)).toEqual({ flow: 3, cost: 2 + 3 + 4 });
    expect([flow.flow(a), flow.flow(b)]).toEqual([2, 1]);
  });
});
