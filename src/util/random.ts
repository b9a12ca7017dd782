/**
 * mulberry32: a small, fast, seeded pseudo-random generator. Planners that randomise (graphcol's tabu
 * search) use it with fixed seeds so that the same input always gives the same output; tests and
 * benchmarks use it to generate reproducible models.
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
