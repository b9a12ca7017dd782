/**
 * Visualisation: visualize-services on 10k services (target < 2 s), the catalogue of 10k services,
 * the deployment architecture, Graphviz `dot` rendering time for 1k services, and start-up times.
 */
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Services } from '../src/model/types.js';
import { generateModels, writeModels, type GeneratedModels } from './generate.js';
import { binPath, medianSeconds, repoRoot, timeCommand, type Benchmark, type BenchResult } from './harness.js';

/** Generated models with a three-level group hierarchy (10 × 5 × 4 groups), some services at the root. */
function groupedModels(services: number): GeneratedModels {
  const models = generateModels({ services, targets: 100, avgDependencies: 2, candidates: 1 });
  const names = Object.keys(models.services).sort();
  names.forEach((name, i) => {
    if (i % 50 === 0) return; // 2 % at the root
    const group = [`area${i % 10}`, `domain${Math.floor(i / 10) % 5}`, `part${Math.floor(i / 50) % 4}`].slice(0, 1 + (i % 3)).join('/');
    (models.services as Services)[name]!.properties.group = group;
  });
  return models;
}

async function prepared(workDir: string, services: number): Promise<Record<'services' | 'infrastructure' | 'distribution', string>> {
  const dir = path.join(workDir, `visualize-${services}`);
  const files = path.join(dir, 'services.json');
  const done = await fs.stat(files).then(() => true, () => false);
  const written = { services: files, infrastructure: path.join(dir, 'infrastructure.json'), distribution: path.join(dir, 'distribution.json') };
  if (!done) await writeModels(groupedModels(services), dir, 'json');
  return written;
}

/** The 1-minute load average, so that figures from a busy machine can be recognised as such. */
const load = () => `load ${os.loadavg()[0]!.toFixed(1)}`;

/**
 * CPU seconds (user + sys) of one more run: on a shared machine the wall time depends on the other
 * jobs, the CPU time hardly does (the commands are single-threaded apart from the GC).
 */
function cpuSeconds(command: string, args: string[]): Promise<number | undefined> {
  return new Promise((resolve) => {
    execFile('/usr/bin/time', ['-f', '__CPU__%U %S', command, ...args], { maxBuffer: 1 << 30 }, (error, _stdout, stderr) => {
      const match = /__CPU__([\d.]+) ([\d.]+)/.exec(stderr);
      resolve(error || !match ? undefined : Number(match[1]) + Number(match[2]));
    });
  });
}

async function timed(command: string, args: string[], target: string, note: string): Promise<BenchResult> {
  const run = await timeCommand(binPath(command), args);
  if (run.code !== 0) throw new Error(`${command} failed: ${run.stderr}`);
  const cpu = await cpuSeconds(binPath(command), args);
  const size = run.stdout.length > 0 ? ` (${(run.stdout.length / 2 ** 20).toFixed(1)} MB DOT)` : '';
  return { seconds: run.seconds, peakMB: run.peakMB, target, note: `${note}${size}, cpu ${cpu === undefined ? '?' : cpu.toFixed(2)} s, ${load()}` };
}

const SMALL = (name: string) => path.join(repoRoot, 'fixtures/visualize', name);

