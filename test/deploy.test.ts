/**
 * End-to-end deployment tests with real processes: the real bin files, the real process module, small
 * daemons that write PID files. Every process a test started (deployers, modules, daemons) carries
 * the test's temp dir in its command line or environment; afterEach kills them all.
 */
import { spawn } from 'node:child_process';
import { promises as fs, readFileSync, readdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readStat } from '../src/activation/proc.js';
import { currentHolder } from '../src/deploy/lock.js';
import { fixture, repoRoot, runBin, tempDir } from './helpers.js';

const dirs: string[] = [];

/** Processes whose command line or environment mentions `dir`. */
function processesUnder(dir: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      const environ = readFileSync(`/proc/${entry}/environ`, 'utf8');
      if (cmdline.includes(dir) || environ.includes(dir)) found.push(Number(entry));
    } catch {
      // gone or not ours
    }
  }
  return found;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/\) [ZX] /.test(stat);
  } catch {
    return false;
  }
}

afterEach(async () => {
  for (const dir of dirs.splice(0)) {
    for (let round = 0; round < 3; round++) {
      const pids = processesUnder(dir);
      if (pids.length === 0) break;
      for (const pid of pids) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await fs.rm(dir, { recursive: true, force: true });
  }
});

async function workDir(): Promise<string> {
  const dir = await tempDir('dydisnix-deploy-e2e-');
  dirs.push(dir);
  return dir;
}

/**
 * A daemon component: the starter optionally sleeps (SLOW seconds) or fails (FAIL), then forks a
 * `sleep` that writes its PID file and exits. `version` changes the component's content.
 */
async function component(dir: string, name: string, options: { slow?: number; fail?: boolean; version?: number } = {}): Promise<string> {
  const pkg = path.join(dir, 'pkgs', `${name}${options.version ? `-v${options.version}` : ''}`);
  await fs.mkdir(path.join(pkg, 'bin'), { recursive: true });
  const script = [
    '#!/bin/sh',
    `# ${name} version ${options.version ?? 1}`,
    options.slow ? `sleep ${options.slow}` : '',
    options.fail ? `echo "${name}: failing on purpose" >&2; exit 1` : '',
    `sh -c 'echo $$ > "$DYSNOMIA_PID_FILE"; exec sleep 1000' &`,
    'exit 0',
    '',
  ].join('\n');
  await fs.writeFile(path.join(pkg, 'bin', name), script, { mode: 0o755 });
  return pkg;
}

interface Proc {
  pkg: string;
  dependencies?: string[];
}

async function processesModel(dir: string, processes: Record<string, Proc>, file = 'processes.json'): Promise<string> {
  const target = path.join(dir, file);
  await fs.writeFile(target, JSON.stringify(processes, null, 2));
  return target;
}

const stateArgs = (dir: string) => ['--state-dir', path.join(dir, 'state'), '-p', 'test'];
// processes-switch: the processes' runtimeDir is <state-dir>/run (nixproc's default under --state-dir).
const runtime = (dir: string) => path.join(dir, 'state', 'run');

async function pidOf(dir: string, name: string): Promise<number | undefined> {
  try {
    return Number((await fs.readFile(path.join(runtime(dir), `${name}.pid`), 'utf8')).trim());
  } catch {
    return undefined;
  }
}

async function manifest(dir: string): Promise<{ generation: number; mappings: { service: string }[]; services: Record<string, { pkg: string }> }> {
  return JSON.parse(await fs.readFile(path.join(dir, 'state', 'test', 'manifest.json'), 'utf8'));
}

const activationOrder = (stderr: string) => [...stderr.matchAll(/\]: (Activating|Deactivating) service (\S+)/g)].map((m) => `${m[1]} ${m[2]}`);

