import { describe, expect, it } from 'vitest';
import { PlanningError } from '../../errors.js';
import type { Distribution, Services } from '../../model/types.js';
import { colouringDistribution, graphcolGraph, graphcolPlan, solveGraphcol } from './graphcol.js';
import { distributionOf, infrastructureOf, rng, servicesOf } from './testing.js';

const targets = (k: number) => Array.from({ length: k }, (_, i) => `t${String(i).padStart(2, '0')}`);

/** Services from undirected edges over vertices 0..n-1 (each edge a dependsOn of the larger end). */
function graphServices(n: number, edges: [number, number][]): Services {
  const deps: Record<string, string[]> = {};
  const name = (i: number) => `v${String(i).padStart(3, '0')}`;
  for (let i = 0; i < n; i++) deps[name(i)] = [];
  const seen = new Set<string>();
  for (const [a, b] of edges) {
    const [lo, hi] = a < b ? [a, b] : [b, a];
    if (lo === hi || seen.has(`${lo},${hi}`)) continue;
    seen.add(`${lo},${hi}`);
    deps[name(hi)]!.push(name(lo));
  }
  return servicesOf(deps);
}

function expectProper(services: Services, distribution: Distribution): void {
  for (const [name, service] of Object.entries(services)) {
    expect(distribution[name]).toHaveLength(1);
    for (const dependency of [...service.dependsOn, ...service.connectsTo]) {
      expect(distribution[name]![0]!.target).not.toBe(distribution[dependency]![0]!.target);
    }
  }
}

const clique = (n: number): [number, number][] => {
  const edges: [number, number][] = [];
  for (let a = 0; a < n; a++) for (let b = a + 1; b < n; b++) edges.push([a, b]);
  return edges;
};

/** Mycielski's construction: M2 = K2, M(i+1) = μ(Mi); χ(Mi) = i. */
function mycielski(chi: number): { n: number; edges: [number, number][] } {
  let n = 2;
  let edges: [number, number][] = [[0, 1]];
  for (let step = 2; step < chi; step++) {
    const next: [number, number][] = [...edges];
    for (const [a, b] of edges) next.push([a, n + b], [n + a, b]);
    for (let i = 0; i < n; i++) next.push([n + i, 2 * n]);
    edges = next;
    n = 2 * n + 1;
  }
  return { n, edges };
}

describe('graphcol problem graph', () => {
  it('has every service and one edge per dependency entry (multi-edges kept)', () => {
    const services = servicesOf({ a: [], b: ['a'] }, { a: ['b'] });
    const graph = graphcolGraph({ services, infrastructure: infrastructureOf(['t2', 't1']) });
    expect(graph.nodes()).toEqual(['a', 'b']);
    expect(graph.size).toBe(2);
    expect(graph.getAttribute('targets')).toEqual(['t1', 't2']);
  });
});

