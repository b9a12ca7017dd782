/**
 * Remote deployment benchmark (docs/remote.md, issue 11), on a test network of 3 sshd targets
 * (test/net/testnet.sh; needs root, skipped otherwise):
 *
 * - 100 process services, DAG depth 5 (5 levels of 20), spread over 3 SSH targets: wall time next
 *   to the critical path (Σ over levels of the slowest activation) and next to the same deployment
 *   with every target local;
 * - first contact of a fresh target (connect, checks, module install);
 * - overhead of one remote activation beyond a local one on a warm connection (echo module, median of 20).
 */
import { execa } from 'execa';
import { promises as fs, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { Benchmark, BenchResult } from './harness.js';
import { repoRoot } from './harness.js';
import { dysnomiaActivator } from '../src/deploy/activator.js';
import { buildManifest, manifestUnits, type Unit } from '../src/deploy/manifest.js';
import { deploy } from '../src/deploy/deploy.js';
import { phaseLevels } from '../src/deploy/transition.js';
import type { Distribution, Infrastructure, Services } from '../src/model/types.js';
import { SshShell } from '../src/remote/shell.js';
import { SshConnections } from '../src/remote/ssh.js';
import { RemoteTarget } from '../src/remote/target.js';

const LEVELS = 5;
const PER_LEVEL = 20;
const STARTUP_SECONDS = 0.3;
const TARGETS = ['t1', 't2', 't3'];
const script = path.join(repoRoot, 'test', 'net', 'testnet.sh');

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

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function model(dir: string, net: string, remote: boolean) {
  const services: Services = {};
  const distribution: Distribution = {};
  const name = (level: number, i: number) => `s${level}_${String(i).padStart(2, '0')}`;
  for (let level = 0; level < LEVELS; level++) {
    for (let i = 0; i < PER_LEVEL; i++) {
      const svc = name(level, i);
      const pkg = path.join(dir, 'pkgs', svc);
      await fs.mkdir(path.join(pkg, 'bin'), { recursive: true });
      await fs.writeFile(path.join(pkg, 'bin', svc), `#!/bin/sh\nsleep ${STARTUP_SECONDS}\nsh -c 'echo $$ > "$DYSNOMIA_PID_FILE"; exec sleep 1000' &\nexit 0\n`, { mode: 0o755 });
      const deps = level === 0 ? [] : [...new Set([name(level - 1, i), name(level - 1, (i * 7 + 3) % PER_LEVEL)])];
      services[svc] = { name: svc, type: 'process', pkg, dependsOn: deps, connectsTo: [], activatesAfter: [], properties: {} };
      distribution[svc] = [{ target: TARGETS[i % TARGETS.length]! }];
    }
  }
  const infrastructure: Infrastructure = {};
  for (const t of TARGETS) {
    const runtimeDir = remote ? path.join(net, t, 'root', 'run') : path.join(dir, 'run', t);
    infrastructure[t] = { name: t, properties: { hostname: t }, containers: { process: { runtimeDir } }, numOfCores: PER_LEVEL, ...(remote ? { clientInterface: 'ssh' } : {}) };
  }
  return buildManifest({ services, infrastructure, distribution, baseDir: dir });
}

async function deployAndMeasure(dir: string, net: string, remote: boolean): Promise<{ total: number; critical: number }> {
  const manifest = await model(dir, net, remote);
  const levels = await phaseLevels(manifestUnits(manifest), 'activate');
  const timings = new Map<string, number>();
  const stateDir = path.join(dir, remote ? 'state-remote' : 'state-local');
  const start = performance.now();
  await deploy({ kind: 'switch', manifest }, { stateDir, profile: 'bench', timings });
  const total = (performance.now() - start) / 1000;
  const critical = levels.reduce((sum, level) => sum + Math.max(...level.map((u) => timings.get(`activate ${u.key}`) ?? 0)), 0);
  await deploy({ kind: 'undeploy' }, { stateDir, profile: 'bench' });
  return { total, critical };
}

async function run(workDir: string): Promise<BenchResult[]> {
  if (process.getuid?.() !== 0) return [{ seconds: 0, note: 'skipped: the test network needs root' }];
  const dir = await fs.mkdtemp(path.join(workDir, 'remote-'));
  const net = path.join(dir, 'net');
  const savedOpts = process.env.SSH_OPTS;
  await execa(script, ['up', String(TARGETS.length), net]);
  process.env.SSH_OPTS = `-F ${path.join(net, 'ssh_config')}`;
  const results: BenchResult[] = [];
  try {
    // First contact and warm activation overhead, on a fresh connection to t1.
    const ssh = SshConnections.fromEnv();
    try {
      const target = new RemoteTarget(new SshShell(ssh, { name: 't1', host: 't1' }), { profile: 'bench', ownerId: 'bench', ownerDescription: 'bench' });
      const first = performance.now();
      await target.connect();
      await target.lockProfile();
      const contact = (performance.now() - first) / 1000;
      results.push({ seconds: contact, note: 'first contact of a fresh target: connect, checks, Dysnomia modules installed, profile lock' });
      const pkg = path.join(dir, 'echo-component');
      await fs.mkdir(pkg, { recursive: true });
      const unit: Unit = { key: 'e@t1/echo', service: 'e', target: 't1', container: 'echo', type: 'echo', pkg, containerProperties: {}, environment: {}, orderAfter: [], fingerprint: 'x', contentHash: 'bench' };
      await target.distribute([unit]);
      const local = dysnomiaActivator({ profileDir: path.join(dir, 'local-echo') });
      const remoteTimes: number[] = [];
      const localTimes: number[] = [];
      for (let i = 0; i < 20; i++) {
        let t = performance.now();
        await target.operate('lock', unit);
        remoteTimes.push(performance.now() - t);
        t = performance.now();
        await local.run('lock', { ...unit, target: 'local' });
        localTimes.push(performance.now() - t);
      }
      const overhead = median(remoteTimes) - median(localTimes);
      results.push({
        seconds: overhead / 1000,
        target: '< 0.015 s',
        note: `remote activation overhead on a warm connection (echo, median of 20): remote ${median(remoteTimes).toFixed(1)} ms, local ${median(localTimes).toFixed(1)} ms`,
      });
      await target.close();
    } finally {
      await ssh.close();
    }
    const remote = await deployAndMeasure(dir, net, true);
    results.push({
      seconds: remote.total,
      target: `<= 1.5x critical path (${(1.5 * remote.critical).toFixed(2)} s)`,
      note: `deploy 100 services, depth 5, 3 SSH targets: critical path ${remote.critical.toFixed(2)} s, ratio ${(remote.total / remote.critical).toFixed(2)}`,
    });
    const local = await deployAndMeasure(dir, net, false);
    results.push({
      seconds: local.total,
      note: `the same with 3 local targets: critical path ${local.critical.toFixed(2)} s; remote/local ${(remote.total / local.total).toFixed(2)}`,
    });
  } finally {
    if (savedOpts === undefined) delete process.env.SSH_OPTS;
    else process.env.SSH_OPTS = savedOpts;
    await execa(script, ['down', net], { reject: false });
    killUnder(dir);
  }
  return results;
}

export const benchmarks: Benchmark[] = [{ area: 'remote', name: 'remote deploy: 100 process services over 3 SSH targets', run }];