describe('dydisnix-processes-switch with real processes', () => {
  it('deploys, upgrades one service leaving the others untouched, rolls back, and undeploys in reverse order', async () => {
    const dir = await workDir();
    const [a, b, c] = await Promise.all([component(dir, 'a'), component(dir, 'b'), component(dir, 'c')]);
    const v1 = await processesModel(dir, { a: { pkg: a }, b: { pkg: b, dependencies: ['a'] }, c: { pkg: c, dependencies: ['b'] } });
    const first = await runBin('dydisnix-processes-switch', [...stateArgs(dir), v1]);
    expect(first.code, first.stderr).toBe(0);
    expect(activationOrder(first.stderr)).toEqual(['Activating a', 'Activating b', 'Activating c']);
    const pids1 = { a: await pidOf(dir, 'a'), b: await pidOf(dir, 'b'), c: await pidOf(dir, 'c') };
    for (const pid of Object.values(pids1)) expect(pid !== undefined && alive(pid)).toBe(true);
    expect((await manifest(dir)).generation).toBe(1);

    // Upgrade b only.
    const b2 = await component(dir, 'b', { version: 2 });
    const v2 = await processesModel(dir, { a: { pkg: a }, b: { pkg: b2, dependencies: ['a'] }, c: { pkg: c, dependencies: ['b'] } }, 'processes-v2.json');
    const second = await runBin('dydisnix-processes-switch', [...stateArgs(dir), v2]);
    expect(second.code, second.stderr).toBe(0);
    expect(activationOrder(second.stderr)).toEqual(['Deactivating b', 'Activating b']);
    expect(await pidOf(dir, 'a')).toBe(pids1.a);
    expect(await pidOf(dir, 'c')).toBe(pids1.c);
    expect(alive(pids1.a!) && alive(pids1.c!)).toBe(true);
    expect(alive(pids1.b!)).toBe(false);
    const m2 = await manifest(dir);
    expect(m2.generation).toBe(2);
    expect(m2.services.b?.pkg).toBe(b2);

    // previous-distribution reads the state.
    const previous = await runBin('dydisnix-previous-distribution', [...stateArgs(dir), '--output-json']);
    expect(previous.code, previous.stderr).toBe(0);
    expect(JSON.parse(previous.stdout)).toEqual({ a: ['localhost'], b: ['localhost'], c: ['localhost'] });

    // Rollback to generation 1.
    const rollback = await runBin('dydisnix-processes-switch', [...stateArgs(dir), '--rollback']);
    expect(rollback.code, rollback.stderr).toBe(0);
    expect(activationOrder(rollback.stderr)).toEqual(['Deactivating b', 'Activating b']);
    const m3 = await manifest(dir);
    expect(m3.generation).toBe(1);
    expect(m3.services.b?.pkg).toBe(b);
    expect(alive((await pidOf(dir, 'b'))!)).toBe(true);

    // Undeploy: reverse dependency order, nothing left running.
    const pidsBefore = [await pidOf(dir, 'a'), await pidOf(dir, 'b'), await pidOf(dir, 'c')];
    const undeploy = await runBin('dydisnix-processes-switch', [...stateArgs(dir), '--undeploy']);
    expect(undeploy.code, undeploy.stderr).toBe(0);
    expect(activationOrder(undeploy.stderr)).toEqual(['Deactivating c', 'Deactivating b', 'Deactivating a']);
    for (const pid of pidsBefore) expect(alive(pid!)).toBe(false);
    expect((await manifest(dir)).mappings).toEqual([]);
  });

  it('a failing activation rolls back: the previous deployment keeps running and the manifest is unchanged', async () => {
    const dir = await workDir();
    const [a, b, bad] = await Promise.all([component(dir, 'a'), component(dir, 'b'), component(dir, 'bad', { fail: true })]);
    const v1 = await processesModel(dir, { a: { pkg: a }, b: { pkg: b, dependencies: ['a'] } });
    expect((await runBin('dydisnix-processes-switch', [...stateArgs(dir), v1])).code).toBe(0);
    const before = await fs.readFile(path.join(dir, 'state', 'test', 'manifest.json'), 'utf8');
    const b2 = await component(dir, 'b', { version: 2 });
    const v2 = await processesModel(dir, { a: { pkg: a }, b: { pkg: b2, dependencies: ['a'] }, bad: { pkg: bad, dependencies: ['b'] } }, 'v2.json');
    const result = await runBin('dydisnix-processes-switch', [...stateArgs(dir), v2]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/activation of bad on localhost failed/);
    expect(result.stderr).toMatch(/rolled back/);
    expect(activationOrder(result.stderr)).toEqual(['Deactivating b', 'Activating b', 'Activating bad', 'Deactivating b', 'Activating b']);
    expect(await fs.readFile(path.join(dir, 'state', 'test', 'manifest.json'), 'utf8')).toBe(before);
    for (const name of ['a', 'b']) expect(alive((await pidOf(dir, name))!)).toBe(true);
    await expect(fs.access(path.join(dir, 'state', 'test', 'transition.json'))).rejects.toThrow();
    // The running b is the old one again: its process record names the v1 component.
    const dry = await runBin('dydisnix-processes-switch', [...stateArgs(dir), '--dry-run', v1]);
    expect(dry.stdout).toMatch(/Activate \(dependency order\): 0/);
  });

  it('converges: a daemon killed by hand is restarted by the next run of the same model, the others are left alone', async () => {
    const dir = await workDir();
    const [a, b] = await Promise.all([component(dir, 'a'), component(dir, 'b')]);
    const model = await processesModel(dir, { a: { pkg: a }, b: { pkg: b, dependencies: ['a'] } });
    expect((await runBin('dydisnix-processes-switch', [...stateArgs(dir), model])).code).toBe(0);
    const pidA = (await pidOf(dir, 'a'))!;
    const pidB = (await pidOf(dir, 'b'))!;
    process.kill(pidB, 'SIGKILL');
    let gone = false;
    for (let i = 0; i < 500 && !gone; i++) {
      gone = !alive(pidB);
      if (!gone) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(gone).toBe(true);

    const again = await runBin('dydisnix-processes-switch', [...stateArgs(dir), model]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/b is not running \(process \d+ is not running\): restarting/);
    expect(again.stderr).toMatch(/b was not running: restarted/);
    expect(again.stderr).toMatch(/0 activated, 0 deactivated, 1 unchanged, 1 restarted/);
    expect(activationOrder(again.stderr)).toEqual(['Activating b']);
    const newB = (await pidOf(dir, 'b'))!;
    expect(newB).not.toBe(pidB);
    expect(alive(newB)).toBe(true);
    expect(await pidOf(dir, 'a')).toBe(pidA);
    expect((await manifest(dir)).generation).toBe(1);

    // Everything runs now: a third run touches nothing.
    const third = await runBin('dydisnix-processes-switch', [...stateArgs(dir), model]);
    expect(third.code, third.stderr).toBe(0);
    expect(activationOrder(third.stderr)).toEqual([]);
    expect(third.stderr).not.toMatch(/restarted/);
  });

  it('a second run fails fast naming the holder of the lock', async () => {
    const dir = await workDir();
    const slow = await component(dir, 'slow', { slow: 3 });
    const model = await processesModel(dir, { slow: { pkg: slow } });
    const first = runBin('dydisnix-processes-switch', [...stateArgs(dir), model]);
    const lockFile = path.join(dir, 'state', 'test', 'lock');
    for (let i = 0; i < 200; i++) {
      if (await fs.access(lockFile).then(() => true, () => false)) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const holder = JSON.parse(await fs.readFile(lockFile, 'utf8')) as { pid: number };
    const second = await runBin('dydisnix-processes-switch', [...stateArgs(dir), model]);
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(`locked by another deployment: pid ${holder.pid}`);
    const done = await first;
    expect(done.code, done.stderr).toBe(0);
    await expect(fs.access(lockFile)).rejects.toThrow();
  });

  it('Ctrl-C (SIGINT to the whole process group) lets the running activation finish, then rolls back', async () => {
    const dir = await workDir();
    const [a, slow] = await Promise.all([component(dir, 'a'), component(dir, 'slow', { slow: 1.5 })]);
    const v1 = await processesModel(dir, { a: { pkg: a } });
    expect((await runBin('dydisnix-processes-switch', [...stateArgs(dir), v1])).code).toBe(0);
    const before = await fs.readFile(path.join(dir, 'state', 'test', 'manifest.json'), 'utf8');
    const v2 = await processesModel(dir, { a: { pkg: a }, slow: { pkg: slow } }, 'v2.json');
    // A terminal's Ctrl-C goes to the foreground process group: the deployer and whatever shares it.
    const deployer = spawn(path.join(repoRoot, 'bin', 'dydisnix-processes-switch'), [...stateArgs(dir), v2], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'pipe'], detached: true });
    let stderr = '';
    deployer.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    for (let i = 0; i < 200 && !stderr.includes('Activating service slow'); i++) await new Promise((resolve) => setTimeout(resolve, 25));
    expect(stderr).toContain('Activating service slow');
    // Ctrl-C while the module runs, not while it is being spawned: between fork and setsid the child
    // is still in the deployer's group (a window a loaded machine widens). Wait until the journaled
    // module process leads its own group.
    const journal = path.join(dir, 'state', 'test', 'transition.json');
    const moduleInOwnGroup = async () => {
      const text = await fs.readFile(journal, 'utf8').catch(() => '{}');
      const pids = Object.keys((JSON.parse(text) as { modules?: Record<string, number> }).modules ?? {}).map(Number);
      return pids.some((pid) => readStat(pid)?.pgrp === pid);
    };
    for (let i = 0; i < 400 && !(await moduleInOwnGroup()); i++) await new Promise((resolve) => setTimeout(resolve, 25));
    expect(await moduleInOwnGroup()).toBe(true);
    process.kill(-deployer.pid!, 'SIGINT');
    const code = await new Promise<number | null>((resolve) => deployer.once('close', (c) => resolve(c)));
    expect(code, stderr).toBe(1);
    expect(stderr).toContain('Received SIGINT');
    expect(stderr).not.toMatch(/Activation of service slow failed/);
    expect(activationOrder(stderr)).toEqual(['Activating slow', 'Deactivating slow']);
    expect(stderr).toMatch(/rolled back/);
    expect(await fs.readFile(path.join(dir, 'state', 'test', 'manifest.json'), 'utf8')).toBe(before);
    expect(alive((await pidOf(dir, 'a'))!)).toBe(true);
    const strays = processesUnder(dir).filter((pid) => {
      try {
        return /DYSNOMIA_PID_FILE=[^\0]*\/slow\.pid/.test(readFileSync(`/proc/${pid}/environ`, 'utf8'));
      } catch {
        return false;
      }
    });
    expect(strays.filter(alive)).toEqual([]);
  });

  it('recovers after the deployer is killed with SIGKILL mid-transition', async () => {
    const dir = await workDir();
    const [a, b] = await Promise.all([component(dir, 'a'), component(dir, 'b')]);
    const v1 = await processesModel(dir, { a: { pkg: a }, b: { pkg: b } });
    expect((await runBin('dydisnix-processes-switch', [...stateArgs(dir), v1])).code).toBe(0);
    const before = await fs.readFile(path.join(dir, 'state', 'test', 'manifest.json'), 'utf8');
    const pidA = (await pidOf(dir, 'a'))!;

    // v2 replaces b, adds c (fast) and d (slow, after c): kill while d is being activated.
    const [b2, c, d] = await Promise.all([component(dir, 'b', { version: 2 }), component(dir, 'c'), component(dir, 'd', { slow: 30 })]);
    const v2 = await processesModel(dir, { a: { pkg: a }, b: { pkg: b2 }, c: { pkg: c }, d: { pkg: d, dependencies: ['c'] } }, 'v2.json');
    const deployer = spawn(path.join(repoRoot, 'bin', 'dydisnix-processes-switch'), [...stateArgs(dir), v2], { cwd: repoRoot, stdio: 'ignore', detached: true });
    const journalFile = path.join(dir, 'state', 'test', 'transition.json');
    let journal: { state: Record<string, string> } | undefined;
    for (let i = 0; i < 400; i++) {
      journal = await fs.readFile(journalFile, 'utf8').then((t) => JSON.parse(t) as { state: Record<string, string> }, () => undefined);
      if (journal && Object.entries(journal.state).some(([id, s]) => id.startsWith('d@') && s === 'activating')) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(Object.entries(journal!.state).some(([id, s]) => id.startsWith('d@') && s === 'activating')).toBe(true);
    process.kill(-deployer.pid!, 'SIGKILL'); // the deployer and its module children, as a crash would
    await new Promise((resolve) => deployer.once('exit', resolve));
    expect(await fs.readFile(path.join(dir, 'state', 'test', 'manifest.json'), 'utf8')).toBe(before);

    // The next run takes over the stale lock, restores generation 1, then deploys what it is asked.
    const again = await runBin('dydisnix-processes-switch', [...stateArgs(dir), v1]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/Took over the stale lock of pid/);
    expect(again.stderr).toMatch(/Recovering from an interrupted deployment/);
    expect(await fs.readFile(path.join(dir, 'state', 'test', 'manifest.json'), 'utf8')).toBe(before);
    await expect(fs.access(journalFile)).rejects.toThrow();
    expect(await pidOf(dir, 'a')).toBe(pidA);
    expect(alive((await pidOf(dir, 'b'))!)).toBe(true);
    const c1 = await pidOf(dir, 'c');
    expect(c1 === undefined || !alive(c1)).toBe(true);
    // Nothing of c or d is left running.
    const strays = processesUnder(dir).filter((pid) => {
      const cmd = readFileSync(`/proc/${pid}/environ`, 'utf8');
      return /DYSNOMIA_PID_FILE=[^\0]*\/(c|d)\.pid/.test(cmd);
    });
    expect(strays.filter(alive)).toEqual([]);
  });
});

async function freePortRange(count: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20000 + Math.floor(Math.random() * 40000);
    let ok = true;
    for (let port = base; port < base + count && ok; port++) {
      ok = await new Promise<boolean>((resolve) => {
        const server = net.createServer();
        server.once('error', () => resolve(false));
        server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
      });
    }
    if (ok) return base;
  }
  throw new Error('no free port range');
}

