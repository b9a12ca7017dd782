/**
 * Ours against the original C tools (issue 15), on the same generated XML models (`--xml`, XML
 * output), and start-up against bare Node.
 *
 * - `DYDISNIX_ORIGINAL_BIN=/path/to/bin`: a folder holding the original `dydisnix-divide`,
 *   `dydisnix-minsetcover` and `dydisnix-id-assign` (built from the public dydisnix and disnix
 *   sources: docs/BENCHMARKS.md says how; never committed). Each row then gives our median, theirs
 *   and the ratio ours/theirs, from interleaved runs (ours, theirs, ours, …) so that a change of
 *   machine load hits both sides alike. Without it the rows give ours alone.
 * - Every run has NODE_EXTRA_CA_CERTS unset: on the project's machines it alone adds ~0.17 s to each
 *   Node start (docs/BENCHMARKS.md).
 */
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { binPath, timeCommand, type Benchmark, type BenchResult } from './harness.js';
import { generateModels, writeModels, type GeneratedModels } from './generate.js';
import { formatIdResources } from '../src/model/write.js';

const ORIGINAL_BIN = process.env.DYDISNIX_ORIGINAL_BIN;
const ENV: NodeJS.ProcessEnv = { ...process.env };
delete ENV.NODE_EXTRA_CA_CERTS;

/** services × targets of the comparison table; the ratio each size has to reach. */
const SIZES: { services: number; targets: number; reps: number; ratio?: string }[] = [
  { services: 1_000, targets: 10, reps: 5 },
  { services: 5_000, targets: 20, reps: 5, ratio: '<= 1.5' },
  { services: 20_000, targets: 50, reps: 3, ratio: '<= 0.8' },
  { services: 50_000, targets: 100, reps: 3, ratio: '<= 0.6' },
];
/** Candidate targets per service: 10 keeps the 50k XML distribution at ~25 MB. */
const CANDIDATES = 10;

/** The generated XML files; `globalIdResources` has every pool global (services mode has no targets). */
type Files = Record<'services' | 'infrastructure' | 'distribution' | 'idResources' | 'globalIdResources', string>;

interface Tool {
  label: string;
  command: string;
  args: (files: Files) => string[];
}

const TOOLS: Tool[] = [
  {
    label: 'divide greedy',
    command: 'dydisnix-divide',
    args: (f) => ['--strategy', 'greedy', '-s', f.services, '-i', f.infrastructure, '-d', f.distribution, '--service-property', 'requireMem', '--target-property', 'mem'],
  },
  { label: 'minsetcover', command: 'dydisnix-minsetcover', args: (f) => ['-s', f.services, '-i', f.infrastructure, '-d', f.distribution, '--target-property', 'cost'] },
  { label: 'id-assign services', command: 'dydisnix-id-assign', args: (f) => ['-s', f.services, '--id-resources', f.globalIdResources] },
  {
    label: 'id-assign distribution',
    command: 'dydisnix-id-assign',
    args: (f) => ['-s', f.services, '-i', f.infrastructure, '-d', f.distribution, '--id-resources', f.idResources],
  },
];

