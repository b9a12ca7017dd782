/**
 * Benchmark harness. Every `bench/<area>.ts` module exports `benchmarks: Benchmark[]`; `run.ts`
 * discovers them, runs each (optionally filtered by name) and prints one table.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { packagePath } from '../src/package-root.js';

export interface BenchResult {
  /** wall-clock seconds of the measured part */
  seconds: number;
  /** peak resident memory in MB, when measured in a child process */
  peakMB?: number;
  /** solution quality or other figures, e.g. "cut=123 (orig 456)" */
  note?: string;
  /** the target, e.g. "< 2 s" */
  target?: string;
}

export interface Benchmark {
  area: string;
  name: string;
  run: (workDir: string) => Promise<BenchResult | BenchResult[]>;
}

/** The repository (bench modules are bundled into dist/bench and dist/chunks: see package-root.ts). */
export const repoRoot = packagePath();
export const binPath = (command: string) => path.join(repoRoot, 'bin', command);

export interface TimedRun {
  seconds: number;
  peakMB: number;
  stdout: string;
  stderr: string;
  code: number;
}

/**
 * Run a command under GNU time when available (peak RSS), else plain; returns wall time.
 * Output is kept in memory, so use files for very large outputs.
 */
export function timeCommand(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string } = {}): Promise<TimedRun> {
  const start = process.hrtime.bigint();
  const useTime = process.platform === 'linux';
  const file = useTime ? '/usr/bin/time' : command;
  const fullArgs = useTime ? ['-f', '__PEAK_KB__%M', command, ...args] : args;
  return new Promise((resolve) => {
    const child = execFile(file, fullArgs, { cwd: options.cwd, env: options.env ?? process.env, maxBuffer: 1 << 30 }, (error, stdout, stderr) => {
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      const match = /__PEAK_KB__(\d+)/.exec(stderr);
      const code = error ? ((error as { code?: number }).code ?? 1) : 0;
      resolve({
        seconds,
        peakMB: match ? Number(match[1]) / 1024 : NaN,
        stdout,
        stderr: stderr.replace(/__PEAK_KB__\d+\n?/, ''),
        code: typeof code === 'number' ? code : 1,
      });
    });
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

/** Median wall time of `runs` runs of a command (for start-up measurements). */
export async function medianSeconds(command: string, args: string[], runs = 5, cwd?: string): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const result = await timeCommand(command, args, cwd ? { cwd } : {});
    if (result.code !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr}`);
    times.push(result.seconds);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}
