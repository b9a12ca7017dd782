/**
 * Exact modes of the graph planners (issue 17): the largest generated instance each one solves to
 * optimality within 10 s (a size ladder, stopping at the first size that is not proven optimal in
 * time), and the average gap of our heuristics on 100-service instances (against the optimum, or
 * against the best bound where 10 s do not prove one, which overstates the gap). In-process: the
 * figures are solver time, without loading models.
 */
import type { Distribution } from '../src/model/types.js';
import { gap, type ExactReport } from '../src/planners/graph/exact.js';
import { graphcolExactPlan } from '../src/planners/graph/exact-graphcol.js';
import { minsetcoverExactPlan } from '../src/planners/graph/exact-minsetcover.js';
import { multiwaycutExactPlan } from '../src/planners/graph/exact-multiwaycut.js';
import type { Benchmark, BenchResult } from './harness.js';
import { generateModels, rng, type GeneratedModels } from './generate.js';

const LIMIT = 10;

/** Three consecutive candidates per service, every fifth service pinned (as in bench/graph.ts). */
function multiwaycutModels(services: number, targets: number, seed: number): GeneratedModels {
  const models = generateModels({ services, targets, avgDependencies: 2, candidates: 3, seed });
  const distribution: Distribution = {};
  Object.keys(models.distribution).forEach((service, i) => {
    const list = models.distribution[service]!;
    distribution[service] = i % 5 === 0 ? list.slice(0, 1) : list;
  });
  return { ...models, distribution };
}

/** A random graph of `n` services with average degree `degree` (connectsTo edges), no candidates. */
function colouringModels(n: number, degree: number, targets: number, seed: number): GeneratedModels {
  const models = generateModels({ services: n, targets, avgDependencies: 0, seed });
  const random = rng(seed * 31 + 7);
  const names = Object.keys(models.services).sort();
  const seen = new Set<string>();
  for (let added = 0; added < Math.round((n * degree) / 2); ) {
    const a = Math.floor(random() * n);
    const b = Math.floor(random() * n);
    const key = `${Math.min(a, b)},${Math.max(a, b)}`;
    if (a === b || seen.has(key)) continue;
    seen.add(key);
    models.services[names[Math.max(a, b)]!]!.connectsTo.push(names[Math.min(a, b)]!);
    added++;
  }
  for (const service of Object.values(models.services)) service.dependsOn = [];
  return models;
}

interface Planner {
  name: string;
  /** services × targets of each rung */
  ladder: [number, number][];
  /** 100-service instances for the gap */
  gapInstance: (seed: number) => GeneratedModels;
  ladderInstance: (services: number, targets: number) => GeneratedModels;
  solve: (models: GeneratedModels, timeLimit: number) => Promise<ExactReport>;
}

const planners: Planner[] = [
  {
    name: 'minsetcover',
    ladder: [[200, 20], [500, 50], [1000, 100], [2000, 200], [5000, 500], [10_000, 1000], [20_000, 2000]],
    gapInstance: (seed) => generateModels({ services: 100, targets: 30, avgDependencies: 0, candidates: 3, seed }),
    ladderInstance: (services, targets) => generateModels({ services, targets, avgDependencies: 0, candidates: 3, seed: 3 }),
    solve: async (models, timeLimit) => (await minsetcoverExactPlan({ ...models, targetProperty: 'cost' }, { timeLimit })).report,
  },
  {
    name: 'multiwaycut',
    ladder: [[100, 10], [200, 10], [400, 20], [800, 20], [1600, 40], [3200, 40], [6400, 40], [12_800, 80], [25_600, 80]],
    gapInstance: (seed) => multiwaycutModels(100, 10, seed),
    ladderInstance: (services, targets) => multiwaycutModels(services, targets, 4),
    solve: async (models, timeLimit) => (await multiwaycutExactPlan(models, { timeLimit })).report,
  },
  {
    name: 'graphcol',
    ladder: [[25, 10], [50, 10], [75, 10], [100, 10], [150, 10], [200, 10], [300, 10], [400, 10]],
    gapInstance: (seed) => colouringModels(100, 8, 10, seed),
    ladderInstance: (services, targets) => colouringModels(services, 8, targets, 9),
    solve: async (models, timeLimit) => (await graphcolExactPlan({ services: models.services, infrastructure: models.infrastructure }, { timeLimit })).report,
  },
];

async function ladderRow(planner: Planner): Promise<BenchResult> {
  let best: { size: [number, number]; report: ExactReport } | undefined;
  let failed = '';
  for (const [services, targets] of planner.ladder) {
    const report = await planner.solve(planner.ladderInstance(services, targets), LIMIT);
    if (!report.optimal) {
      failed = `; ${services} × ${targets}: gap ${(gap(report.objective, report.bound) * 100).toFixed(1)} % after ${LIMIT} s`;
      break;
    }
    best = { size: [services, targets], report };
  }
  if (!best) return { seconds: NaN, target: `optimal in ≤ ${LIMIT} s`, note: `none of the ladder solved${failed}` };
  const { size, report } = best;
  return {
    seconds: report.seconds,
    target: `optimal in ≤ ${LIMIT} s`,
    note: `largest solved: ${size[0]} services × ${size[1]} targets (${report.measure} ${report.objective}, ${report.variables} variables, ${report.constraints} constraints)${failed || '; the whole ladder solved'}`,
  };
}

async function gapRow(planner: Planner, instances = 10): Promise<BenchResult> {
  let sum = 0;
  let proven = 0;
  let worse = 0;
  let seconds = 0;
  for (let seed = 1; seed <= instances; seed++) {
    const report = await planner.solve(planner.gapInstance(seed), LIMIT);
    seconds += report.seconds;
    const heuristicGap = gap(report.heuristic!, report.optimal ? report.objective : report.bound);
    sum += heuristicGap;
    if (report.optimal) proven++;
    if (report.heuristic! > report.objective) worse++;
  }
  return {
    seconds: seconds / instances,
    note: `heuristic gap ${((sum / instances) * 100).toFixed(2)} % on average over ${instances} instances (heuristic above the exact plan on ${worse}; optimum proven on ${proven}, else against the best bound); seconds = mean solve time`,
  };
}

export const benchmarks: Benchmark[] = planners.flatMap((planner): Benchmark[] => [
  { area: 'exact', name: `${planner.name}: largest instance optimal within ${LIMIT} s`, run: () => ladderRow(planner) },
  { area: 'exact', name: `${planner.name}: heuristic gap, 100 services`, run: () => gapRow(planner) },
]);
