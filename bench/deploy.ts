/**
 * Deployment benchmark: 100 process services in a dependency DAG of depth 5 (5 levels of 20, every
 * service depends on 1–2 services of the level before), on 2 local targets, through the real
 * Dysnomia process module. Each starter takes ~0.3 s to "initialise" and then daemonises.
 *
 * Reported: the wall time of the whole deployment next to its critical path, the sum over levels of
 * the slowest activation in that level (as measured in this run). Target: within 1.5x, which shows
 * that independent services are activated in parallel.
 */
import { promises as fs, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { Benchmark, BenchResult } from './harness.js';
import { buildManifest, manifestUnits } from '../src/deploy/manifest.js';
import { deploy } from '../src/deploy/deploy.js';
import { phaseLevels } from '../src/deploy/transition.js';
import type { Distribution, Infrastructure, Services } from '../src/model/types.js';

const LEVELS = 5;
const PER_LEVEL = 20;
const STARTUP_SECONDS = 0.3;

function killUnder(dir: string): void {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const text = readFileSync(`/proc/${entry}/cmdline`, 'utf8') + readFileSync(`/proc/${entry}/environ`, 'utf8');
      if (text.includes(dir)) process.kill(Number(entry), 'SIGKILL');
    } catch {
      // gone
    }
  }
}

async function run(workDir: string): Promise<BenchResult[]> {
  const dir = await fs.mkdtemp(path.join(workDir, 'deploy-'));
  const services: Services = {};
  const distribution: Distribution = {};
  const name = (level: number, i: number) => `s${level}_${String(i).padStart(2, '0')}`;
  for (let level = 0; level < LEVELS; level++) {
    for (let i = 0; i < PER_LEVEL; i++) {
      const svc = name(level, i);
      const pkg = path.join(dir, 'pkgs', svc);
      await fs.mkdir(path.join(pkg, 'bin'), { recursive: true });
      await fs.writeFile(
        path.join(pkg, 'bin', svc),
        `#!/bin/sh\nsleep ${STARTUP_SECONDS}\nsh -c 'echo $$ > "$DYSNOMIA_PID_FILE"; exec sleep 1000' &\nexit 0\n`,
        { mode: 0o755 },
      );
      const deps = level === 0 ? [] : [...new Set([name(level - 1, i), name(level - 1, (i * 7 + 3) % PER_LEVEL)])];
      services[svc] = { name: svc, type: 'process', pkg, dependsOn: deps, connectsTo: [], activatesAfter: [], properties: {} };
      distribution[svc] = [{ target: i % 2 === 0 ? 't1' : 't2' }];
    }
  }
  const infrastructure: Infrastructure = {};
  for (const t of ['t1', 't2']) {
    infrastructure[t] = { name: t, properties: { hostname: t }, containers: { process: { runtimeDir: path.join(dir, 'run', t) } }, numOfCores: PER_LEVEL };
  }
  const manifest = await buildManifest({ services, infrastructure, distribution, baseDir: dir });
  const levels = await phaseLevels(manifestUnits(manifest), 'activate');
  const stateDir = path.join(dir, 'state');
  const results: BenchResult[] = [];
  try {
    const timings = new Map<string, number>();
    const start = performance.now();
    await deploy({ kind: 'switch', manifest }, { stateDir, profile: 'bench', timings });
    const total = (performance.now() - start) / 1000;
    const critical = levels.reduce((sum, level) => sum + Math.max(...level.map((u) => timings.get(`activate ${u.key}`) ?? 0)), 0);
    results.push({
      seconds: total,
      target: `<= 1.5x critical path (${(1.5 * critical).toFixed(2)} s)`,
      note: `deploy 100 services, depth ${levels.length}, 2 targets: critical path ${critical.toFixed(2)} s, ratio ${(total / critical).toFixed(2)}`,
    });

    const undeployTimings = new Map<string, number>();
    const reverse = await phaseLevels(manifestUnits(manifest), 'deactivate');
    const start2 = performance.now();
    await deploy({ kind: 'undeploy' }, { stateDir, profile: 'bench', timings: undeployTimings });
    const total2 = (performance.now() - start2) / 1000;
    const critical2 = reverse.reduce((sum, level) => sum + Math.max(...level.map((u) => undeployTimings.get(`deactivate ${u.key}`) ?? 0)), 0);
    results.push({ seconds: total2, note: `undeploy: critical path ${critical2.toFixed(2)} s, ratio ${(total2 / critical2).toFixed(2)}` });
  } finally {
    killUnder(dir);
  }
  return results;
}

export const benchmarks: Benchmark[] = [{ area: 'deploy', name: 'deploy 100 process services (DAG depth 5, 2 targets)', run }];