describe('dydisnix-env and dydisnix-self-adapt on the demo system', () => {
  it('deploys the webapps behind the proxy and reaches both through it', async () => {
    const dir = await workDir();
    const base = await freePortRange(5);
    const idresources = path.join(dir, 'idresources.json');
    await fs.writeFile(idresources, JSON.stringify({ ports: { min: base, max: base + 4, scope: 'global', step: 1 }, uids: { min: 2000, max: 2100, scope: 'global', step: 1 }, gids: { min: 3000, max: 3100, scope: 'global', step: 1 } }));
    const env = { DYDISNIX_DEMO_RUNTIME: path.join(dir, 'run') };
    const sys = (f: string) => fixture('webapp-system', f);
    const args = ['-s', sys('services.js'), '--geninfra', sys('geninfra.sh'), '-a', sys('augment.json'), '-q', sys('qos.json'), '--id-resources', idresources, '--ids', path.join(dir, 'ids.json'), '--state-dir', path.join(dir, 'state'), '-p', 'demo'];
    const result = await runBin('dydisnix-env', args, { env });
    expect(result.code, result.stderr).toBe(0);
    const order = activationOrder(result.stderr);
    expect(order.indexOf('Activating proxy')).toBe(2);
    const ids = JSON.parse(await fs.readFile(path.join(dir, 'ids.json'), 'utf8')) as { ids: { ports: Record<string, number> } };
    const get = (host: string) =>
      new Promise<string>((resolve, reject) => {
        const req = net.connect(ids.ids.ports.proxy!, '127.0.0.1', () => req.write(`GET / HTTP/1.0\r\nHost: ${host}\r\n\r\n`));
        let body = '';
        req.on('data', (chunk) => (body += chunk));
        req.on('end', () => resolve(body));
        req.on('error', reject);
      });
    expect(await get('webapp1.local')).toMatch(new RegExp(`webapp1: port=${ids.ids.ports.webapp1} uid=\\d+ gid=\\d+`));
    expect(await get('webapp2.local')).toMatch(new RegExp(`webapp2: port=${ids.ids.ports.webapp2}`));

    const undeploy = await runBin('dydisnix-env', ['--undeploy', '--state-dir', path.join(dir, 'state'), '-p', 'demo'], { env });
    expect(undeploy.code, undeploy.stderr).toBe(0);
    expect(activationOrder(undeploy.stderr)[0]).toBe('Deactivating proxy');
  });

  it('a run that finds the profile locked fails before planning: the IDs file is not touched', async () => {
    const dir = await workDir();
    const profile = path.join(dir, 'state', 'demo');
    await fs.mkdir(profile, { recursive: true });
    // The lock of a live deployment (this test process).
    await fs.writeFile(path.join(profile, 'lock'), JSON.stringify(currentHolder('dydisnix-env (profile demo)')));
    const sys = (f: string) => fixture('webapp-system', f);
    const ids = path.join(dir, 'ids.json');
    const args = ['-s', sys('services.js'), '--geninfra', sys('geninfra.sh'), '-a', sys('augment.json'), '-q', sys('qos.json'), '--id-resources', sys('idresources.json'), '--ids', ids, '--state-dir', path.join(dir, 'state'), '-p', 'demo'];
    for (const command of ['dydisnix-env', 'dydisnix-self-adapt']) {
      const result = await runBin(command, [...args, ...(command === 'dydisnix-self-adapt' ? ['--max-rounds', '1', '--interval', '0'] : [])], { env: { DYDISNIX_DEMO_RUNTIME: path.join(dir, 'run') } });
      expect(result.code, result.stderr).toBe(1);
      expect(result.stderr).toContain(`locked by another deployment: pid ${process.pid}`);
      expect(result.stderr).not.toContain('Updating the ID assignments');
      await expect(fs.access(ids)).rejects.toThrow();
    }
    expect(JSON.parse(await fs.readFile(path.join(profile, 'lock'), 'utf8')).pid).toBe(process.pid);
  });

  it('demo.sh: when dydisnix-env is killed mid-deployment, the cleanup trap still stops what it started', async () => {
    const dir = await workDir();
    const base = await freePortRange(5);
    const idresources = path.join(dir, 'idresources.json');
    await fs.writeFile(idresources, JSON.stringify({ ports: { min: base, max: base + 4, scope: 'global', step: 1 }, uids: { min: 2000, max: 2100, scope: 'global', step: 1 }, gids: { min: 3000, max: 3100, scope: 'global', step: 1 } }));
    const demo = spawn('sh', [fixture('webapp-system', 'demo.sh')], {
      cwd: repoRoot,
      env: { ...process.env, TMPDIR: dir, DYDISNIX_DEMO_IDRESOURCES: idresources },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let output = '';
    demo.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    demo.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    for (let i = 0; i < 600 && !output.includes('Activating service'); i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(output).toContain('Activating service');
    // kill -9 of the deployer alone (not its group): its modules finish, their daemons keep running.
    const deployer = processesUnder(dir).find((pid) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('bin/dydisnix-env'));
    expect(deployer).toBeDefined();
    process.kill(deployer!, 'SIGKILL');
    const code = await new Promise<number | null>((resolve) => demo.once('close', (c) => resolve(c)));
    expect(code, output).not.toBe(0);
    expect(output).toContain('Recovering from an interrupted deployment');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const webapps = processesUnder(dir).filter(alive).filter((pid) => /components\/(webapp|proxy)\//.test(readFileSync(`/proc/${pid}/cmdline`, 'utf8')));
    expect(webapps, output).toEqual([]);
    expect(readdirSync(dir).filter((name) => name.startsWith('dydisnix-demo.'))).toEqual([]);
  });

  it('self-adapt redeploys when the infrastructure changes (--max-rounds 2)', async () => {
    const dir = await workDir();
    const base = await freePortRange(5);
    const idresources = path.join(dir, 'idresources.json');
    await fs.writeFile(idresources, JSON.stringify({ ports: { min: base, max: base + 4, scope: 'global', step: 1 }, uids: { min: 2000, max: 2100, scope: 'global', step: 1 }, gids: { min: 3000, max: 3100, scope: 'global', step: 1 } }));
    // First capture: one machine; later captures: two.
    const geninfra = path.join(dir, 'geninfra.sh');
    await fs.writeFile(
      geninfra,
      `#!/bin/sh\nif [ -f "${dir}/captured" ]; then n=2; else n=1; touch "${dir}/captured"; fi\nDYDISNIX_DEMO_TARGETS=$n exec "${fixture('webapp-system', 'geninfra.sh')}"\n`,
      { mode: 0o755 },
    );
    const sys = (f: string) => fixture('webapp-system', f);
    const result = await runBin(
      'dydisnix-self-adapt',
      ['-s', sys('services.js'), '--geninfra', geninfra, '-a', sys('augment.json'), '-q', sys('qos.json'), '--id-resources', idresources, '--ids', path.join(dir, 'ids.json'), '--state-dir', path.join(dir, 'state'), '-p', 'demo', '--interval', '0', '--max-rounds', '2'],
      { env: { DYDISNIX_DEMO_RUNTIME: path.join(dir, 'run') } },
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr.match(/A change in the infrastructure has been detected!/g)?.length).toBe(2);
    expect(result.stderr).toMatch(/2 round\(s\), 2 deployment\(s\), 0 failed round\(s\)/);
    const m = JSON.parse(await fs.readFile(path.join(dir, 'state', 'demo', 'manifest.json'), 'utf8')) as { generation: number; mappings: { target: string }[] };
    expect(m.generation).toBe(2);
    expect(new Set(m.mappings.map((x) => x.target))).toEqual(new Set(['test1', 'test2']));
    const undeploy = await runBin('dydisnix-env', ['--undeploy', '--state-dir', path.join(dir, 'state'), '-p', 'demo'], { env: { DYDISNIX_DEMO_RUNTIME: path.join(dir, 'run') } });
    expect(undeploy.code, undeploy.stderr).toBe(0);
  });
});
