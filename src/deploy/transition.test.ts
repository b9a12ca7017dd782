import { describe, expect, it } from 'vitest';
import { FakeActivator } from './fake.js';
import type { Unit } from './manifest.js';
import { executeTransition, phaseLevels, planTransition, runPhase } from './transition.js';

function unit(service: string, orderAfter: string[] = [], options: { target?: string; fingerprint?: string } = {}): Unit {
  const target = options.target ?? 't1';
  return {
    key: `${service}@${target}/process`,
    service,
    target,
    container: 'process',
    type: 'process',
    pkg: `/pkgs/${service}`,
    containerProperties: {},
    environment: {},
    orderAfter,
    fingerprint: options.fingerprint ?? 'f1',
  };
}

const index = (steps: string[], step: string) => {
  const i = steps.indexOf(step);
  expect(i, `${step} in ${steps.join(', ')}`).toBeGreaterThanOrEqual(0);
  return i;
};

describe('planTransition', () => {
  it('compares by key and deployable content', () => {
    const plan = planTransition([unit('a'), unit('b'), unit('c')], [unit('a'), unit('b', [], { fingerprint: 'f2' }), unit('d')]);
    expect(plan.unchanged.map((u) => u.service)).toEqual(['a']);
    expect(plan.deactivate.map((u) => u.service)).toEqual(['b', 'c']);
    expect(plan.activate.map((u) => u.service)).toEqual(['b', 'd']);
  });

  it('orders levels by dependsOn + activatesAfter, across targets', async () => {
    const units = [unit('db'), unit('api', ['db'], { target: 't2' }), unit('web', ['api']), unit('cache')];
    const levels = await phaseLevels(units, 'activate');
    expect(levels.map((l) => l.map((u) => u.service))).toEqual([['cache', 'db'], ['api'], ['web']]);
    const reverse = await phaseLevels(units, 'deactivate');
    expect(reverse.map((l) => l.map((u) => u.service))).toEqual([['cache', 'web'], ['api'], ['db']]);
  });

  it('rejects cycles', async () => {
    await expect(phaseLevels([unit('a', ['b']), unit('b', ['a'])], 'activate')).rejects.toThrow(/cycle/);
  });
});

