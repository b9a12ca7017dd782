/**
 * Model layer: read, validate and write services models through dydisnix-xml (the real CLI,
 * start-up included), for 10k and 100k services in JSON and XML, plus the small-model start-up.
 */
import path from 'node:path';
import { generateModels, writeModels } from './generate.js';
import { binPath, medianSeconds, repoRoot, timeCommand, type Benchmark, type BenchResult } from './harness.js';

const SIZES = [10_000, 100_000];
const TARGETS: Record<number, string> = { 10_000: '< 1 s', 100_000: '< 8 s, < 1 GB' };

async function convertRows(workDir: string, services: number): Promise<BenchResult[]> {
  const models = generateModels({ services, targets: 100, avgDependencies: 2, candidates: 3 });
  const rows: BenchResult[] = [];
  for (const input of ['json', 'xml'] as const) {
    const files = await writeModels(models, path.join(workDir, `model-${services}-${input}`), input);
    for (const output of ['json', 'xml'] as const) {
      const args = ['-s', files.services, ...(output === 'json' ? ['--output-json'] : [])];
      const run = await timeCommand(binPath('dydisnix-xml'), args);
      if (run.code !== 0) throw new Error(run.stderr);
      rows.push({
        seconds: run.seconds,
        peakMB: run.peakMB,
        target: TARGETS[services]!,
        note: `${services / 1000}k services ${input} -> ${output} (${(run.stdout.length / 2 ** 20).toFixed(1)} MB out)`,
      });
    }
  }
  return rows;
}

export const benchmarks: Benchmark[] = [
  ...SIZES.map((n) => ({ area: 'model', name: `dydisnix-xml ${n / 1000}k services`, run: (dir: string) => convertRows(dir, n) })),
  {
    area: 'model',
    name: 'start-up: dydisnix-xml on the example (JSON in, XML out)',
    run: async () => ({ seconds: await medianSeconds(binPath('dydisnix-xml'), ['-s', path.join(repoRoot, 'fixtures/example/services.json')]), target: '~0.2 s' }),
  },
  {
    area: 'model',
    name: 'start-up: dydisnix-xml on the example (Nix in)',
    run: async () => ({ seconds: await medianSeconds(binPath('dydisnix-xml'), ['-s', path.join(repoRoot, 'fixtures/example/services.nix')]), note: 'includes nix-instantiate' }),
  },
];
