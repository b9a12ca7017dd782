/**
 * Maximum flow by Dinic's algorithm (BFS level graph + blocking flow by DFS with current-arc
 * pointers), O(V²E) in general and O(E·√E) on unit-capacity networks such as dependency graphs.
 *
 * Edges live in flat arrays; edge `e` and its reverse `e ^ 1` are stored side by side. Capacities are
 * numbers (`Infinity` allowed for constraint edges). The DFS is iterative, so long augmenting paths
 * (chains of 100k services) never exhaust the call stack.
 */
export class FlowNetwork {
  private head: Int32Array;
  private to: number[] = [];
  private next: number[] = [];
  private cap: number[] = [];
  private level: Int32Array;
  private current: Int32Array;

  constructor(readonly size: number) {
    this.head = new Int32Array(size).fill(-1);
    this.level = new Int32Array(size);
    this.current = new Int32Array(size);
  }

  get edgeCount(): number {
    return this.to.length / 2;
  }

  /** A directed edge u→v with capacity `capacity`, and reverse capacity `reverse` (use the same for undirected). Returns its index. */
  addEdge(u: number, v: number, capacity: number, reverse = 0): number {
    if (u < 0 || u >= this.size || v < 0 || v >= this.size) throw new RangeError(`edge ${u}->${v} outside 0..${this.size - 1}`);
    if (!(capacity >= 0) || !(reverse >= 0)) throw new RangeError('capacities must be non-negative');
    const e = this.to.length;
    this.to.push(v, u);
    this.cap.push(capacity, reverse);
    this.next.push(this.head[u]!, this.head[v]!);
    this.head[u] = e;
    this.head[v] = e + 1;
    return e;
  }

  /** Residual capacity of edge `e` (the flow on it is original capacity − residual). */
  residual(e: number): number {
    return this.cap[e]!;
  }

  /** Push as much flow as possible from s to t; returns the value added by this call. */
  maxFlow(s: number, t: number): number {
    if (s === t) throw new RangeError('source and sink must differ');
    let total = 0;
    while (this.buildLevels(s, t)) {
      for (let v = 0; v < this.size; v++) this.current[v] = this.head[v]!;
      for (;;) {
        const pushed = this.augment(s, t);
        if (pushed === 0) break;
        total += pushed;
        if (total === Infinity) return Infinity;
      }
    }
    return total;
  }

  /**
   * The nodes reachable from s in the residual network after `maxFlow(s, t)`: the source side of the
   * minimum cut that is smallest by inclusion.
   */
  sourceSide(s: number): Uint8Array {
    const seen = new Uint8Array(this.size);
    const queue = [s];
    seen[s] = 1;
    for (let i = 0; i < queue.length; i++) {
      const u = queue[i]!;
      for (let e = this.head[u]!; e !== -1; e = this.next[e]!) {
        const v = this.to[e]!;
        if (!seen[v] && this.cap[e]! > 0) {
          seen[v] = 1;
          queue.push(v);
        }
      }
    }
    return seen;
  }

  private buildLevels(s: number, t: number): boolean {
    const level = this.level;
    level.fill(-1);
    level[s] = 0;
    const queue = [s];
    for (let i = 0; i < queue.length; i++) {
      const u = queue[i]!;
      for (let e = this.head[u]!; e !== -1; e = this.next[e]!) {
        const v = this.to[e]!;
        if (level[v] === -1 && this.cap[e]! > 0) {
          level[v] = level[u]! + 1;
          queue.push(v);
        }
      }
    }
    return level[t] !== -1;
  }

  /** One augmenting path in the level graph (iterative DFS with current-arc pointers); 0 if none. */
  private augment(s: number, t: number): number {
    const path: number[] = []; // edges from s
    let u = s;
    for (;;) {
      if (u === t) {
        let bottleneck = Infinity;
        for (const e of path) bottleneck = Math.min(bottleneck, this.cap[e]!);
        for (const e of path) {
          this.cap[e] = this.cap[e]! - bottleneck;
          this.cap[e ^ 1] = this.cap[e ^ 1]! + bottleneck;
        }
        return bottleneck;
      }
      let advanced = false;
      for (let e = this.current[u]!; e !== -1; e = this.next[e]!) {
        const v = this.to[e]!;
        if (this.cap[e]! > 0 && this.level[v] === this.level[u]! + 1) {
          this.current[u] = e;
          path.push(e);
          u = v;
          advanced = true;
          break;
        }
      }
      if (advanced) continue;
      // Dead end: retire u for this phase and step back.
      this.current[u] = -1;
      this.level[u] = -1;
      if (path.length === 0) return 0;
      const e = path.pop()!;
      u = this.to[e ^ 1]!;
      this.current[u] = this.next[e]!;
    }
  }
}
