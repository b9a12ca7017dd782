import { describe, expect, it } from 'vitest';
import { FlowNetwork } from './maxflow.js';
import { seededRandom as rng } from '../../util/random.js';


describe('FlowNetwork (Dinic)', () => {
  it('solves the CLRS network (max flow 23)', () => {
    // s=0, v1=1, v2=2, v3=3, v4=4, t=5 (Cormen et al., figure 26.1)
    const net = new FlowNetwork(6);
    net.addEdge(0, 1, 16);
    net.addEdge(0, 2, 13);
    net.addEdge(2, 1, 4);
    net.addEdge(1, 3, 12);
    net.addEdge(3, 2, 9);
    net.addEdge(2, 4, 14);
    net.addEdge(4, 3, 7);
    net.addEdge(3, 5, 20);
    net.addEdge(4, 5, 4);
    expect(net.maxFlow(0, 5)).toBe(23);
    // The minimal source side of the minimum cut is {s, v1, v2, v4}.
    expect([...net.sourceSide(0)]).toEqual([1, 1, 1, 0, 1, 0]);
  });

  it('handles undirected edges, parallel edges and disconnected sinks', () => {
    const net = new FlowNetwork(4);
    net.addEdge(0, 1, 1, 1);
    net.addEdge(1, 0, 1, 1);
    net.addEdge(1, 2, 5, 5);
    expect(net.maxFlow(0, 2)).toBe(2);
    expect(net.maxFlow(0, 2)).toBe(0); // already saturated
    expect(net.maxFlow(0, 3)).toBe(0);
    expect([...net.sourceSide(0)]).toEqual([1, 0, 0, 0]);
  });

  it('uses reverse residual edges (the classic trap for greedy augmentation)', () => {
    // s=0 a=1 b=2 t=3: s->a, s->b, a->b, a->t, b->t, all 1; a path s-a-b-t first needs undoing.
    const net = new FlowNetwork(4);
    net.addEdge(0, 1, 1);
    net.addEdge(1, 2, 1);
    net.addEdge(2, 3, 1);
    net.addEdge(0, 2, 1);
    net.addEdge(1, 3, 1);
    expect(net.maxFlow(0, 3)).toBe(2);
  });

  it('treats Infinity capacities as uncuttable', () => {
    const net = new FlowNetwork(4);
    net.addEdge(0, 1, Infinity);
    net.addEdge(1, 2, 3);
    net.addEdge(1, 2, 2);
    net.addEdge(2, 3, Infinity);
    expect(net.maxFlow(0, 3)).toBe(5);
    expect([...net.sourceSide(0)]).toEqual([1, 1, 0, 0]);
    const open = new FlowNetwork(2);
    open.addEdge(0, 1, Infinity);
    expect(open.maxFlow(0, 1)).toBe(Infinity);
  });

  it('follows a long chain without exhausting the stack', () => {
    const n = 200_000;
    const net = new FlowNetwork(n);
    for (let i = 0; i + 1 < n; i++) net.addEdge(i, i + 1, 2, 2);
    expect(net.maxFlow(0, n - 1)).toBe(2);
  });

  it('rejects bad edges', () => {
    const net = new FlowNetwork(2);
    expect(() => net.addEdge(0, 2, 1)).toThrow(RangeError);
    expect(() => net.addEdge(0, 1, -1)).toThrow(RangeError);
    expect(() => net.maxFlow(1, 1)).toThrow(RangeError);
  });

  it('equals the brute-force minimum cut on random networks', () => {
    const random = rng(7);
    for (let round = 0; round < 200; round++) {
      const n = 2 + Math.floor(random() * 6);
      const edges: [number, number, number][] = [];
      const m = Math.floor(random() * 14);
      for (let i = 0; i < m; i++) {
        const u = Math.floor(random() * n);
        const v = Math.floor(random() * n);
        if (u !== v) edges.push([u, v, Math.floor(random() * 5)]);
      }
      const net = new FlowNetwork(n);
      for (const [u, v, c] of edges) net.addEdge(u, v, c);
      const flow = net.maxFlow(0, n - 1);
      let best = Infinity;
      for (let mask = 0; mask < 1 << n; mask++) {
        if (!(mask & 1) || mask & (1 << (n - 1))) continue;
        let cut = 0;
        for (const [u, v, c] of edges) if (mask & (1 << u) && !(mask & (1 << v))) cut += c;
        best = Math.min(best, cut);
      }
      expect(flow).toBe(best);
      // The residual source side is itself a minimum cut.
      const side = net.sourceSide(0);
      let sideCut = 0;
      for (const [u, v, c] of edges) if (side[u] && !side[v]) sideCut += c;
      expect(side[n - 1]).toBe(0);
      expect(sideCut).toBe(best);
    }
  });
});
