/**
 * Activation benchmarks: 200 activate+deactivate cycles of a trivial daemon through the library API
 * (one module process per operation, as the deployment layer runs it), compared with the daemon's own
 * start and stop measured without any module; the same cycles calling the module executable directly
 * (no core); a few CLI cycles; and start-up of trivial module and CLI calls.
 */
import { execFile, spawn } from 'node:child_process';
import { promises as fs, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Benchmark, BenchResult } from './harness.js';
import { binPath, medianSeconds, repoRoot, timeCommand } from './harness.js';
import { isAlive, pollUntil } from '../src/activation/proc.js';
import { MARKER_VAR, newMarker, reap } from '../src/activation/reaper.js';
import { runActivation } from '../src/activation/run.js';

const CYCLES = 200;
const CLI_CYCLES = 20;
const TARGET = '< 30 ms overhead/op';

const MODULES = path.join(repoRoot, 'libexec', 'dysnomia');
const DAEMON = '#!/bin/sh\nsleep 1000 &\necho $! > "$DYSNOMIA_PID_FILE"\n';

interface Fixture {
  component: string;
  pidFile: string;
  env: NodeJS.ProcessEnv;
  marker: string;
}

async function makeFixture(workDir: string, name: string): Promise<Fixture> {
  const root = path.join(workDir, `activation-${name}`);
  const component = path.join(root, 'comp');
  await fs.mkdir(path.join(component, 'bin'), { recursive: true });
  await fs.writeFile(path.join(component, 'bin', 'daemon'), DAEMON, { mode: 0o755 });
  const runtimeDir = path.join(root, 'run');
  await fs.mkdir(runtimeDir, { recursive: true });
  const marker = newMarker();
  const env = { ...process.env, DYSNOMIA_STATEDIR: path.join(root, 'state'), runtimeDir, DYSNOMIA_MODULES_PATH: '', [MARKER_VAR]: marker };
  return { component, pidFile: path.join(runtimeDir, 'daemon.pid'), env, marker };
}

const ms = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;
const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

function readPid(file: string): number | undefined {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim());
    return pid > 1 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** The daemon's own start (spawn, starter exits, PID file there) and stop (TERM, gone), no module. */
async function ownCycle(f: Fixture): Promise<[number, number]> {
  const t0 = process.hrtime.bigint();
  const child = spawn(path.join(f.component, 'bin', 'daemon'), [], { detached: true, stdio: 'ignore', env: { ...f.env, DYSNOMIA_PID_FILE: f.pidFile } });
  await new Promise((resolve) => child.once('exit', resolve));
  await pollUntil(() => readPid(f.pidFile) !== undefined, 5000);
  const start = ms(t0);
  const pid = readPid(f.pidFile)!;
  const t1 = process.hrtime.bigint();
  process.kill(pid, 'SIGTERM');
  await pollUntil(() => !isAlive(pid), 5000);
  await fs.rm(f.pidFile, { force: true });
  return [start, ms(t1)];
}

/** Run an executable (no shell, no /usr/bin/time); milliseconds, exit code and stderr. */
function runTimed(file: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ ms: number; code: number; stderr: string }> {
  const t0 = process.hrtime.bigint();
  return new Promise((resolve) => {
    execFile(file, args, { env }, (error, _stdout, stderr) => {
      resolve({ ms: ms(t0), code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stderr });
    });
  });
}

async function cycles<T>(count: number, cycle: () => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  for (let i = 0; i < count; i++) results.push(await cycle());
  return results;
}

function row(name: string, perOpMs: number[], note: string, target?: string): BenchResult {
  return { seconds: mean(perOpMs) / 1000, note: `${name}: mean ${mean(perOpMs).toFixed(1)} ms, median ${median(perOpMs).toFixed(1)} ms${note ? `; ${note}` : ''}`, ...(target ? { target } : {}) };
}

