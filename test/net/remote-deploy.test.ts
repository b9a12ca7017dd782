/**
 * dydisnix-env over SSH on real sshd targets (test/net/testnet.sh, docs/remote.md): the demo's two
 * webapps and reverse proxy spread over three targets, reached with `--client-interface ssh`; HTTP
 * through the proxy; an upgrade that moves the proxy; a failing activation on t3 rolled back on every
 * target; a component copied only once; a killed target whose deactivations are skipped. The network
 * is always torn down (every process in its namespaces killed).
 */
import { execa } from 'execa';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { remoteCommand } from '../../src/remote/quote.js';
import { fixture, runBin } from '../helpers.js';

const script = path.resolve(__dirname, 'testnet.sh');
const canRun = process.getuid?.() === 0;

const PORTS = { webapp1: 18081, webapp2: 18082, proxy: 18080 };
const lan = (target: string) => `10.77.0.${target.slice(1)}`;

// Every step runs several real deployments over SSH: generous limits for a loaded machine.
describe.skipIf(!canRun)('dydisnix-env over SSH (3 targets)', { timeout: 300_000 }, () => {
  let dir: string;
  let state: string;
  const cfg = () => path.join(dir, 'net', 'ssh_config');
  const ssh = (target: string, ...command: string[]) => execa('ssh', ['-F', cfg(), target, '--', remoteCommand(command)], { reject: false });
  const env = (...args: string[]) =>
    runBin('dydisnix-env', ['--state-dir', state, '-p', 'net', '--client-interface', 'ssh', ...args], { env: { SSH_OPTS: `-F ${cfg()}` }, timeoutMs: 120_000 });
  const deploy = (distribution: Record<string, string[]>, services = 'services.json') => {
    const file = path.join(dir, `distribution-${Object.entries(distribution).map(([s, t]) => `${s}-${t.join('')}`).join('_')}.json`);
    writeFileSync(file, JSON.stringify(distribution));
    return env('-s', path.join(dir, services), '-i', path.join(dir, 'infrastructure.json'), '-d', file);
  };
  /** GET through the proxy on `target` with a Host header (from inside the target: its loopback). */
  const get = async (target: string, host: string) => (await ssh(target, 'curl', '-s', '--max-time', '10', '-H', `Host: ${host}`, `http://127.0.0.1:${PORTS.proxy}/`)).stdout;
  const manifest = () => JSON.parse(readFileSync(path.join(state, 'net', 'manifest.json'), 'utf8')) as { generation: number; mappings: { service: string; target: string }[] };
  const pidOf = (target: string, service: string) => {
    const file = path.join(dir, 'net', target, 'root', 'run', `${service}.pid`);
    return existsSync(file) ? readFileSync(file, 'utf8').trim() : undefined;
  };

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'dydisnix-remote-'));
    state = path.join(dir, 'state');
    await execa(script, ['up', '3', path.join(dir, 'net')]);
    // Self-contained components (a target gets only the component folder).
    const components = path.join(dir, 'components');
    for (const name of ['webapp1', 'webapp2'] as const) {
      mkdirSync(path.join(components, name, 'etc', 'dysnomia'), { recursive: true });
      cpSync(fixture('webapp-system', 'components', 'webapp', 'bin'), path.join(components, name, 'bin'), { recursive: true });
      writeFileSync(path.join(components, name, 'etc', 'dysnomia', 'process'), `process=bin/webapp\npidFile=\${runtimeDir}/${name}.pid\n`);
    }
    cpSync(fixture('webapp-system', 'components', 'proxy'), path.join(components, 'proxy'), { recursive: true });
    mkdirSync(path.join(components, 'broken', 'bin'), { recursive: true });
    writeFileSync(path.join(components, 'broken', 'bin', 'broken'), '#!/bin/sh\necho "broken on purpose" >&2\nexit 1\n');
    chmodSync(path.join(components, 'broken', 'bin', 'broken'), 0o755);
    const webapp = (name: 'webapp1' | 'webapp2') => ({
      name,
      type: 'process',
      pkg: `components/${name}`,
      environment: { PORT: PORTS[name], BIND: '0.0.0.0', INSTANCE_NAME: name },
    });
    const services = {
      webapp1: webapp('webapp1'),
      webapp2: webapp('webapp2'),
      proxy: {
        name: 'proxy',
        type: 'process',
        pkg: 'components/proxy',
        activatesAfter: ['webapp1', 'webapp2'],
        environment: { PORT: PORTS.proxy, ROUTES: `webapp1.local=${lan('t1')}:${PORTS.webapp1} webapp2.local=${lan('t2')}:${PORTS.webapp2}` },
      },
    };
    writeFileSync(path.join(dir, 'services.json'), JSON.stringify(services));
    writeFileSync(
      path.join(dir, 'services-broken.json'),
      JSON.stringify({ ...services, broken: { name: 'broken', type: 'process', pkg: 'components/broken', activatesAfter: ['proxy'] } }),
    );
    const infrastructure: Record<string, unknown> = {};
    for (const t of ['t1', 't2', 't3']) {
      infrastructure[t] = { properties: { hostname: t }, containers: { process: { runtimeDir: path.join(dir, 'net', t, 'root', 'run') } }, numOfCores: 2 };
    }
    writeFileSync(path.join(dir, 'infrastructure.json'), JSON.stringify(infrastructure));
    // A starter that says it started, then blocks on a FIFO until the test opens it (the kill -9 test).
    mkdirSync(path.join(components, 'slow', 'bin'), { recursive: true });
    writeFileSync(path.join(components, 'slow', 'bin', 'slow'), '#!/bin/sh\n: >"$STARTED"\ncat "$GATE" >/dev/null\n');
    chmodSync(path.join(components, 'slow', 'bin', 'slow'), 0o755);
    await execa('mkfifo', [path.join(dir, 'gate')]);
    writeFileSync(
      path.join(dir, 'services-slow.json'),
      JSON.stringify({
        ...services,
        slow: { name: 'slow', type: 'process', pkg: 'components/slow', environment: { STARTED: path.join(dir, 'started'), GATE: path.join(dir, 'gate') } },
      }),
    );
  }, 120_000);

  afterAll(async () => {
    if (!dir) return;
    await execa(script, ['down', path.join(dir, 'net')], { reject: false });
    rmSync(dir, { recursive: true, force: true });
  }, 120_000);

  it('deploys webapps on t1 and t2 and the proxy on t3; HTTP through the proxy reaches both webapps', async () => {
    const file = path.join(dir, 'distribution-first.json');
    writeFileSync(file, JSON.stringify({ webapp1: ['t1'], webapp2: ['t2'], proxy: ['t3'] }));
    const dry = await env('-s', path.join(dir, 'services.json'), '-i', path.join(dir, 'infrastructure.json'), '-d', file, '--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain(`  [target: t3]\n    copy (unless present): ${path.join(dir, 'components', 'proxy')}\n    activate: proxy\n    deactivate: -\n    left alone: -\n`);
    expect(existsSync(path.join(dir, 'net', 't3', 'root', 'modules'))).toBe(false); // a dry run contacts no target
    const result = await deploy({ webapp1: ['t1'], webapp2: ['t2'], proxy: ['t3'] });
    expect(result.stderr).toContain('Deployed generation 1');
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/\[target: t3\]: Installed the Dysnomia modules/);
    expect(result.stderr).toMatch(/\[target: t3\]: 1 component\(s\) copied \(\d+ bytes\), 0 already there/);
    expect(await get('t3', 'webapp1.local')).toMatch(/^webapp1: port=18081/);
    expect(await get('t3', 'webapp2.local')).toMatch(/^webapp2: port=18082/);
    // Each target keeps its own profile record.
    const profile = JSON.parse((await ssh('t2', 'cat', path.join(dir, 'net', 't2', 'root', 'profiles', 'net', 't2', 'profile.json'))).stdout);
    expect(profile.generation).toBe(1);
    expect(profile.services.map((s: { service: string }) => s.service)).toEqual(['webapp2']);
    // The coordinator's connections are closed.
    expect((await execa('pgrep', ['-f', `-F ${cfg()}`], { reject: false })).stdout).toBe('');
  });

  it('moves the proxy to t2 without touching the webapps; the component is copied only where it is missing', async () => {
    const before = [pidOf('t1', 'webapp1'), pidOf('t2', 'webapp2')];
    const result = await deploy({ webapp1: ['t1'], webapp2: ['t2'], proxy: ['t2'] });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('1 activated, 1 deactivated, 2 unchanged');
    expect(result.stderr).toMatch(/\[target: t2\]: 1 component\(s\) copied \(\d+ bytes\)/);
    expect([pidOf('t1', 'webapp1'), pidOf('t2', 'webapp2')]).toEqual(before);
    expect(pidOf('t3', 'proxy')).toBeUndefined();
    expect(await get('t2', 'webapp1.local')).toMatch(/^webapp1:/);
    // Back to t3: t3 still has the component, so nothing is sent.
    const back = await deploy({ webapp1: ['t1'], webapp2: ['t2'], proxy: ['t3'] });
    expect(back.code).toBe(0);
    expect(back.stderr).toMatch(/\[target: t3\]: 0 component\(s\) copied \(0 bytes\), 1 already there/);
    expect(await get('t3', 'webapp2.local')).toMatch(/^webapp2:/);
  });

  it('a failing activation on t3 rolls back t1 and t2; the manifest is unchanged', async () => {
    const before = manifest();
    const result = await deploy({ webapp1: ['t2'], webapp2: ['t2'], proxy: ['t1'], broken: ['t3'] }, 'services-broken.json');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/activation of broken on t3 failed/);
    expect(result.stderr).toMatch(/rolled back/);
    expect(manifest()).toEqual(before);
    expect(pidOf('t1', 'proxy')).toBeUndefined();
    expect(pidOf('t2', 'webapp1')).toBeUndefined();
    expect(pidOf('t1', 'webapp1')).toBeDefined();
    expect(await get('t3', 'webapp1.local')).toMatch(/^webapp1:/);
    expect(await get('t3', 'webapp2.local')).toMatch(/^webapp2:/);
  });

  it('a second coordinator (another state folder) is refused by the target profile locks while one holds them', async () => {
    // Plant a lock held by another coordinator on t1 and check it is refused, naming the target.
    const lockDir = path.join(dir, 'net', 't1', 'root', 'profiles', 'net', 't1', 'lock');
    mkdirSync(lockDir);
    writeFileSync(path.join(lockDir, 'owner'), 'elsewhere:/other/state\nanother coordinator\n');
    try {
      const result = await deploy({ webapp1: ['t1'], webapp2: ['t2'], proxy: ['t2'] });
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/target t1: profile "net" is locked by another coordinator: another coordinator; nothing was changed/);
      expect(pidOf('t3', 'proxy')).toBeDefined();
    } finally {
      rmSync(lockDir, { recursive: true, force: true });
    }
  });

  it('authentication refused and a changed host key: the run fails naming the target, nothing changes', async () => {
    const before = manifest();
    const config = readFileSync(cfg(), 'utf8');
    // Another client key, which no target authorises.
    await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(dir, 'stranger')]);
    writeFileSync(path.join(dir, 'ssh_config_stranger'), config.replaceAll(path.join(dir, 'net', 'id_ed25519'), path.join(dir, 'stranger')));
    // t1 pinned with t2's host key.
    const pinned = readFileSync(path.join(dir, 'net', 'known_hosts'), 'utf8');
    const t2Key = pinned.split('\n').find((l) => l.startsWith('t2 '))!.split(' ').slice(1).join(' ');
    writeFileSync(path.join(dir, 'known_hosts_changed'), pinned.replace(/^t1 .*$/m, `t1 ${t2Key}`));
    writeFileSync(path.join(dir, 'ssh_config_changed'), config.replaceAll(path.join(dir, 'net', 'known_hosts'), path.join(dir, 'known_hosts_changed')));
    const file = path.join(dir, 'distribution-auth.json');
    writeFileSync(file, JSON.stringify({ webapp1: ['t1'], webapp2: ['t2'], proxy: ['t1'] }));
    for (const [config, message] of [
      ['ssh_config_stranger', /target t1 is unreachable: .*Permission denied/],
      ['ssh_config_changed', /target t1 is unreachable: .*(Host key verification failed|HOST IDENTIFICATION HAS CHANGED)/],
    ] as const) {
      const result = await runBin('dydisnix-env', ['--state-dir', state, '-p', 'net', '--client-interface', 'ssh', '-s', path.join(dir, 'services.json'), '-i', path.join(dir, 'infrastructure.json'), '-d', file], {
        env: { SSH_OPTS: `-F ${path.join(dir, config)}` },
        timeoutMs: 120_000,
      });
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(message);
      expect(manifest()).toEqual(before);
    }
    expect(await get('t3', 'webapp1.local')).toMatch(/^webapp1:/);
  });

  it('kill -9 of the coordinator mid-transition: the next run recovers every target from the journal', async () => {
    const before = manifest();
    const file = path.join(dir, 'distribution-slow.json');
    writeFileSync(file, JSON.stringify({ webapp1: ['t1'], webapp2: ['t2'], proxy: ['t2'], slow: ['t1'] }));
    const coordinator = execa(
      path.join(__dirname, '..', '..', 'bin', 'dydisnix-env'),
      ['--state-dir', state, '-p', 'net', '--client-interface', 'ssh', '-s', path.join(dir, 'services-slow.json'), '-i', path.join(dir, 'infrastructure.json'), '-d', file],
      { env: { ...process.env, SSH_OPTS: `-F ${cfg()}` }, reject: false },
    );
    try {
      // Wait (bounded) until slow's starter runs on t1: the proxy has moved by then (phase 1 and part of phase 2 done).
      for (let i = 0; i < 1200 && !existsSync(path.join(dir, 'started')); i++) await new Promise((r) => setTimeout(r, 100));
      expect(existsSync(path.join(dir, 'started'))).toBe(true);
      coordinator.kill('SIGKILL');
      await coordinator;
    } finally {
      // Open the gate: the orphaned starter finishes (whatever happened above).
      writeFileSync(path.join(dir, 'gate'), '');
    }
    expect(existsSync(path.join(state, 'net', 'transition.json'))).toBe(true);
    expect(manifest()).toEqual(before);
    // The same deployment as before the killed run: recovery restores generation N on every target, then nothing changes.
    const result = await deploy({ webapp1: ['t1'], webapp2: ['t2'], proxy: ['t3'] });
    expect(result.stderr).toContain('Recovering from an interrupted deployment');
    expect(result.code).toBe(0);
    expect(existsSync(path.join(state, 'net', 'transition.json'))).toBe(false);
    expect(pidOf('t2', 'proxy')).toBeUndefined();
    expect(await get('t3', 'webapp1.local')).toMatch(/^webapp1:/);
    const profile = JSON.parse((await ssh('t1', 'cat', path.join(dir, 'net', 't1', 'root', 'profiles', 'net', 't1', 'profile.json'))).stdout);
    expect(profile.services.map((s: { service: string }) => s.service)).toEqual(['webapp1']);
    // slow's starter session is gone on t1 (the recovery deactivated it).
    // ("gat[e]": the pattern does not match the shell that runs pgrep.)
    expect((await ssh('t1', 'pgrep', '-f', `cat ${dir}/gat[e]`)).stdout).toBe('');
  });

  it('a killed target: its deactivations are skipped with a warning naming it, the rest deploys', async () => {
    await execa(script, ['kill', path.join(dir, 'net'), 't3']);
    const result = await deploy({ webapp1: ['t1'], webapp2: ['t2'], proxy: ['t2'] });
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/\[target: t3\]: warning: target t3 is unreachable/);
    expect(await get('t2', 'webapp1.local')).toMatch(/^webapp1:/);
    // Activating on the dead target fails before anything changes.
    const again = await deploy({ webapp1: ['t1'], webapp2: ['t2'], proxy: ['t3'] });
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/target t3 is unreachable/);
    expect(await get('t2', 'webapp2.local')).toMatch(/^webapp2:/);
    const undeploy = await env('--undeploy');
    expect(undeploy.code).toBe(0);
    expect(pidOf('t1', 'webapp1')).toBeUndefined();
    expect(pidOf('t2', 'proxy')).toBeUndefined();
  });
});
