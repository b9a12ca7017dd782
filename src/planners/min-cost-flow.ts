/**
 * Min-cost flow by successive shortest paths (Bellman-Ford queue variant, so residual arcs with
 * negative costs are fine). Integer capacities and costs; arcs are tried in insertion order, so equal
 * inputs give equal flows. Used by the spread filter (spread.ts), whose networks are small: one per
 * group of services.
 */
export class MinCostFlow {
  private readonly to: number[] = [];
  private readonly cap: number[] = [];
  private readonly cost: number[] = [];
  private readonly adjacency: number[][];

  constructor(readonly nodes: number) {
    this.adjacency = Array.from({ length: nodes }, () => []);
  }

  /** Adds an arc and returns its id (its flow is read with `flow(id)`). */
  addArc(from: number, to: number, capacity: number, cost: number): number {
    const id = this.to.length;
    this.to.push(to, from);
    this.cap.push(capacity, 0);
    this.cost.push(cost, -cost);
    this.adjacency[from]!.push(id);
    this.adjacency[to]!.push(id + 1);
    return id;
  }

  /** The flow on an arc returned by addArc. */
  flow(id: number): number {
    return this.cap[id + 1]!;
  }

  /** Sends up to `limit` units from source to sink at least cost; returns the units sent and the cost. */
  run(source: number, sink: number, limit = Infinity): { flow: number; cost: number } {
    let flow = 0;
    let total = 0;
    const dist = new Array<number>(this.nodes);
    const via = new Array<number>(this.nodes);
    const queued = new Array<boolean>(this.nodes);
    while (flow < limit) {
      dist.fill(Infinity);
      via.fill(-1);
      queued.fill(false);
      dist[source] = 0;
      const queue = [source];
      queued[source] = true;
      for (let head = 0; head < queue.length; head++) {
        const u = queue[head]!;
        queued[u] = false;
        for (const arc of this.adjacency[u]!) {
          if (this.cap[arc]! <= 0) continue;
          const v = this.to[arc]!;
          const d = dist[u]! + this.cost[arc]!;
          if (d < dist[v]!) {
            dist[v] = d;
            via[v] = arc;
            if (!queued[v]) {
              queued[v] = true;
              queue.push(v);
            }
          }
        }
      }
      if (dist[sink] === Infinity) break;
      let push = limit - flow;
      for (let v = sink; v !== source; v = this.to[via[v]! ^ 1]!) push = Math.min(push, this.cap[via[v]!]!);
      for (let v = sink; v !== source; v = this.to[via[v]! ^ 1]!) {
        this.cap[via[v]!]! -= push;
        this.cap[via[v]! ^ 1]! += push;
      }
      flow += push;
      total += push * dist[sink]!;
    }
    return { flow, cost: total };
  }
}