async function writeXml(models: GeneratedModels, dir: string): Promise<Files> {
  // Room for every service on its candidates (requireMem is 1..64), so that divide places them all.
  const services = Object.keys(models.services).length;
  const targets = Object.values(models.infrastructure);
  for (const target of targets) target.properties.mem = Math.ceil((services * 64 * 2) / targets.length);
  const files = await writeModels(models, dir, 'xml');
  const globalIdResources = path.join(dir, 'idresources-global.xml');
  const global = Object.fromEntries(Object.entries(models.idResources).map(([name, pool]) => [name, { ...pool, scope: 'global' as const }]));
  await fs.writeFile(globalIdResources, await formatIdResources(global, 'xml'));
  return { ...files, globalIdResources };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function once(command: string, args: string[]): Promise<{ seconds: number; peakMB: number }> {
  const run = await timeCommand(command, args, { env: ENV });
  if (run.code !== 0) throw new Error(`${path.basename(command)} ${args.join(' ')} exited ${run.code}: ${run.stderr.split('\n')[0]}`);
  return run;
}

/** Interleaved medians of ours and (when available) the original on the same arguments. */
async function compare(tool: Tool, files: Files, reps: number): Promise<{ ours: number; oursMB: number; theirs?: number; theirsMB?: number }> {
  const args = [...tool.args(files), '--xml', '--output-xml'];
  const original = ORIGINAL_BIN === undefined ? undefined : path.join(ORIGINAL_BIN, tool.command);
  if (original !== undefined && !existsSync(original)) throw new Error(`DYDISNIX_ORIGINAL_BIN has no ${tool.command}`);
  const ours: { seconds: number; peakMB: number }[] = [];
  const theirs: { seconds: number; peakMB: number }[] = [];
  for (let i = 0; i < reps; i++) {
    ours.push(await once(binPath(tool.command), args));
    if (original !== undefined) theirs.push(await once(original, args));
  }
  const result = { ours: median(ours.map((r) => r.seconds)), oursMB: Math.max(...ours.map((r) => r.peakMB)) };
  if (theirs.length === 0) return result;
  return { ...result, theirs: median(theirs.map((r) => r.seconds)), theirsMB: Math.max(...theirs.map((r) => r.peakMB)) };
}

function sizeBenchmark(size: (typeof SIZES)[number]): Benchmark {
  const name = `${size.services / 1000}k services x ${size.targets} targets (XML, ${CANDIDATES} candidates), ours vs original`;
  return {
    area: 'original',
    name,
    run: async (workDir) => {
      const models = generateModels({ services: size.services, targets: size.targets, avgDependencies: 2, candidates: CANDIDATES, seed: 15 });
      const files = await writeXml(models, path.join(workDir, `original-${size.services}`));
      const rows: BenchResult[] = [];
      for (const tool of TOOLS) {
        const r = await compare(tool, files, size.reps);
        const vs =
          r.theirs === undefined
            ? 'original: DYDISNIX_ORIGINAL_BIN unset'
            : `original ${r.theirs.toFixed(3)} s ${r.theirsMB!.toFixed(0)} MB, ratio ${(r.ours / r.theirs).toFixed(2)}`;
        rows.push({ seconds: r.ours, peakMB: r.oursMB, note: `${tool.label}: median of ${size.reps}; ${vs}`, ...(size.ratio ? { target: `ratio ${size.ratio}` } : {}) });
      }
      return rows;
    },
  };
}

/** Small-model runs of every planner, id-assign, xml and visualize command, and --help, against `node -e 0`. */
const startUp: Benchmark = {
  area: 'original',
  name: 'start-up: small XML model (10 services, 3 targets), median of 9, NODE_EXTRA_CA_CERTS unset',
  run: async (workDir) => {
    const models = generateModels({ services: 10, targets: 3, avgDependencies: 1, candidates: 2, seed: 15 });
    const f = await writeXml(models, path.join(workDir, 'original-small'));
    const runs: [string, string, string[], string][] = [
      ['node -e 0', process.execPath, ['-e', '0'], 'baseline'],
      ['dydisnix-xml --help', binPath('dydisnix-xml'), ['--help'], '<= 0.06 s'],
      ['dydisnix-divide --help', binPath('dydisnix-divide'), ['--help'], '<= 0.06 s'],
      ...TOOLS.map((tool): [string, string, string[], string] => [tool.label, binPath(tool.command), [...tool.args(f), '--xml'], '<= 0.08 s']),
      ['dydisnix-xml', binPath('dydisnix-xml'), ['-s', f.services, '--output-json'], '<= 0.08 s'],
      ['multiwaycut', binPath('dydisnix-multiwaycut'), ['-s', f.services, '-d', f.distribution, '--xml'], '<= 0.08 s'],
      ['graphcol', binPath('dydisnix-graphcol'), ['-s', f.services, '-i', f.infrastructure, '--xml'], '<= 0.08 s'],
      ['visualize-services', binPath('dydisnix-visualize-services'), ['-s', f.services, '--xml'], '<= 0.08 s'],
      ['visualize-infra', binPath('dydisnix-visualize-infra'), ['-i', f.infrastructure, '--xml'], '<= 0.08 s'],
    ];
    // Interleaved: one round runs every command once, so load changes hit all rows alike.
    const times = runs.map((): number[] => []);
    for (let round = 0; round < 9; round++) {
      for (const [i, [, command, args]] of runs.entries()) times[i]!.push((await once(command, args)).seconds);
    }
    return runs.map(([label, , , target], i) => ({ seconds: median(times[i]!), target, note: label }));
  },
};

export const benchmarks: Benchmark[] = [startUp, ...SIZES.map(sizeBenchmark)];
