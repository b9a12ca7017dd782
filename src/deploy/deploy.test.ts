import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Services } from '../model/types.js';
import { deploy } from './deploy.js';
import { FakeActivator } from './fake.js';
import { acquireLock, LockedError } from './lock.js';
import { buildManifest, manifestUnits, type Manifest } from './manifest.js';
import { journalFile, listGenerations, manifestFile, previousDistributionFromState, readCurrentManifest, journalId } from './state.js';

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dydisnix-deploy-unit-'));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

function services(spec: Record<string, string[]>, changed: string[] = []): Services {
  const out: Services = {};
  for (const [name, deps] of Object.entries(spec)) {
    out[name] = { name, type: 'process', pkg: `pkgs/${name}${changed.includes(name) ? '-2' : ''}`, dependsOn: deps, connectsTo: [], activatesAfter: [], properties: {} };
  }
  return out;
}

async function manifestOf(spec: Record<string, string[]>, changed: string[] = []): Promise<Manifest> {
  const s = services(spec, changed);
  const distribution = Object.fromEntries(Object.keys(s).map((name) => [name, [{ target: 't1' }]]));
  return buildManifest({
    services: s,
    infrastructure: { t1: { name: 't1', properties: { hostname: 't1' }, containers: { process: { runtimeDir: '/tmp/x' } }, numOfCores: 2 } },
    distribution,
    baseDir: dir,
  });
}

