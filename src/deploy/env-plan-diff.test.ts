/** dydisnix-env --dry-run shows the distribution's plan diff against the deployed one (src/qos/plan-diff.ts). */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runEnv } from './env.js';
import { FakeActivator } from './fake.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await fs.rm(dir, { recursive: true, force: true });
});

describe('dydisnix-env --dry-run plan diff', () => {
  it('lists kept, moved, added and removed services against the deployed distribution', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dydisnix-env-diff-'));
    dirs.push(dir);
    const svc = (name: string) => ({ name, type: 'process', pkg: dir, mem: 100 });
    const write = (file: string, value: unknown) => fs.writeFile(path.join(dir, file), JSON.stringify(value));
    await write('v1.json', { a: svc('a'), b: svc('b'), gone: svc('gone') });
    await write('v2.json', { a: svc('a'), b: svc('b'), fresh: svc('fresh') });
    await write('infra1.json', { t1: { properties: { mem: 150 } }, t2: { properties: { mem: 300 } } });
    await write('infra2.json', { t2: { properties: { mem: 300 } }, t3: { properties: { mem: 300 } } });
    await write('qos.json', { pipeline: [{ filter: 'divide', strategy: 'greedy', serviceProperty: 'mem', targetProperty: 'mem' }] });
    const activator = new FakeActivator();
    const base = { stateDir: path.join(dir, 'state'), profile: 'p', activator, log: () => {} };
    // v1: a -> t1, b -> t2, gone -> t2.
    await runEnv({ services: path.join(dir, 'v1.json'), infrastructure: path.join(dir, 'infra1.json'), qos: path.join(dir, 'qos.json') }, base);
    const lines: string[] = [];
    const calls = activator.calls.length;
    const result = await runEnv(
      { services: path.join(dir, 'v2.json'), infrastructure: path.join(dir, 'infra2.json'), qos: path.join(dir, 'qos.json') },
      { ...base, dryRun: true, print: (line) => lines.push(line) },
    );
    expect(result.status).toBe('dry-run');
    expect(activator.calls.length).toBe(calls); // nothing ran
    // v2 on t2/t3: a (t1 is gone) -> t2, b -> t2, fresh -> t2 (greedy, 300 mem).
    expect(lines.slice(0, lines.indexOf('  Plan: 1 to add, 1 to move, 1 to remove, 1 kept (moves: 1)') + 1)).toEqual([
      'Distribution changes (against the deployed distribution):',
      '  ~ a: moved t1 -> t2',
      '    b: kept on t2',
      '  + fresh: added on t2',
      '  - gone: removed from t2',
      '  Plan: 1 to add, 1 to move, 1 to remove, 1 kept (moves: 1)',
    ]);
    expect(lines).toContain('Activate (dependency order): 2');
    // --max-moves 0: a must still move (t1 is gone): the budget is exceeded, with a warning.
    const log: string[] = [];
    await runEnv(
      { services: path.join(dir, 'v2.json'), infrastructure: path.join(dir, 'infra2.json'), qos: path.join(dir, 'qos.json'), maxMoves: 0 },
      { ...base, dryRun: true, print: () => {}, log: (line) => log.push(line) },
    );
    expect(log).toContain('[coordinator]: warning: divide: --max-moves 0 exceeded: 1 services must move to satisfy the hard rules (their previous targets are no longer candidates or lack the capacity)');
  });
});