export const benchmarks: Benchmark[] = [
  {
    area: 'visualize',
    name: 'visualize-services 10k services',
    run: async (workDir) => {
      const files = await prepared(workDir, 10_000);
      return [
        await timed('dydisnix-visualize-services', ['-s', files.services], '< 2 s', 'root, every service'),
        await timed('dydisnix-visualize-services', ['-s', files.services, '--group-subservices'], '< 2 s', 'root, subgroups collapsed'),
        await timed('dydisnix-visualize-services', ['-s', files.services, '--group', 'area3', '--group-subservices'], '< 2 s', 'one group with context'),
      ];
    },
  },
  {
    area: 'visualize',
    name: 'visualize-services --batch 10k services (DOT only)',
    run: async (workDir) => {
      const files = await prepared(workDir, 10_000);
      const out = path.join(workDir, 'batch-10k');
      const result = await timed('dydisnix-visualize-services', ['-s', files.services, '--batch', '--output-dir', out], '', '');
      const diagrams = (await fs.readdir(out, { recursive: true })).filter((f) => String(f).endsWith('diagram.dot')).length;
      return { ...result, note: `${diagrams} diagrams, ${load()}` };
    },
  },
  {
    area: 'visualize',
    name: 'generate-services-docs 10k services (DOT only)',
    run: async (workDir) => {
      const files = await prepared(workDir, 10_000);
      const out = path.join(workDir, 'docs-10k');
      const result = await timed('dydisnix-generate-services-docs', ['-s', files.services, '--output-dir', out], '', '');
      const pages = (await fs.readdir(out, { recursive: true })).filter((f) => String(f).endsWith('index.html')).length;
      return { ...result, note: `${pages} pages, ${load()}` };
    },
  },
  {
    area: 'visualize',
    name: 'visualize (deployment) 10k services, 100 targets',
    run: async (workDir) => {
      const files = await prepared(workDir, 10_000);
      return timed('dydisnix-visualize', ['-s', files.services, '-i', files.infrastructure, '-d', files.distribution], '', 'containers on');
    },
  },
  {
    area: 'visualize',
    name: 'dot -Tsvg rendering, 1k services',
    run: async (workDir) => {
      const files = await prepared(workDir, 1_000);
      const rows: BenchResult[] = [];
      for (const [label, args] of [
        ['root, every service', []],
        ['root, subgroups collapsed', ['--group-subservices']],
      ] as const) {
        const dotRun = await timeCommand(binPath('dydisnix-visualize-services'), ['-s', files.services, ...args]);
        if (dotRun.code !== 0) throw new Error(dotRun.stderr);
        const dotFile = path.join(workDir, `render-1k-${args.length}.dot`);
        await fs.writeFile(dotFile, dotRun.stdout);
        const render = await timeCommand('dot', ['-Tsvg', '-o', `${dotFile}.svg`, dotFile]);
        if (render.code !== 0) throw new Error(`dot failed: ${render.stderr}`);
        rows.push({ seconds: render.seconds, peakMB: render.peakMB, note: `dot only: ${label}, ${load()}` });
      }
      const full = await timeCommand(binPath('dydisnix-visualize-services'), ['-s', files.services, '-f', 'svg']);
      if (full.code !== 0) throw new Error(full.stderr);
      rows.push({ seconds: full.seconds, peakMB: full.peakMB, note: `visualize-services -f svg (model + DOT + dot), ${load()}` });
      return rows;
    },
  },
  ...(
    [
      ['dydisnix-visualize-services', ['-s', SMALL('services.json')]],
      ['dydisnix-visualize-infra', ['-i', SMALL('infrastructure.json')]],
      ['dydisnix-visualize', ['-s', SMALL('services.json'), '-i', SMALL('infrastructure.json'), '-d', SMALL('distribution.json')]],
      ['dydisnix-document-services', ['-s', SMALL('services.json'), '--docs', SMALL('docs.json')]],
      ['dydisnix-visualize-services', ['--help']],
    ] as const
  ).map(
    ([command, args]): Benchmark => ({
      area: 'visualize',
      name: `start-up: ${command} ${args[0] === '--help' ? '--help' : 'on the small fixture'}`,
      run: async () => ({ seconds: await medianSeconds(binPath(command), [...args]), target: '~0.2 s', note: `median of 5, ${load()}` }),
    }),
  ),
  {
    area: 'visualize',
    name: 'start-up: dydisnix-generate-services-docs on the small fixture',
    run: async (workDir) => ({
      seconds: await medianSeconds(binPath('dydisnix-generate-services-docs'), ['-s', SMALL('services.json'), '--docs', SMALL('docs.json'), '--output-dir', path.join(workDir, 'small-docs')]),
      target: '~0.2 s',
      note: `median of 5, DOT only, ${load()}`,
    }),
  },
];
