/**
 * Model layer: read, validate and write services models through dydisnix-xml (the real CLI,
 * start-up included), for 10k and 100k services in JSON and XML, plus the small-model start-up.
 */
import path from 'node:path';
import { generateModels, writeModels } from './generate.js';
import { parseXmlDocument } from '../src/model/formats/xml-read.js';
import { servicesToXml } from '../src/model/formats/xml-write.js';
import type { Services } from '../src/model/types.js';
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

/** In-process parse of a 20k-service XML document (moved here from a timing assertion in xml.test.ts). */
async function xmlParse20k(): Promise<BenchResult> {
  const many: Services = {};
  for (let i = 0; i < 20_000; i++) {
    many[`svc${i}`] = { name: `svc${i}`, type: 'process', pkg: `components/svc${i}`, dependsOn: i > 0 ? [`svc${i - 1}`] : [], connectsTo: [], activatesAfter: [], properties: { requireMem: i, group: 'g' } };
  }
  const xml = servicesToXml(many);
  const start = performance.now();
  const raw = parseXmlDocument('services', xml, 'f.xml') as Record<string, unknown>;
  const seconds = (performance.now() - start) / 1000;
  if (Object.keys(raw).length !== 20_000) throw new Error('xml parse 20k: wrong service count');
  return { seconds, target: '< 2 s', note: '20k services, parseXmlDocument in-process' };
}

export const benchmarks: Benchmark[] = [
  { area: 'model', name: 'xml parse 20k', run: () => xmlParse20k() },
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
