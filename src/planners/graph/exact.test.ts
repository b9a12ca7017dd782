import { describe, expect, it } from 'vitest';
import type { Distribution, Services } from '../../model/types.js';
import { crossTargetLinks } from './common.js';
import { choosePlan, formatExactReport, formatHeuristicGap, gap, type ExactReport } from './exact.js';
import { graphcolExactPlan } from './exact-graphcol.js';
import { minsetcoverExactPlan } from './exact-minsetcover.js';
import { multiwaycutExactPlan } from './exact-multiwaycut.js';
import { graphcolPlan } from './graphcol.js';
import { LpProblem } from './lp.js';
import { minsetcoverPlan } from './minsetcover.js';
import { multiwaycutPlan } from './multiwaycut.js';
import { distributionOf, infrastructureOf, rng, servicesOf } from './testing.js';

/** A random instance: n services with random dependencies, k targets, random candidate subsets. */
function randomInstance(seed: number, n: number, k: number, density: number, minCandidates = 1) {
  const random = rng(seed);
  const names = Array.from({ length: n }, (_, i) => `s${i}`);
  const targets = Array.from({ length: k }, (_, i) => `t${i}`);
  const deps: Record<string, string[]> = {};
  names.forEach((name, i) => (deps[name] = names.slice(0, i).filter(() => random() < density)));
  const lists: Record<string, string[]> = {};
  for (const name of names) {
    let list = targets.filter(() => random() < 0.5);
    while (list.length < minCandidates) list = [...new Set([...list, targets[Math.floor(random() * k)]!])];
    lists[name] = list;
  }
  const costs: Record<string, Record<string, number>> = {};
  for (const t of targets) costs[t] = { cost: 1 + Math.floor(random() * 9) };
  return { services: servicesOf(deps), infrastructure: infrastructureOf(targets, costs), distribution: distributionOf(lists), names, targets };
}

/** Every choice of one candidate per service. */
function* placements(names: string[], distribution: Distribution): Generator<Record<string, string>> {
  const choice: Record<string, string> = {};
  function* go(i: number): Generator<Record<string, string>> {
    if (i === names.length) {
      yield choice;
      return;
    }
    for (const mapping of distribution[names[i]!]!) {
      choice[names[i]!] = mapping.target;
      yield* go(i + 1);
    }
  }
  yield* go(0);
}

function asDistribution(choice: Record<string, string>): Distribution {
  return Object.fromEntries(Object.entries(choice).map(([s, t]) => [s, [{ target: t }]]));
}

function bruteCover(names: string[], distribution: Distribution, cost: (t: string) => number): number {
  let best = Infinity;
  for (const choice of placements(names, distribution)) {
    const total = [...new Set(Object.values(choice))].reduce((sum, t) => sum + cost(t), 0);
    best = Math.min(best, total);
  }
  return best;
}

function bruteLinks(services: Services, names: string[], distribution: Distribution): number {
  let best = Infinity;
  for (const choice of placements(names, distribution)) best = Math.min(best, crossTargetLinks(services, asDistribution(choice)));
  return best;
}

/** Fewest colours of a proper colouring within the candidates (Infinity: none). */
function bruteColours(services: Services, names: string[], distribution: Distribution): number {
  let best = Infinity;
  for (const choice of placements(names, distribution)) {
    const proper = names.every((s) => [...services[s]!.dependsOn, ...services[s]!.connectsTo].every((d) => choice[d] !== choice[s]));
    if (proper) best = Math.min(best, new Set(Object.values(choice)).size);
  }
  return best;
}

const expectedGap = (heuristic: number, optimum: number) => (heuristic === optimum ? 0 : (heuristic - optimum) / heuristic);

describe('LP text', () => {
  it('uses generated names only and is written deterministically', () => {
    const build = () => {
      const lp = new LpProblem();
      const a = lp.variable('binary');
      const b = lp.variable('continuous', 1);
      const c = lp.variable('binary');
      lp.cost(a, 2);
      lp.cost(c, -0.5);
      lp.constraint([{ variable: a, coefficient: 1 }, { variable: b, coefficient: -1 }, { variable: a, coefficient: 1 }], '<=', 3);
      lp.constraint([{ variable: c, coefficient: 0 }], '<=', 0); // empty, holds: dropped
      return lp.text();
    };
    expect(build()).toBe(build());
    expect(build()).toBe(
      ['\\ written by dydisnix (src/planners/graph/lp.ts)', 'Minimize', ' obj: 2 x0 + 0 x1 - 0.5 x2', 'Subject To', ' c0: 2 x0 - x1 <= 3', 'Bounds', ' 0 <= x1 <= 1', 'Binary', ' x0 x2', 'End', ''].join('\n'),
    );
  });

  it('writes large problems (no argument spreading of long lists)', () => {
    const lp = new LpProblem();
    for (let i = 0; i < 300_000; i++) lp.cost(lp.variable('continuous', 1), 1);
    expect(lp.text().split('\n').filter((line) => line.startsWith(' 0 <= x'))).toHaveLength(300_000);
  });
});

