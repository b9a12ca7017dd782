/** CLI tests of issue 17's placement rules: divideResources, spread, prefer, antiAffinity, --diff, --max-moves. */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixture, runBin, tempDir } from './helpers.js';

const P = (file: string) => fixture('gendist', 'placement', file);
const models = ['-s', P('services.json'), '-i', P('infrastructure.json')];
const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await fs.rm(dir, { recursive: true, force: true });
});

const expected = {
  api1: ['a1'],
  api2: ['b1'],
  api3: ['c2'],
  api4: ['a1'],
  api5: ['b1'],
  api6: ['c1'],
  db1: ['a2'],
  db2: ['b2'],
};

describe('placement policy (antiAffinity → prefer → spread → divideResources)', () => {
  for (const form of ['json', 'mjs', 'nix']) {
    it(`gives the same plan as a ${form} policy: 2 api instances per zone, the databases in different zones`, async () => {
      const result = await runBin('dydisnix-gendist', [...models, '-q', P(`qos-placement.${form}`), '--output-json']);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout)).toEqual(expected);
    });
  }

  it('--explain shows each rule', async () => {
    const result = await runBin('dydisnix-gendist', [...models, '-q', P('qos-placement.json'), '--output-json', '--explain']);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('step 1 (antiAffinity): kept [b1, b2]; removed a1 (anti-affinity: zone "a" is left to "db1")');
    expect(result.stderr).toContain('step 2 (prefer): kept [b2, b1]; scores: b2=2 (ssd=true +2), b1=0');
    expect(result.stderr).toContain('spread over zone with api2, api3, api4, api5, api6: "a": 2, "b": 2, "c": 2');
    expect(result.stderr).toContain('step 4 (divideResources): kept [a2]; removed a1 (best-fit-decreasing preferred a2)');
  });

  it('bad parameters are rejected by name before anything runs (exit 2)', async () => {
    const dir = await tempDir();
    dirs.push(dir);
    const qos = path.join(dir, 'qos.json');
    await fs.writeFile(qos, JSON.stringify({ pipeline: [{ filter: 'prefer', preferences: [{ targetProperty: 'ssd', weight: 'lots' }] }] }));
    const result = await runBin('dydisnix-gendist', [...models, '-q', qos]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${qos}: qos.pipeline[0]: filter prefer: preferences[0].weight: expected a number, got "lots"`);
    await fs.writeFile(qos, JSON.stringify({ pipeline: [{ filter: 'divideResources', strategy: 'first-fit', resources: ['requireMem'] }] }));
    const bad = await runBin('dydisnix-gendist', [...models, '-q', qos]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('filter divideResources: resources[0]: expected "serviceProperty:targetProperty"');
  });
});

describe('dydisnix-gendist --diff', () => {
  const args = [...models, '-d', P('diff-next.json')];
  it('prints the expected moves of a known pair of distributions', async () => {
    const result = await runBin('dydisnix-gendist', [...args, '--diff', P('diff-previous.json')]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      [
        '  api1: kept on a1',
        '~ api2: moved b1 -> c1',
        '+ api3: added on c2',
        '~ db1: moved a2 -> a1',
        '  db2: kept on b2',
        '- old: removed from c1',
        'Plan: 1 to add, 2 to move, 1 to remove, 2 kept (moves: 2)',
        '',
      ].join('\n'),
    );
  });
  it('without a file compares with the previous distribution of the run; --output-json gives JSON', async () => {
    const result = await runBin('dydisnix-gendist', [...args, '--previous-distribution', P('diff-previous.json'), '--diff', '--output-json']);
    expect(result.code).toBe(0);
    const diff = JSON.parse(result.stdout);
    expect(diff.moves).toBe(2);
    expect(diff.services.db1).toEqual({ kind: 'moved', from: ['a2'], to: ['a1'], stays: [] });
  });
});

describe('--max-moves', () => {
  it('keeps services in place in a gendist pipeline and warns when the hard rules need more moves', async () => {
    const dir = await tempDir();
    dirs.push(dir);
    const qos = path.join(dir, 'qos.json');
    await fs.writeFile(qos, JSON.stringify({ pipeline: [{ filter: 'divideResources', strategy: 'first-fit', resources: ['requireMem:mem', 'requireCpu:cpu'] }] }));
    // Every service on every target: the free first-fit plan moves api2 (b1 -> a1) and db1 (a2 -> b1).
    const run = (...extra: string[]) => runBin('dydisnix-gendist', [...models, '-q', qos, '--previous-distribution', P('diff-previous.json'), '--diff', ...extra]);
    const free = await run();
    expect(free.stdout).toContain('~ api2: moved b1 -> a1');
    expect(free.stdout).toContain('moves: 2');
    for (const budget of ['0', '1']) {
      const kept = await run('--max-moves', budget);
      expect(kept.code).toBe(0);
      expect(kept.stderr).toBe('');
      expect(kept.stdout).toContain('  api2: kept on b1');
      expect(kept.stdout).toContain('  db1: kept on a2');
      expect(kept.stdout).toContain('moves: 0');
    }
    expect((await run('--max-moves', '2')).stdout).toBe(free.stdout); // within the budget: the planner's own plan
    // db1's previous target a2 is no candidate in diff-next.json: it must move, beyond a budget of 0.
    const forced = await runBin('dydisnix-gendist', [...models, '-d', P('diff-next.json'), '-q', qos, '--previous-distribution', P('diff-previous.json'), '--max-moves', '0', '--diff']);
    expect(forced.code).toBe(0);
    expect(forced.stdout).toContain('~ db1: moved a2 -> a1');
    expect(forced.stderr).toContain('dydisnix-gendist: warning: divideResources: --max-moves 0 exceeded: 2 services must move');
  });
  it('warns when no dynamic planner ran, and rejects a bad value', async () => {
    const none = await runBin('dydisnix-gendist', ['-s', fixture('gendist', 'services.json'), '-i', fixture('gendist', 'infrastructure.json'), '-q', fixture('gendist', 'qos-zone.json'), '--max-moves', '1', '--output-json']);
    expect(none.code).toBe(0);
    expect(none.stderr).toBe('dydisnix-gendist: warning: --max-moves has no effect: the QoS policy ran no dynamic planner (divide or divideResources; docs/gendist.md, "Moves")\n');
    const bad = await runBin('dydisnix-gendist', [...models, '--max-moves', 'many']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--max-moves expects a non-negative integer, got "many"');
  });
});

describe('dydisnix-divide with several capacities', () => {
  const args = [...models, '-d', P('diff-next.json'), '--property', 'requireMem:mem', '--property', 'requireCpu:cpu', '--output-json'];
  it('places by best-fit-decreasing on the dominant share', async () => {
    const result = await runBin('dydisnix-divide', ['--strategy', 'best-fit-decreasing', ...args]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ api1: ['a1'], api2: ['c1'], api3: ['c2'], db1: ['a1'], db2: ['b2'] });
  });
  it('exits 1 naming the resource that ran out, the partial result on stderr', async () => {
    const dir = await tempDir();
    dirs.push(dir);
    const dist = path.join(dir, 'd.json');
    await fs.writeFile(dist, JSON.stringify({ db1: ['b2'], db2: ['b2'] }));
    const result = await runBin('dydisnix-divide', ['--strategy', 'first-fit', ...models, '-d', dist, '--property', 'requireMem:mem', '--property', 'requireCpu:cpu']);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('unable to select a target machine for service "db2" (requireMem = 300, requireCpu = 2), because none of them has sufficient resources left: ran out of mem and cpu: b2: remaining mem 212 < 300, cpu 0 < 2');
  });
  it('usage errors: a one-capacity strategy with several pairs, a malformed pair, --max-moves without a previous distribution', async () => {
    const multi = await runBin('dydisnix-divide', ['--strategy', 'highest-bidder', ...args]);
    expect(multi.code).toBe(2);
    expect(multi.stderr).toContain('strategy highest-bidder divides by one capacity');
    const pair = await runBin('dydisnix-divide', ['--strategy', 'first-fit', ...models, '-d', P('diff-next.json'), '--property', 'requireMem']);
    expect(pair.code).toBe(2);
    expect(pair.stderr).toContain('--property expects SERVICE_PROPERTY:TARGET_PROPERTY');
    const moves = await runBin('dydisnix-divide', ['--strategy', 'first-fit', ...args, '--max-moves', '1']);
    expect(moves.code).toBe(2);
    expect(moves.stderr).toContain('--max-moves needs the previous distribution');
  });
  it('--max-moves keeps services where they were', async () => {
    const result = await runBin('dydisnix-divide', ['--strategy', 'first-fit', ...args, '--previous-distribution', P('diff-previous.json'), '--max-moves', '0']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).api2).toEqual(['c1']); // b1 is no candidate of api2 in diff-next.json
    expect(result.stderr).toContain('--max-moves 0 exceeded: 2 services must move');
  });
});
