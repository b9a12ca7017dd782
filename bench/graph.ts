/**
 * Graph planner benchmarks (issue 4): end-to-end CLI runs on generated JSON models, with solution
 * quality next to time: cross-target links (ours vs the original heuristic), colours used, total cost.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Distribution, Services } from '../src/model/types.js';
import { crossTargetLinks } from '../src/planners/graph/common.js';
import { multiwaycutGraph } from '../src/planners/graph/multiwaycut.js';
import { originalMultiwaycut } from '../src/planners/graph/original.js';
import { targetCost } from '../src/planners/graph/minsetcover.js';
import { binPath, medianSeconds, timeCommand, type Benchmark, type BenchResult } from './harness.js';
import { generateModels, rng, writeModels, type GeneratedModels } from './generate.js';

/**
 * Restricted candidates make multiway cut non-trivial (with every target a candidate, one target
 * holds everything): `candidates` consecutive targets per service, and every `pinEvery`-th service
 * pinned to its first candidate.
 */
function restrictCandidates(models: GeneratedModels, pinEvery: number): GeneratedModels {
  const distribution: Distribution = {};
  Object.keys(models.distribution).forEach((service, i) => {
    const list = models.distribution[service]!;
    distribution[service] = i % pinEvery === 0 ? list.slice(0, 1) : list;
  });
  return { ...models, distribution };
}

async function writeJson(models: GeneratedModels, dir: string): Promise<Record<keyof GeneratedModels, string>> {
  return writeModels(models, dir, 'json');
}

function parseDistribution(stdout: string): Distribution {
  const raw = JSON.parse(stdout) as Record<string, (string | { target: string; container?: string })[]>;
  const out: Distribution = {};
  for (const [service, list] of Object.entries(raw)) out[service] = list.map((item) => (typeof item === 'string' ? { target: item } : item));
  return out;
}

async function run(command: string, args: string[]): Promise<{ seconds: number; peakMB: number; distribution: Distribution }> {
  const result = await timeCommand(binPath(command), args);
  if (result.code !== 0) throw new Error(`${command} failed (${result.code}): ${result.stderr.split('\n')[0]}`);
  return { seconds: result.seconds, peakMB: result.peakMB, distribution: parseDistribution(result.stdout) };
}

async function multiwaycutRow(workDir: string, services: number, targets: number, target: string): Promise<BenchResult> {
  const models = restrictCandidates(generateModels({ services, targets, avgDependencies: 3, candidates: 3, seed: 4 }), 5);
  const files = await writeJson(models, path.join(workDir, `mwc-${services}x${targets}`));
  const ours = await run('dydisnix-multiwaycut', ['-s', files.services, '-i', files.infrastructure, '-d', files.distribution, '--output-json']);
  const original = originalMultiwaycut(multiwaycutGraph(models));
  const links = crossTargetLinks(models.services, ours.distribution);
  const originalLinks = crossTargetLinks(models.services, original);
  const dependencies = countDependencies(models.services);
  return {
    seconds: ours.seconds,
    peakMB: ours.peakMB,
    target,
    note: `cross-target links ${links} vs original heuristic ${originalLinks} (of ${dependencies} deps; 3 candidates, 1 in 5 pinned)`,
  };
}

function countDependencies(services: Services): number {
  return Object.values(services).reduce((sum, s) => sum + s.dependsOn.length + s.connectsTo.length, 0);
}

/** A planted 20-colourable graph of `n` services with average degree `degree` (connectsTo edges). */
function colourableModels(n: number, degree: number, k: number): GeneratedModels {
  const models = generateModels({ services: n, targets: k, avgDependencies: 0, seed: 9 });
  const random = rng(17);
  const names = Object.keys(models.services).sort();
  const part = names.map(() => Math.floor(random() * k));
  const edges = Math.round((n * degree) / 2);
  const seen = new Set<string>();
  for (let added = 0; added < edges; ) {
    const a = Math.floor(random() * n);
    const b = Math.floor(random() * n);
    if (a === b || part[a] === part[b] || seen.has(`${Math.min(a, b)},${Math.max(a, b)}`)) continue;
    seen.add(`${Math.min(a, b)},${Math.max(a, b)}`);
    models.services[names[Math.max(a, b)]!]!.connectsTo.push(names[Math.min(a, b)]!);
    added++;
  }
  for (const service of Object.values(models.services)) service.dependsOn = [];
  return models;
}

export const benchmarks: Benchmark[] = [
  {
    area: 'graph',
    name: 'multiwaycut 5,000 services x 20 targets, avg 3 deps (CLI, JSON)',
    run: (workDir) => multiwaycutRow(workDir, 5000, 20, '< 1.5 s'),
  },
  {
    area: 'graph',
    name: 'multiwaycut 20,000 services x 50 targets, avg 3 deps (CLI, JSON)',
    run: (workDir) => multiwaycutRow(workDir, 20_000, 50, '< 10 s'),
  },
  {
    area: 'graph',
    name: 'graphcol 10,000 services, avg degree 6, 20 targets (CLI, JSON)',
    run: async (workDir) => {
      const models = colourableModels(10_000, 6, 20);
      const files = await writeJson(models, path.join(workDir, 'graphcol'));
      const ours = await run('dydisnix-graphcol', ['-s', files.services, '-i', files.infrastructure, '--output-json']);
      const used = new Set(Object.values(ours.distribution).map((list) => list[0]!.target));
      return { seconds: ours.seconds, peakMB: ours.peakMB, target: '< 2 s', note: `colours used ${used.size} of 20 (proper colouring; the original hangs on such inputs)` };
    },
  },
  {
    area: 'graph',
    name: 'minsetcover 50,000 services x 50 targets, 3 candidates (CLI, JSON)',
    run: async (workDir) => {
      const models = generateModels({ services: 50_000, targets: 50, avgDependencies: 1, candidates: 3, seed: 5 });
      const files = await writeJson(models, path.join(workDir, 'minsetcover'));
      const ours = await run('dydisnix-minsetcover', ['-s', files.services, '-i', files.infrastructure, '-d', files.distribution, '--target-property', 'cost', '--output-json']);
      const used = new Set(Object.values(ours.distribution).map((list) => list[0]!.target));
      const cost = [...used].reduce((sum, t) => sum + targetCost(models.infrastructure, t, 'cost'), 0);
      const all = Object.keys(models.infrastructure).reduce((sum, t) => sum + targetCost(models.infrastructure, t, 'cost'), 0);
      return { seconds: ours.seconds, peakMB: ours.peakMB, target: '< 2 s', note: `total cost ${cost} (${used.size} targets; all 50 targets cost ${all})` };
    },
  },
  {
    area: 'graph',
    name: 'start-up (median of 5, test models)',
    run: async () => {
      const fixtures = path.join(path.dirname(binPath('x')), '..', 'fixtures', 'graph');
      await fs.access(fixtures);
      const f = (name: string) => path.join(fixtures, name);
      const rows: BenchResult[] = [];
      const commands: [string, string[]][] = [
        ['dydisnix-minsetcover', ['-s', f('services.json'), '-i', f('infrastructure-3.json'), '-d', f('distribution-3.json'), '--target-property', 'cost']],
        ['dydisnix-multiwaycut', ['-s', f('services.json'), '-i', f('infrastructure-3.json'), '-d', f('distribution-3.json')]],
        ['dydisnix-graphcol', ['-s', f('services.json'), '-i', f('infrastructure-3.json')]],
      ];
      for (const [command, args] of commands) {
        rows.push({ seconds: await medianSeconds(binPath(command), args), target: '~0.2 s', note: command });
      }
      return rows;
    },
  },
];
