/**
 * dydisnix-query on 100 deployed process services (issue 13 target: under 0.5 s). The services are
 * deployed for real (trivial daemons) on one local target; then the query command runs 7 times with
 * NODE_EXTRA_CA_CERTS unset (it alone adds ~0.17 s to every node start here) next to a bare
 * `node -e 0`, and the in-process queryProfile is timed too. Everything is undeployed afterwards.
 */
import { promises as fs, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { binPath, timeCommand, type Benchmark, type BenchResult } from './harness.js';
import { buildManifest } from '../src/deploy/manifest.js';
import { deploy } from '../src/deploy/deploy.js';
import { queryProfile } from '../src/deploy/query.js';
import type { Distribution, Infrastructure, Services } from '../src/model/types.js';

const SERVICES = 100;
const RUNS = 7;

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

async function run(workDir: string): Promise<BenchResult[]> {
  const dir = await fs.mkdtemp(path.join(workDir, 'query-'));
  const services: Services = {};
  const distribution: Distribution = {};
  for (let i = 0; i < SERVICES; i++) {
    const svc = `q${String(i).padStart(3, '0')}`;
    const pkg = path.join(dir, 'pkgs', svc);
    await fs.mkdir(path.join(pkg, 'bin'), { recursive: true });
    await fs.writeFile(path.join(pkg, 'bin', svc), `#!/bin/sh\nsh -c 'echo $$ > "$DYSNOMIA_PID_FILE"; exec sleep 1000' &\nexit 0\n`, { mode: 0o755 });
    services[svc] = { name: svc, type: 'process', pkg, dependsOn: [], connectsTo: [], activatesAfter: [], properties: {} };
    distribution[svc] = [{ target: 'localhost' }];
  }
  const infrastructure: Infrastructure = {
    localhost: { name: 'localhost', properties: { hostname: 'localhost' }, containers: { process: { runtimeDir: path.join(dir, 'run') } }, numOfCores: 4 },
  };
  const manifest = await buildManifest({ services, infrastructure, distribution, baseDir: dir });
  const stateDir = path.join(dir, 'state');
  try {
    await deploy({ kind: 'switch', manifest }, { stateDir, profile: 'bench' });
    const env = { ...process.env };
    delete env.NODE_EXTRA_CA_CERTS;
    const query: number[] = [];
    const bare: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const result = await timeCommand(binPath('dydisnix-query'), ['--state-dir', stateDir, '-p', 'bench'], { env });
      if (result.code !== 0) throw new Error(`dydisnix-query failed (${result.code}): ${result.stderr}${result.stdout.slice(-500)}`);
      if ((result.stdout.match(/ running \(pid /g) ?? []).length !== SERVICES) throw new Error('dydisnix-query did not report every service running');
      query.push(result.seconds);
      bare.push((await timeCommand(process.execPath, ['-e', '0'], { env })).seconds);
    }
    const inProcess: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const start = performance.now();
      await queryProfile({ stateDir, profile: 'bench' });
      inProcess.push((performance.now() - start) / 1000);
    }
    return [
      {
        seconds: median(query),
        target: '< 0.5 s',
        note: `dydisnix-query, ${SERVICES} running process services, median of ${RUNS} (NODE_EXTRA_CA_CERTS unset); bare node -e 0: ${median(bare).toFixed(3)} s`,
      },
      { seconds: median(inProcess), note: `queryProfile in process (manifest + ${SERVICES} records + /proc), median of ${RUNS}` },
    ];
  } finally {
    await deploy({ kind: 'undeploy' }, { stateDir, profile: 'bench' }).catch(() => undefined);
    killUnder(dir);
  }
}

export const benchmarks: Benchmark[] = [{ area: 'deploy', name: 'dydisnix-query on 100 deployed process services', run }];