export const benchmarks: Benchmark[] = [
  {
    area: 'activation',
    name: `process module, ${CYCLES} activate+deactivate cycles`,
    run: async (workDir) => {
      const own = await makeFixture(workDir, 'own');
      const api = await makeFixture(workDir, 'api');
      const direct = await makeFixture(workDir, 'direct');
      try {
        const ownTimes = await cycles(CYCLES, () => ownCycle(own));
        const ownStart = mean(ownTimes.map((t) => t[0]));
        const ownStop = mean(ownTimes.map((t) => t[1]));

        const request = { type: 'process', component: api.component, env: api.env };
        const apiTimes = await cycles(CYCLES, async () => {
          const t0 = process.hrtime.bigint();
          const up = await runActivation({ ...request, operation: 'activate' });
          const a = ms(t0);
          const t1 = process.hrtime.bigint();
          const down = await runActivation({ ...request, operation: 'deactivate' });
          const d = ms(t1);
          if (up.exitCode !== 0 || down.exitCode !== 0) throw new Error(`cycle failed: ${up.stderr}${down.stderr}`);
          return [a, d] as const;
        });

        // The module executable called directly (no module lookup, no execa): what the module costs.
        const module = path.join(MODULES, 'process');
        const directTimes = await cycles(CYCLES, async () => {
          const up = await runTimed(module, ['activate', direct.component, 'process'], direct.env);
          const down = await runTimed(module, ['deactivate', direct.component, 'process'], direct.env);
          if (up.code !== 0 || down.code !== 0) throw new Error(`direct cycle failed: ${up.stderr}${down.stderr}`);
          return [up.ms, down.ms] as const;
        });

        const apiUp = apiTimes.map((t) => t[0]);
        const apiDown = apiTimes.map((t) => t[1]);
        const directUp = directTimes.map((t) => t[0]);
        const directDown = directTimes.map((t) => t[1]);
        return [
          row('daemon own start (no module)', ownTimes.map((t) => t[0]), `own stop ${ownStop.toFixed(1)} ms`),
          row('activate via runActivation', apiUp, `overhead ${(mean(apiUp) - ownStart).toFixed(1)} ms beyond own start`, TARGET),
          row('deactivate via runActivation', apiDown, `overhead ${(mean(apiDown) - ownStop).toFixed(1)} ms beyond own stop`, TARGET),
          row('activate, module executable directly', directUp, `overhead ${(mean(directUp) - ownStart).toFixed(1)} ms beyond own start`),
          row('deactivate, module executable directly', directDown, `overhead ${(mean(directDown) - ownStop).toFixed(1)} ms beyond own stop`),
        ];
      } finally {
        for (const f of [own, api, direct]) await reap(f.marker);
      }
    },
  },
  {
    area: 'activation',
    name: `CLI, ${CLI_CYCLES} activate+deactivate cycles`,
    run: async (workDir) => {
      const f = await makeFixture(workDir, 'cli');
      try {
        const args = (op: string) => ['-t', 'process', '-o', op, '-c', f.component, '-E'];
        const times = await cycles(CLI_CYCLES, async () => {
          const up = await timeCommand(binPath('dydisnix-dysnomia'), args('activate'), { env: f.env });
          const down = await timeCommand(binPath('dydisnix-dysnomia'), args('deactivate'), { env: f.env });
          if (up.code !== 0 || down.code !== 0) throw new Error(`CLI cycle failed: ${up.stderr}${down.stderr}`);
          return [up.seconds * 1000, down.seconds * 1000] as const;
        });
        return [row('activate via CLI', times.map((t) => t[0]), 'node start-up of the CLI + the bash module'), row('deactivate via CLI', times.map((t) => t[1]), '')];
      } finally {
        await reap(f.marker);
      }
    },
  },
  {
    area: 'activation',
    name: 'start-up',
    run: async (workDir) => {
      const dir = path.join(workDir, 'activation-startup');
      await fs.mkdir(dir, { recursive: true });
      const echo = await medianSeconds(binPath('dydisnix-dysnomia'), ['-t', 'echo', '-o', 'lock', '-c', dir, '-E'], 9);
      const echoModule = await medianSeconds(path.join(MODULES, 'echo'), ['lock', dir, 'echo'], 9);
      const processModule = await medianSeconds(path.join(MODULES, 'process'), ['lock', dir, 'process'], 9);
      const node = await medianSeconds(process.execPath, ['-e', '0'], 9);
      const bash = await medianSeconds('bash', ['-c', ':'], 9);
      return [
        { seconds: echo, note: 'median of 9: dydisnix-dysnomia -t echo -o lock (CLI + echo module process)' },
        { seconds: echoModule, note: 'median of 9: libexec/dysnomia/echo lock (the bash module alone)' },
        { seconds: processModule, note: 'median of 9: libexec/dysnomia/process lock (start-up of the bash module)' },
        { seconds: node, note: 'median of 9: node -e 0 (baseline for one node process)' },
        { seconds: bash, note: 'median of 9: bash -c : (baseline for one bash process)' },
      ];
    },
  },
];
