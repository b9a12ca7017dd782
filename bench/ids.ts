/**
 * dydisnix-id-assign benchmarks (issue 5): whole CLI runs, model loading and output included.
 * - global scope, 100k services × 3 resources (target < 2 s), first run and re-run with --ids;
 * - machine scope, 10k services on 100 targets (target < 2 s);
 * - 5k services, the figure to compare with the original C tool (0.14–0.23 s);
 * - start-up on the small story fixture (median of 5).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { binPath, medianSeconds, repoRoot, timeCommand, type Benchmark, type BenchResult } from './harness.js';
import { generateModels, writeModels } from './generate.js';
import type { IdResources, OutputFormat } from '../src/model/types.js';

const BIN = binPath('dydisnix-id-assign');
const GNU_TIME = '/usr/bin/time';

const allGlobal = (n: number): IdResources => ({
  ports: { min: 3000, max: 3000 + n * 2, scope: 'global', step: 1 },
  uids: { min: 2000, max: 2000 + n * 2, scope: 'global', step: 1 },
  gids: { min: 2000, max: 2000 + n * 2, scope: 'global', step: 1 },
});

const perMachine = (n: number): IdResources => ({
  ports: { min: 3000, max: 3000 + n, scope: 'machine', step: 1 },
  uids: { min: 2000, max: 2000 + n * 2, scope: 'global', step: 1 },
  gids: { min: 2000, max: 2000 + n, scope: 'machine', step: 1 },
});

interface Setup {
  services: number;
  targets: number;
  resources: (n: number) => IdResources;
  distribution: boolean;
  format?: OutputFormat;
}

async function prepare(workDir: string, name: string, setup: Setup) {
  const models = generateModels({ services: setup.services, targets: setup.targets, candidates: 1, avgDependencies: 0 });
  models.idResources = setup.resources(setup.services);
  const dir = path.join(workDir, `ids-${name}`);
  const files = await writeModels(models, dir, setup.format ?? 'json');
  const args = ['-s', files.services, '--id-resources', files.idResources];
  if (setup.distribution) args.push('-i', files.infrastructure, '-d', files.distribution);
  return { dir, args };
}

/**
 * One CLI run. Wall time is what the harness reports; the CPU time (user + sys, from GNU time) is
 * added to the note because the 2 shared cores are often busy with other work.
 */
async function run(args: string[], label: string, target?: string): Promise<BenchResult> {
  const timed = existsSync(GNU_TIME);
  const result = timed ? await timeCommand(GNU_TIME, ['-f', '__CPU__%U %S', BIN, ...args]) : await timeCommand(BIN, args);
  if (result.code !== 0) throw new Error(`${label} failed (${result.code}): ${result.stderr}`);
  const cpu = /__CPU__([\d.]+) ([\d.]+)/.exec(result.stderr);
  const note = cpu ? `${label}; cpu ${(Number(cpu[1]) + Number(cpu[2])).toFixed(2)} s` : label;
  return { seconds: result.seconds, peakMB: result.peakMB, note, ...(target ? { target } : {}) };
}

/** First run (output to a file), then the update run reading it back (--ids ids.json --output-file ids.json). */
async function firstAndUpdate(workDir: string, name: string, setup: Setup, target?: string): Promise<BenchResult[]> {
  const { dir, args } = await prepare(workDir, name, setup);
  const ids = path.join(dir, 'ids.json');
  const first = await run([...args, '--output-json', '--output-file', ids], 'first run', target);
  const update = await run([...args, '--ids', ids, '--output-json', '--output-file', ids], 'update with --ids (all retained)', target);
  return [first, update];
}

export const benchmarks: Benchmark[] = [
  {
    area: 'ids',
    name: 'global scope, 100k services x 3 resources (services mode, JSON)',
    run: (workDir) => firstAndUpdate(workDir, 'global-100k', { services: 100_000, targets: 100, resources: allGlobal, distribution: false }, '< 2 s'),
  },
  {
    area: 'ids',
    name: 'machine scope, 10k services on 100 targets (distribution mode, JSON)',
    run: (workDir) => firstAndUpdate(workDir, 'machine-10k', { services: 10_000, targets: 100, resources: perMachine, distribution: true }, '< 2 s'),
  },
  {
    area: 'ids',
    name: '5k services x 3 global resources, services mode (JSON)',
    run: (workDir) => firstAndUpdate(workDir, 'global-5k', { services: 5_000, targets: 50, resources: allGlobal, distribution: false }, 'C tool: 0.14-0.23 s'),
  },
  {
    area: 'ids',
    name: '5k services, distribution mode, 50 targets, ports+gids machine (JSON)',
    run: (workDir) => firstAndUpdate(workDir, 'machine-5k', { services: 5_000, targets: 50, resources: perMachine, distribution: true }, 'C tool: 0.14-0.23 s'),
  },
  {
    area: 'ids',
    name: '5k services x 3 global resources, services mode (XML inputs, like the C tool with --xml)',
    run: async (workDir) => {
      const { args } = await prepare(workDir, 'global-5k-xml', { services: 5_000, targets: 50, resources: allGlobal, distribution: false, format: 'xml' });
      return run([...args, '--xml', '--output-xml', '--output-file', path.join(workDir, 'ids-global-5k-xml', 'ids.xml')], 'first run', 'C tool: 0.14-0.23 s');
    },
  },
  {
    area: 'ids',
    name: 'start-up: story fixture, JSON (median of 5)',
    run: async () => {
      const fixture = (file: string) => path.join(repoRoot, 'fixtures', 'ids', 'story', file);
      const args = ['-s', fixture('services-v1.json'), '--id-resources', fixture('idresources.json'), '--output-json'];
      const seconds = await medianSeconds(BIN, args);
      const once = await run(args, 'one more run');
      return { seconds, target: '~0.2 s', note: `median of 5 (wall); ${once.note}` };
    },
  },
];