describe('deploy with a fake activator', () => {
  it('commits generations, keeps the manifest on failure, rolls back and undeploys', async () => {
    const fake = new FakeActivator();
    const opts = { stateDir: dir, profile: 'default', activator: fake };
    const v1 = await manifestOf({ db: [], web: ['db'] });
    const r1 = await deploy({ kind: 'switch', manifest: v1 }, opts);
    expect(r1.generation).toBe(1);
    expect(fake.steps()).toEqual(['activate db', 'activate web']);
    const current = await readCurrentManifest(dir, 'default');
    expect(current?.generation).toBe(1);
    expect(current?.mappings).toEqual([
      { service: 'db', target: 't1', container: 'process' },
      { service: 'web', target: 't1', container: 'process' },
    ]);
    expect(current?.services.web?.pkg).toBe(path.join(dir, 'pkgs/web'));
    expect(await previousDistributionFromState(dir, 'default')).toEqual({ db: [{ target: 't1' }], web: [{ target: 't1' }] });

    // Upgrade web; a failure leaves everything as it was.
    const v2 = await manifestOf({ db: [], web: ['db'] }, ['web']);
    fake.calls.length = 0;
    fake.failOn('activate', `web#${manifestUnits(v2).find((u) => u.service === 'web')!.fingerprint}`);
    await expect(deploy({ kind: 'switch', manifest: v2 }, opts)).rejects.toThrow(/rolled back/);
    expect((await readCurrentManifest(dir, 'default'))?.generation).toBe(1);
    await expect(fs.access(journalFile(dir, 'default'))).rejects.toThrow();

    fake.failures.clear();
    fake.calls.length = 0;
    const r2 = await deploy({ kind: 'switch', manifest: v2 }, opts);
    expect(r2.generation).toBe(2);
    expect(fake.steps()).toEqual(['deactivate web', 'activate web']);
    expect(fake.calls.filter((c) => c.operation === 'lock').map((c) => c.service).sort()).toEqual(['db', 'web']);

    fake.calls.length = 0;
    const r3 = await deploy({ kind: 'rollback' }, opts);
    expect(r3.generation).toBe(1);
    expect((await readCurrentManifest(dir, 'default'))?.services.web?.pkg).toBe(path.join(dir, 'pkgs/web'));

    fake.calls.length = 0;
    const r4 = await deploy({ kind: 'undeploy' }, opts);
    expect(fake.steps()).toEqual(['deactivate web', 'deactivate db']);
    expect(r4.generation).toBe(3);
    expect(await listGenerations(dir, 'default')).toEqual([1, 2, 3]);
    expect(await previousDistributionFromState(dir, 'default')).toEqual({});
    expect(fake.running.size).toBe(0);
  });

  it('fails fast on a held lock and takes over a stale one', async () => {
    const held = await acquireLock(path.join(dir, 'default'), 'test holder');
    const fake = new FakeActivator();
    const m = await manifestOf({ a: [] });
    const error = await deploy({ kind: 'switch', manifest: m }, { stateDir: dir, profile: 'default', activator: fake }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LockedError);
    expect(String((error as Error).message)).toContain(`pid ${process.pid} (test holder)`);
    await held.release();

    // A lock of a dead process.
    await fs.writeFile(path.join(dir, 'default', 'lock'), JSON.stringify({ pid: 999999999, startTime: 1, bootId: 'x', hostname: os.hostname(), command: 'dead', acquiredAt: 'then' }));
    const logs: string[] = [];
    await deploy({ kind: 'switch', manifest: m }, { stateDir: dir, profile: 'default', activator: fake, log: (l) => logs.push(l) });
    expect(logs.some((l) => l.includes('stale lock of pid 999999999'))).toBe(true);
    await expect(fs.access(path.join(dir, 'default', 'lock'))).rejects.toThrow();
  });

  it('recovers from a journal left by a killed run', async () => {
    const fake = new FakeActivator();
    const opts = { stateDir: dir, profile: 'default', activator: fake };
    const v1 = await manifestOf({ db: [], web: ['db'] });
    await deploy({ kind: 'switch', manifest: v1 }, opts);
    const v2 = await manifestOf({ db: [], web: ['db'], extra: ['db'] }, ['web']);
    const [db1, web1] = manifestUnits(v1);
    const newUnits = manifestUnits(v2);
    const web2 = newUnits.find((u) => u.service === 'web')!;
    const extra = newUnits.find((u) => u.service === 'extra')!;
    // Killed while activating the new web: old web deactivated, extra active, new web uncertain.
    const units = Object.fromEntries([db1!, web1!, web2, extra].map((u) => [journalId(u), u]));
    await fs.writeFile(
      journalFile(dir, 'default'),
      JSON.stringify({ version: 1, pid: 1, startedAt: 'then', fromGeneration: 1, units, restore: [], state: { [journalId(web1!)]: 'inactive', [journalId(extra)]: 'active', [journalId(web2)]: 'activating', [journalId(db1!)]: 'deactivating' } }),
    );
    fake.calls.length = 0;
    const logs: string[] = [];
    await deploy({ kind: 'switch', manifest: v1 }, { ...opts, log: (l) => logs.push(l) });
    expect(logs[0]).toMatch(/Recovering from an interrupted deployment/);
    const steps = fake.steps();
    expect(steps.slice(0, 4).sort()).toEqual(['activate db', 'activate web', 'deactivate extra', 'deactivate web'].sort());
    expect(steps.indexOf('deactivate web')).toBeLessThan(steps.indexOf('activate web'));
    expect(steps.indexOf('activate db')).toBeLessThan(steps.indexOf('activate web'));
    expect(steps.length).toBe(4);
    await expect(fs.access(journalFile(dir, 'default'))).rejects.toThrow();
    expect(JSON.parse(await fs.readFile(manifestFile(dir, 'default'), 'utf8')).generation).toBe(1);
  });

  it('prints the plan on a dry run and changes nothing', async () => {
    const fake = new FakeActivator();
    const lines: string[] = [];
    const m = await manifestOf({ db: [], web: ['db'] });
    await deploy({ kind: 'switch', manifest: m }, { stateDir: dir, profile: 'p', activator: fake, dryRun: true, print: (l) => lines.push(l) });
    expect(fake.calls).toEqual([]);
    expect(lines.join('\n')).toContain('step 2: [target: t1]: Activate service web (process)');
    expect(await readCurrentManifest(dir, 'p')).toBeNull();
  });
});