describe('executeTransition', () => {
  const chain = [unit('db'), unit('api', ['db']), unit('web', ['api'])];

  it('activates in dependency order and deactivates in reverse order', async () => {
    const fake = new FakeActivator(() => 1);
    const result = await executeTransition(planTransition([], chain), { activator: fake, limit: () => 4 });
    expect(result.status).toBe('OK');
    expect(fake.steps()).toEqual(['activate db', 'activate api', 'activate web']);
    const fake2 = new FakeActivator();
    await executeTransition(planTransition(chain, []), { activator: fake2, limit: () => 4 });
    expect(fake2.steps()).toEqual(['deactivate web', 'deactivate api', 'deactivate db']);
  });

  it('leaves unchanged units untouched on an upgrade', async () => {
    const fake = new FakeActivator();
    const next = [unit('db'), unit('api', ['db'], { fingerprint: 'f2' }), unit('web', ['api'])];
    const result = await executeTransition(planTransition(chain, next), { activator: fake, limit: () => 1 });
    expect(result.status).toBe('OK');
    expect(fake.steps()).toEqual(['deactivate api', 'activate api']);
  });

  it('runs independent units in parallel up to the per-target limit', async () => {
    const units = [...Array.from({ length: 6 }, (_, i) => unit(`a${i}`)), ...Array.from({ length: 6 }, (_, i) => unit(`b${i}`, [], { target: 't2' }))];
    const fake = new FakeActivator(() => 20);
    await executeTransition(planTransition([], units), { activator: fake, limit: (t) => (t === 't1' ? 3 : 2) });
    expect(fake.peak.get('t1')).toBe(3);
    expect(fake.peak.get('t2')).toBe(2);
  });

  it('rolls back a failed activation: new ones deactivated in reverse order, old ones reactivated', async () => {
    const old = [unit('db'), unit('web', ['db'])];
    const next = [unit('db'), unit('api', ['db']), unit('web', ['api'], { fingerprint: 'f2' })];
    const fake = new FakeActivator().failOn('activate', 'web#f2');
    const logs: string[] = [];
    const result = await executeTransition(planTransition(old, next), { activator: fake, limit: () => 1, log: (l) => logs.push(l) });
    expect(result.status).toBe('FAILED');
    expect(fake.steps()).toEqual(['deactivate web', 'activate api', 'activate web', 'deactivate api', 'activate web']);
    expect(logs).toContain('[target: t1]: Activating service api (process)');
    expect(logs.some((l) => l.includes('Activation of service web failed'))).toBe(true);
  });

  it('rolls back a failed deactivation by reactivating what was deactivated', async () => {
    const old = [unit('db'), unit('api', ['db']), unit('web', ['api'])];
    const fake = new FakeActivator().failOn('deactivate', 'api');
    const result = await executeTransition(planTransition(old, [unit('db')]), { activator: fake, limit: () => 1 });
    expect(result.status).toBe('FAILED');
    expect(fake.steps()).toEqual(['deactivate web', 'deactivate api', 'activate web']);
  });

  it('stops at once with --no-rollback', async () => {
    const fake = new FakeActivator().failOn('activate', 'api');
    const result = await executeTransition(planTransition([], chain), { activator: fake, limit: () => 1, noRollback: true });
    expect(result.status).toBe('FAILED');
    expect(fake.steps()).toEqual(['activate db', 'activate api']);
  });

  it('reports a failed rollback as NEW_MAPPINGS_ROLLBACK_FAILED', async () => {
    const fake = new FakeActivator().failOn('activate', 'web').failOn('deactivate', 'api');
    const result = await executeTransition(planTransition([], chain), { activator: fake, limit: () => 1 });
    expect(result.status).toBe('NEW_MAPPINGS_ROLLBACK_FAILED');
    expect(result.inconsistent.map((u) => u.service)).toEqual(['api']);
  });

  it('does not start new jobs after a failure; running ones finish', async () => {
    const units = [unit('bad'), unit('slow'), unit('after', ['slow'])];
    const fake = new FakeActivator((u) => (u.service === 'slow' ? 30 : 1)).failOn('activate', 'bad');
    const result = await runPhase(units, 'activate', { activator: fake, limit: () => 4 });
    expect(result.failed.map((f) => f.unit.service)).toEqual(['bad']);
    expect(result.done.map((u) => u.service)).toEqual(['slow']);
    expect(result.skipped.map((u) => u.service)).toEqual(['after']);
  });

  it('an interruption counts as a failure and rolls back', async () => {
    let stop = false;
    const fake = new FakeActivator(() => 5);
    const result = await executeTransition(planTransition([], chain), {
      activator: fake,
      limit: () => 1,
      aborted: () => stop,
      onDone: (u) => {
        if (u.service === 'api') stop = true;
      },
    });
    expect(result.status).toBe('FAILED');
    expect(fake.steps()).toEqual(['activate db', 'activate api', 'deactivate api', 'deactivate db']);
    expect(index(fake.steps(), 'deactivate api')).toBeLessThan(index(fake.steps(), 'deactivate db'));
  });

  it('an interruption during the last job of a phase still counts as a failure', async () => {
    // Phase 2: SIGINT while the only activation runs; it finishes, then is undone.
    let stop = false;
    const fake = new FakeActivator(() => 5);
    const result = await executeTransition(planTransition([], [unit('db')]), {
      activator: fake,
      limit: () => 1,
      aborted: () => stop,
      onStart: () => {
        stop = true;
      },
    });
    expect(result.status).toBe('FAILED');
    expect(fake.steps()).toEqual(['activate db', 'deactivate db']);

    // Phase 1 of an undeploy: SIGINT while the only deactivation runs; the unit is reactivated.
    stop = false;
    const undeploy = new FakeActivator(() => 5);
    const back = await executeTransition(planTransition([unit('db')], []), {
      activator: undeploy,
      limit: () => 1,
      aborted: () => stop,
      onStart: () => {
        stop = true;
      },
    });
    expect(back.status).toBe('FAILED');
    expect(undeploy.steps()).toEqual(['deactivate db', 'activate db']);

    // Nothing to do: an interruption changes nothing and is no failure.
    const idle = await executeTransition(planTransition([unit('db')], [unit('db')]), { activator: new FakeActivator(), limit: () => 1, aborted: () => true });
    expect(idle.status).toBe('OK');
  });
});

describe('perTargetPlan', () => {
  it('lists per target what would be copied, activated, deactivated and left alone', async () => {
    const { perTargetPlan } = await import('./transition.js');
    const unit = (service: string, target: string, pkg = `/c/${service}`): Unit => ({
      key: `${service}@${target}/process`,
      service,
      target,
      container: 'process',
      type: 'process',
      pkg,
      containerProperties: {},
      environment: {},
      orderAfter: [],
      fingerprint: service,
    });
    const lines = perTargetPlan(
      { activate: [unit('a', 't2'), unit('b', 't2'), unit('c', 'local1')], deactivate: [unit('a', 't1')], unchanged: [unit('d', 't1')] },
      (target) => target !== 'local1',
    );
    expect(lines).toEqual([
      'Per target:',
      '  [target: local1] (local)',
      '    copy (unless present): -',
      '    activate: c',
      '    deactivate: -',
      '    left alone: -',
      '  [target: t1]',
      '    copy (unless present): -',
      '    activate: -',
      '    deactivate: a',
      '    left alone: d',
      '  [target: t2]',
      '    copy (unless present): /c/a, /c/b',
      '    activate: a, b',
      '    deactivate: -',
      '    left alone: -',
    ]);
  });
});
