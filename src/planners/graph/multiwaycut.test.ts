import { describe, expect, it } from 'vitest';
import type { Distribution, Services } from '../../model/types.js';
import { crossTargetLinks } from './common.js';
import { instanceOf } from './instance.js';
import { appHostDistribution, isolatingCuts, localSearch, multiwaycutGraph, multiwaycutPlan, resolvedGraph, solveMultiwaycut } from './multiwaycut.js';
import { originalMultiwaycut } from './original.js';
import { distributionOf, rng, servicesOf } from './testing.js';

/** The verified example of reference §3.5. */
const example = {
  services: servicesOf({ a: [], b: [], c: ['b'], d: [] }),
  distribution: distributionOf({ a: ['h2', 'h1'], b: ['h4', 'h3'], c: ['h4', 'h3'], d: ['h5'] }),
};

describe('multiwaycut problem graph', () => {
  it('has app and host nodes, dependency and candidate edges', () => {
    const graph = multiwaycutGraph(example);
    expect(graph.nodes()).toEqual(['app:a', 'app:b', 'app:c', 'app:d', 'host:h1', 'host:h2', 'host:h3', 'host:h4', 'host:h5']);
    const edges = graph.mapEdges((_key, attributes, source, target) => `${source}-${target}:${attributes.kind}${attributes.index ?? ''}`);
    expect(edges).toEqual([
      'app:c-app:b:dependency',
      'app:a-host:h2:candidate0',
      'app:a-host:h1:candidate1',
      'app:b-host:h4:candidate0',
      'app:b-host:h3:candidate1',
      'app:c-host:h4:candidate0',
      'app:c-host:h3:candidate1',
      'app:d-host:h5:candidate0',
    ]);
  });

  it('ignores dependencies outside the distribution (B5) and keeps empty candidate lists', () => {
    const services = servicesOf({ a: ['x'], b: [], x: [] });
    const result = multiwaycutPlan({ services, distribution: distributionOf({ a: ['t1'], b: [] }) });
    expect(result.graph.size).toBe(1);
    expect(result.distribution).toEqual({ a: [{ target: 't1' }], b: [] });
  });
});

describe('the original heuristic (reference §3.5)', () => {
  it('reproduces the verified example', () => {
    expect(originalMultiwaycut(multiwaycutGraph(example))).toEqual(
      distributionOf({ a: ['h2'], b: ['h3'], c: ['h3'], d: ['h5'] }),
    );
  });
});

describe('isolating cuts', () => {
  it('finds the minimum cut of every pinned host', () => {
    // x pinned to h1, y pinned to h2; the chain x - a - b - y, and a second path x - c - y.
    const services = servicesOf({ x: [], y: [], a: ['x'], b: ['a', 'y'], c: ['x', 'y'] });
    const distribution = distributionOf({ x: ['h1'], y: ['h2'], a: ['h1', 'h2'], b: ['h1', 'h2'], c: ['h1', 'h2'] });
    const instance = instanceOf(multiwaycutGraph({ services, distribution }));
    const cuts = isolatingCuts(instance);
    expect(cuts.weight).toEqual([2, 2]);
    // Minimal sides: just the pinned services.
    expect([...cuts.owner]).toEqual([-1, -1, -1, 0, 1]); // apps a, b, c, x, y
  });

  it('keeps services without the host as a candidate out of its side', () => {
    // x pinned to h1; a can only go to h2, b to h1 or h2: a is glued to the other side.
    const services = servicesOf({ x: [], a: ['x'], b: ['x', 'a'] });
    const distribution = distributionOf({ x: ['h1'], a: ['h2', 'h3'], b: ['h1', 'h2'] });
    const instance = instanceOf(multiwaycutGraph({ services, distribution }));
    const cuts = isolatingCuts(instance);
    // a–x must be cut; b costs one link either way (b–x or b–a), and the minimal side leaves it out.
    expect(cuts.weight[0]).toBe(2);
    expect([...cuts.owner]).toEqual([-1, -1, 0]); // apps a, b, x
  });
});

