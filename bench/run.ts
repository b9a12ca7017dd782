/**
 * `npm run bench [-- FILTER...]`: discovers every bench module (dist/bench/*.js exporting
 * `benchmarks`), runs them and prints a table. Record the figures in docs/BENCHMARKS.md.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Benchmark, BenchResult } from './harness.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const NOT_BENCHMARKS = new Set(['harness.js', 'run.js', 'generate.js']);

async function discover(): Promise<Benchmark[]> {
  const files = (await fs.readdir(here)).filter((f) => f.endsWith('.js') && !NOT_BENCHMARKS.has(f)).sort();
  const all: Benchmark[] = [];
  for (const file of files) {
    const module = (await import(pathToFileURL(path.join(here, file)).href)) as { benchmarks?: Benchmark[] };
    all.push(...(module.benchmarks ?? []));
  }
  return all;
}

function row(cells: string[], widths: number[]): string {
  return `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
}

async function main(): Promise<void> {
  const filters = process.argv.slice(2);
  const benchmarks = (await discover()).filter((b) => filters.length === 0 || filters.some((f) => `${b.area} ${b.name}`.includes(f)));
  const workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'dydisnix-bench-'));
  const rows: string[][] = [];
  process.stderr.write(`machine: ${os.cpus()[0]?.model ?? '?'} x${os.cpus().length}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}\n`);
  try {
    for (const benchmark of benchmarks) {
      process.stderr.write(`running ${benchmark.area}: ${benchmark.name}...\n`);
      let results: BenchResult[];
      try {
        const result = await benchmark.run(workDir);
        results = Array.isArray(result) ? result : [result];
      } catch (error) {
        rows.push([benchmark.area, benchmark.name, 'FAILED', '', '', String((error as Error).message).split('\n')[0]!]);
        process.exitCode = 1;
        continue;
      }
      for (const result of results) {
        rows.push([
          benchmark.area,
          benchmark.name,
          result.seconds.toFixed(3),
          result.peakMB === undefined || Number.isNaN(result.peakMB) ? '' : result.peakMB.toFixed(0),
          result.target ?? '',
          result.note ?? '',
        ]);
      }
    }
  } finally {
    await fs.rm(workDir, { recursive: true, force: true });
  }
  const header = ['area', 'benchmark', 'seconds', 'peak MB', 'target', 'notes'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  console.log(row(header, widths));
  console.log(row(widths.map((w) => '-'.repeat(w)), widths));
  for (const r of rows) console.log(row(r, widths));
}

await main();