describe('graphcol', () => {
  const triangle = servicesOf({ testService1: [], testService2: ['testService1'], testService3: ['testService1', 'testService2'] });

  it('colours the test triangle with three targets', () => {
    const { distribution, stats } = graphcolPlan({ services: triangle, infrastructure: infrastructureOf(['testtarget1', 'testtarget2', 'testtarget3']) });
    expect(distribution).toEqual(distributionOf({ testService1: ['testtarget1'], testService2: ['testtarget2'], testService3: ['testtarget3'] }));
    expect(stats.coloursUsed).toBe(3);
  });

  it('proves that the triangle needs three targets', () => {
    expect(() => graphcolPlan({ services: triangle, infrastructure: infrastructureOf(['testtarget1', 'testtarget2']) })).toThrow(/Proven infeasible/);
  });

  it('uses target names, not hostnames (the original quirk)', () => {
    const infrastructure = infrastructureOf(['a', 'b']);
    infrastructure.a!.properties.hostname = 'zzz';
    delete infrastructure.b!.properties.hostname;
    const { distribution } = graphcolPlan({ services: servicesOf({ x: [], y: ['x'] }), infrastructure });
    expect(distribution).toEqual(distributionOf({ x: ['a'], y: ['b'] }));
  });

  it('colours a star (which hangs the original) with two colours, hub first', () => {
    const services = servicesOf({ hub: [], l1: ['hub'], l2: ['hub'], l3: ['hub'], l4: ['hub'], l5: ['hub'] });
    const { distribution, stats } = graphcolPlan({ services, infrastructure: infrastructureOf(targets(3)) });
    expect(distribution.hub).toEqual([{ target: 't00' }]);
    for (const leaf of ['l1', 'l2', 'l3', 'l4', 'l5']) expect(distribution[leaf]).toEqual([{ target: 't01' }]);
    expect(stats.coloursUsed).toBe(2);
  });

  it('colours planted k-colourable random graphs with k targets', () => {
    const random = rng(11);
    for (let round = 0; round < 40; round++) {
      const k = 3 + (round % 4);
      const n = 40 + Math.floor(random() * 160);
      const part = Array.from({ length: n }, () => Math.floor(random() * k));
      const p = 0.05 + random() * 0.25;
      const edges: [number, number][] = [];
      for (let a = 0; a < n; a++) for (let b = a + 1; b < n; b++) if (part[a] !== part[b] && random() < p) edges.push([a, b]);
      const services = graphServices(n, edges);
      const { distribution, stats } = graphcolPlan({ services, infrastructure: infrastructureOf(targets(k)) });
      expectProper(services, distribution);
      expect(stats.coloursUsed).toBeLessThanOrEqual(k);
    }
  });

  it('fails a (k+1)-clique with k targets and says it is proven', () => {
    for (const k of [1, 2, 3, 5, 8]) {
      const services = graphServices(k + 1, clique(k + 1));
      let error: unknown;
      try {
        graphcolPlan({ services, infrastructure: infrastructureOf(targets(k)) });
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(PlanningError);
      expect((error as Error).message).toMatch(/^Not enough target machines available to compute a valid graph coloring! Proven infeasible/);
    }
  });

  it('colours Mycielski graphs with χ targets and proves χ − 1 impossible', () => {
    for (const chi of [2, 3, 4, 5]) {
      const { n, edges } = mycielski(chi);
      const services = graphServices(n, edges);
      const { distribution, stats } = graphcolPlan({ services, infrastructure: infrastructureOf(targets(chi)) });
      expectProper(services, distribution);
      expect(stats.coloursUsed).toBe(chi);
      expect(() => graphcolPlan({ services, infrastructure: infrastructureOf(targets(chi - 1)) })).toThrow(/Proven infeasible/);
    }
  });

  it('says when the search budget ran out', () => {
    const services = graphServices(4, clique(4));
    expect(() => graphcolPlan({ services, infrastructure: infrastructureOf(targets(3)), searchBudget: 0 })).toThrow(/ran out of its budget of 0 search nodes/);
  });

  it('finds colourings DSatur misses by exact search (peeled vertices coloured afterwards)', () => {
    // Mycielski M4 plus pendant vertices: DSatur may need a 5th colour, the exact search finds 4.
    const { n, edges } = mycielski(4);
    const extra: [number, number][] = [...edges, [0, n], [n, n + 1]];
    const services = graphServices(n + 2, extra);
    const { distribution } = graphcolPlan({ services, infrastructure: infrastructureOf(targets(4)) });
    expectProper(services, distribution);
  });

  it('restricts services to their candidates with -d and keeps containers', () => {
    const services = servicesOf({ a: [], b: ['a'], c: ['a', 'b'] });
    const infrastructure = infrastructureOf(['t1', 't2', 't3', 't4']);
    const distribution: Distribution = {
      a: [{ target: 't4', container: 'x' }],
      b: [{ target: 't4' }, { target: 't3' }],
      c: [{ target: 't1' }, { target: 't3' }, { target: 't4' }],
    };
    const result = graphcolPlan({ services, infrastructure, distribution }).distribution;
    expect(result).toEqual({ a: [{ target: 't4', container: 'x' }], b: [{ target: 't3' }], c: [{ target: 't1' }] });
    expect(() => graphcolPlan({ services, infrastructure, distribution: { ...distribution, b: [{ target: 't4' }] } })).toThrow(/Proven infeasible/);
    expect(() => graphcolPlan({ services, infrastructure, distribution: { a: distribution.a!, b: distribution.b! } })).toThrow(/service "c" has no candidate target/);
  });

  it('restricted random instances: proper and within the candidates', () => {
    const random = rng(5);
    for (let round = 0; round < 30; round++) {
      const k = 5;
      const n = 30;
      const part = Array.from({ length: n }, () => Math.floor(random() * k));
      const edges: [number, number][] = [];
      for (let a = 0; a < n; a++) for (let b = a + 1; b < n; b++) if (part[a] !== part[b] && random() < 0.3) edges.push([a, b]);
      const services = graphServices(n, edges);
      const names = Object.keys(services).sort();
      // Candidates always include the planted colour, so a colouring exists.
      const lists: Record<string, string[]> = {};
      names.forEach((name, i) => {
        lists[name] = targets(k).filter((_, c) => c === part[i] || random() < 0.4);
      });
      const distribution = distributionOf(lists);
      const result = graphcolPlan({ services, infrastructure: infrastructureOf(targets(k)), distribution }).distribution;
      expectProper(services, result);
      for (const name of names) expect(lists[name]).toContain(result[name]![0]!.target);
    }
  });

  it('solve and to-distribution are separate steps', () => {
    const graph = graphcolGraph({ services: triangle, infrastructure: infrastructureOf(['x', 'y', 'z']) });
    const { resolved } = solveGraphcol(graph);
    expect(graph.getNodeAttribute('testService1', 'colour')).toBeUndefined();
    expect(resolved.mapNodes((_node, attributes) => attributes.colour)).toEqual([0, 1, 2]);
    expect(colouringDistribution(resolved)).toEqual(distributionOf({ testService1: ['x'], testService2: ['y'], testService3: ['z'] }));
  });
});