describe('multiwaycut solve', () => {
  it('puts all test-model services on testtarget1 (2 and 3 targets)', () => {
    const services = servicesOf({ testService1: [], testService2: ['testService1'], testService3: ['testService1', 'testService2'] });
    for (const targets of [['testtarget1', 'testtarget2'], ['testtarget1', 'testtarget2', 'testtarget3']]) {
      const distribution = distributionOf({ testService1: targets, testService2: targets, testService3: targets });
      expect(multiwaycutPlan({ services, distribution }).distribution).toEqual(
        distributionOf({ testService1: ['testtarget1'], testService2: ['testtarget1'], testService3: ['testtarget1'] }),
      );
    }
  });

  it('beats the original on the verified example and keeps containers', () => {
    const distribution: Distribution = { ...example.distribution, b: [{ target: 'h4', container: 'c1' }, { target: 'h3' }] };
    const { distribution: ours, stats } = multiwaycutPlan({ services: example.services, distribution });
    expect(stats.links).toBe(0);
    expect(ours.b).toEqual([{ target: 'h4', container: 'c1' }]);
    expect(ours.c).toEqual([{ target: 'h4' }]);
  });

  it('the resolved graph keeps exactly one candidate edge per app', () => {
    const graph = multiwaycutGraph(example);
    const { assignment } = solveMultiwaycut(graph);
    const resolved = resolvedGraph(graph, assignment);
    expect(resolved.filterEdges((_e, attributes) => attributes.kind === 'candidate')).toHaveLength(4);
    expect(graph.size).toBe(8); // the problem graph itself is unchanged
    const dist = appHostDistribution(resolved);
    expect(dist).toEqual(appHostDistribution(graph, assignment));
    for (const mappings of Object.values(dist)) expect(mappings).toHaveLength(1);
  });

  it('local search leaves no improving single move', () => {
    const random = rng(3);
    const { services, distribution } = randomInstance(random, 40, 4);
    const graph = multiwaycutGraph({ services, distribution });
    const instance = instanceOf(graph);
    const label = Int32Array.from(instance.candidates, (list) => (list.length > 0 ? list[list.length - 1]! : -1));
    localSearch(instance, label);
    const before = linksOf(instance, label);
    instance.candidates.forEach((list, app) => {
      for (const c of list) {
        const trial = Int32Array.from(label);
        trial[app] = c;
        expect(linksOf(instance, trial)).toBeGreaterThanOrEqual(before);
      }
    });
  });

  it('stays within (2 - 2/k)·OPT and never above the original on random small instances', () => {
    const random = rng(2026);
    const k = 3;
    const bound = 2 - 2 / k;
    let ratioSum = 0;
    let ratioCount = 0;
    let optimal = 0;
    const rounds = 300;
    for (let round = 0; round < rounds; round++) {
      const n = 6 + Math.floor(random() * 5);
      const { services, distribution } = randomInstance(random, n, k);
      const { distribution: ours, stats } = multiwaycutPlan({ services, distribution });
      for (const name of Object.keys(distribution)) {
        expect(ours[name]).toHaveLength(1);
        expect(distribution[name]!.map((m) => m.target)).toContain(ours[name]![0]!.target);
      }
      const links = crossTargetLinks(services, ours);
      expect(links).toBe(stats.links);
      const opt = bruteForce(services, distribution);
      expect(links).toBeLessThanOrEqual(bound * opt);
      expect(links).toBeLessThanOrEqual(crossTargetLinks(services, originalMultiwaycut(multiwaycutGraph({ services, distribution }))));
      if (links === opt) optimal++;
      if (opt > 0) {
        ratioSum += links / opt;
        ratioCount++;
      }
    }
    console.log(`multiwaycut vs brute force: ${optimal}/${rounds} optimal, average ratio ${(ratioSum / ratioCount).toFixed(4)} over ${ratioCount} instances with OPT > 0`);
  });
});

function linksOf(instance: ReturnType<typeof instanceOf>, label: Int32Array): number {
  let links = 0;
  for (let e = 0; e < instance.pairs.length; e += 2) {
    const a = label[instance.pairs[e]!]!;
    const b = label[instance.pairs[e + 1]!]!;
    if (a >= 0 && b >= 0 && a !== b) links++;
  }
  return links;
}

/** Random services (acyclic dependsOn, some connectsTo) with random non-empty candidate subsets. */
function randomInstance(random: () => number, n: number, k: number): { services: Services; distribution: Distribution } {
  const names = Array.from({ length: n }, (_, i) => `s${i}`);
  const targets = Array.from({ length: k }, (_, i) => `t${i}`);
  const deps: Record<string, string[]> = {};
  const connects: Record<string, string[]> = {};
  const lists: Record<string, string[]> = {};
  names.forEach((name, i) => {
    deps[name] = names.slice(0, i).filter(() => random() < 0.3);
    connects[name] = names.slice(i + 1).filter(() => random() < 0.05);
    const mask = 1 + Math.floor(random() * ((1 << k) - 1));
    const list = targets.filter((_, t) => mask & (1 << t));
    lists[name] = random() < 0.5 ? list : list.reverse();
  });
  return { services: servicesOf(deps, connects), distribution: distributionOf(lists) };
}

function bruteForce(services: Services, distribution: Distribution): number {
  const names = Object.keys(distribution).sort();
  const choice = names.map((name) => distribution[name]!.map((m) => m.target));
  let best = Infinity;
  const assignment: Distribution = {};
  const walk = (i: number): void => {
    if (i === names.length) {
      best = Math.min(best, crossTargetLinks(services, assignment));
      return;
    }
    for (const target of choice[i]!) {
      assignment[names[i]!] = [{ target }];
      walk(i + 1);
    }
  };
  walk(0);
  return best;
}