describe('gap and reports', () => {
  const base: ExactReport = { measure: 'cross-target links', objective: 12, bound: 12, optimal: true, seconds: 0.414, heuristic: 15, source: 'solver', variables: 3, constraints: 2 };
  it('formats an optimal run and the heuristic gap', () => {
    expect(formatExactReport(base)).toBe('exact: cross-target links 12, best bound 12, optimal (0.41 s)');
    expect(formatHeuristicGap(base)).toBe('heuristic plan: cross-target links 15, gap 20.0 % (3 above the optimum 12)');
  });
  it('formats a run stopped by its time limit', () => {
    const stopped: ExactReport = { ...base, objective: 32, bound: 31, optimal: false, stopped: 'time-limit', seconds: 10.02, heuristic: 32, source: 'heuristic' };
    expect(formatExactReport(stopped)).toBe('exact: cross-target links 32, best bound 31, gap 3.1 % after 10 s (time limit; the heuristic plan is returned (the solver found none better))');
    expect(formatHeuristicGap(stopped)).toBe('heuristic plan: cross-target links 32, gap 3.1 % (1 above the best bound 31)');
  });
  it('says so when the solver proved no bound', () => {
    const unbounded: ExactReport = { ...base, objective: 1060, bound: -Infinity, optimal: false, stopped: 'time-limit', seconds: 0.05, heuristic: 1060 };
    expect(formatExactReport(unbounded)).toBe('exact: cross-target links 1060, no bound yet, gap unknown after 0.05 s (time limit)');
    expect(formatHeuristicGap(unbounded)).toBe('heuristic plan: cross-target links 1060, gap unknown (the solver proved no bound yet)');
  });
  it('gap is 0 at the bound', () => {
    expect(gap(0, 0)).toBe(0);
    expect(gap(5, 5)).toBe(0);
    expect(gap(4, 3)).toBe(0.25);
  });
  it('keeps the heuristic plan unless the solver has one at least as good', () => {
    expect(choosePlan({ plan: 'ilp', objective: 5 }, { plan: 'greedy', objective: 4 })).toEqual({ plan: 'greedy', objective: 4, source: 'heuristic' });
    expect(choosePlan({ plan: 'ilp', objective: 4 }, { plan: 'greedy', objective: 4 })).toEqual({ plan: 'ilp', objective: 4, source: 'solver' });
    expect(choosePlan(undefined, { plan: 'greedy', objective: 4 })).toEqual({ plan: 'greedy', objective: 4, source: 'heuristic' });
    expect(choosePlan(undefined, undefined)).toBeUndefined();
  });
});

describe('exact minsetcover', () => {
  it('equals brute force on 60 random instances, and reports the greedy gap', async () => {
    let greedyWorse = 0;
    for (let seed = 1; seed <= 60; seed++) {
      const inst = randomInstance(seed, 4 + (seed % 5), 3 + (seed % 4), 0);
      const args = { ...inst, targetProperty: 'cost' };
      const cost = (t: string) => inst.infrastructure[t]!.properties.cost as number;
      const optimum = bruteCover(inst.names, inst.distribution, cost);
      const greedy = minsetcoverPlan(args).stats.totalCost;
      const { distribution, stats, report } = await minsetcoverExactPlan(args);
      expect(report.optimal, `seed ${seed}`).toBe(true);
      expect(stats.totalCost, `seed ${seed}`).toBe(optimum);
      expect(report.objective).toBe(optimum);
      expect(report.bound).toBe(optimum);
      expect(report.heuristic).toBe(greedy);
      expect(gap(report.heuristic!, report.bound)).toBeCloseTo(expectedGap(greedy, optimum), 12);
      // The plan: one candidate per service, the targets used cost the optimum.
      for (const name of inst.names) expect(inst.distribution[name]!.map((m) => m.target)).toContain(distribution[name]![0]!.target);
      expect([...new Set(inst.names.map((s) => distribution[s]![0]!.target))].reduce((sum, t) => sum + cost(t), 0)).toBe(optimum);
      if (greedy > optimum) greedyWorse++;
    }
    expect(greedyWorse).toBeGreaterThan(0); // the instances are not all easy for the greedy
  });
});

describe('exact multiwaycut', () => {
  it('equals brute force on 60 random instances, and reports the heuristic gap', async () => {
    for (let seed = 1; seed <= 60; seed++) {
      const inst = randomInstance(100 + seed, 5 + (seed % 4), 3, 0.45);
      const optimum = bruteLinks(inst.services, inst.names, inst.distribution);
      const heuristic = multiwaycutPlan(inst).stats.links;
      const { distribution, report } = await multiwaycutExactPlan(inst);
      expect(report.optimal, `seed ${seed}`).toBe(true);
      expect(crossTargetLinks(inst.services, distribution), `seed ${seed}`).toBe(optimum);
      expect(report.objective).toBe(optimum);
      expect(report.heuristic).toBe(heuristic);
      expect(gap(report.heuristic!, report.bound)).toBeCloseTo(expectedGap(heuristic, optimum), 12);
      for (const name of inst.names) expect(inst.distribution[name]!.map((m) => m.target)).toContain(distribution[name]![0]!.target);
    }
  });

  it('counts parallel dependencies twice and services without candidates not at all', async () => {
    const services = servicesOf({ a: [], b: ['a'], c: ['a'] }, { b: ['a'] });
    const distribution = distributionOf({ a: ['t1'], b: ['t2'], c: [] });
    const { distribution: plan, report } = await multiwaycutExactPlan({ services, distribution });
    expect(report.objective).toBe(2);
    expect(report.optimal).toBe(true);
    expect(plan.c).toEqual([]);
  });

  it('returns a valid plan no worse than the heuristic when the time limit stops it', async () => {
    const inst = randomInstance(7, 120, 6, 0.05, 2);
    const heuristic = multiwaycutPlan(inst).stats.links;
    const { distribution, report } = await multiwaycutExactPlan(inst, { timeLimit: 1e-6 });
    for (const name of inst.names) expect(inst.distribution[name]!.map((m) => m.target)).toContain(distribution[name]![0]!.target);
    const links = crossTargetLinks(inst.services, distribution);
    expect(links).toBe(report.objective);
    expect(links).toBeLessThanOrEqual(heuristic);
    expect(report.timeLimit).toBe(1e-6);
    if (!report.optimal) {
      expect(report.stopped).toBe('time-limit');
      expect(formatExactReport(report)).toMatch(/gap (\d+\.\d %|unknown) after [\d.]+ s \(time limit/);
    }
  });
});

describe('exact graphcol', () => {
  it('equals brute force on 60 random instances (with and without candidates), and reports the heuristic gap', async () => {
    for (let seed = 1; seed <= 60; seed++) {
      const withCandidates = seed % 2 === 0;
      const inst = randomInstance(200 + seed, 5 + (seed % 3), 4, 0.5, withCandidates ? 2 : 1);
      const full = distributionOf(Object.fromEntries(inst.names.map((s) => [s, inst.targets])));
      const candidates = withCandidates ? inst.distribution : full;
      const optimum = bruteColours(inst.services, inst.names, candidates);
      const args = { services: inst.services, infrastructure: inst.infrastructure, ...(withCandidates ? { distribution: inst.distribution } : {}) };
      if (optimum === Infinity) {
        await expect(graphcolExactPlan(args)).rejects.toThrow(/Proven infeasible/);
        continue;
      }
      let heuristic: number | undefined;
      try {
        heuristic = graphcolPlan(args).stats.coloursUsed;
      } catch {
        heuristic = undefined;
      }
      const { distribution, report } = await graphcolExactPlan(args);
      expect(report.optimal, `seed ${seed}`).toBe(true);
      expect(report.objective, `seed ${seed}`).toBe(optimum);
      expect(new Set(inst.names.map((s) => distribution[s]![0]!.target)).size).toBe(optimum);
      for (const s of inst.names) {
        expect(candidates[s]!.map((m) => m.target)).toContain(distribution[s]![0]!.target);
        for (const d of inst.services[s]!.dependsOn) expect(distribution[d]![0]!.target).not.toBe(distribution[s]![0]!.target);
      }
      expect(report.heuristic).toBe(heuristic);
      if (heuristic !== undefined) expect(gap(heuristic, report.bound)).toBeCloseTo(expectedGap(heuristic, optimum), 12);
    }
  });

  it('uses the first targets in sorted order without -d, like the heuristic', async () => {
    const services = servicesOf({ a: [], b: ['a'], c: ['a', 'b'], d: [] });
    const { distribution, report } = await graphcolExactPlan({ services, infrastructure: infrastructureOf(['t1', 't2', 't3', 't4', 't5']) });
    expect(report.objective).toBe(3);
    expect(distribution).toEqual(distributionOf({ a: ['t1'], b: ['t2'], c: ['t3'], d: ['t1'] }));
  });
});

describe('HiGHS is loaded only on the exact path', () => {
  it('only highs.ts imports the package, and only dynamic imports reach the exact modules', async () => {
    const { promises: fs } = await import('node:fs');
    const path = await import('node:path');
    const root = path.resolve(import.meta.dirname, '../..');
    const files = (await fs.readdir(root, { recursive: true })).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
    for (const file of files) {
      const text = await fs.readFile(path.join(root, file), 'utf8');
      const staticImports = [...text.matchAll(/^import\s[^;]*?from\s+'([^']+)'/gms)].filter((m) => !/^import\s+type\s/.test(m[0])).map((m) => m[1]!);
      const base = path.basename(file);
      if (base !== 'highs.ts') expect(staticImports, file).not.toContain('highs');
      if (!base.startsWith('exact-')) expect(staticImports.filter((s) => /\/highs\.js$|\/exact-[a-z]+\.js$/.test(s)), file).toEqual([]);
    }
  });
});
