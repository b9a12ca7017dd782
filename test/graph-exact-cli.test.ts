/** The exact modes of the graph planner commands (--exact, --time-limit, --explain), end to end. */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { fixture, runBin } from './helpers.js';

const f = (name: string) => fixture('graph', name);
// Greedy set cover takes c first (12 for 4 services), then a and b: cost 32; the optimum is a + b = 20.
const cover = ['-s', f('exact-cover-services.json'), '-i', f('exact-cover-infrastructure.json'), '-d', f('exact-cover-distribution.json')];
const optimalCover = { s1: ['a'], s2: ['a'], s3: ['a'], s4: ['b'], s5: ['b'], s6: ['b'] };

describe('dydisnix-minsetcover --exact', () => {
  it('returns the optimal cover and reports objective, bound and the greedy plan’s gap', async () => {
    const greedy = await runBin('dydisnix-minsetcover', [...cover, '--target-property', 'cost', '--output-json', '--explain']);
    expect(greedy.code).toBe(0);
    expect(greedy.stderr).toBe('dydisnix-minsetcover: heuristic plan: total cost 32 (its gap to the optimum needs --exact)\n');
    const exact = await runBin('dydisnix-minsetcover', [...cover, '--target-property', 'cost', '--output-json', '--exact', '--explain']);
    expect(exact.code).toBe(0);
    expect(JSON.parse(exact.stdout)).toEqual(optimalCover);
    const lines = exact.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^dydisnix-minsetcover: exact: total cost 20, best bound 20, optimal \([\d.]+ s\)$/);
    expect(lines[1]).toBe('dydisnix-minsetcover: heuristic plan: total cost 32, gap 37.5 % (12 above the optimum 20)');
  });

  it('prints the same plan twice (deterministic) and only the report without --explain', async () => {
    const args = [...cover, '--target-property', 'cost', '--exact'];
    const [a, b] = await Promise.all([runBin('dydisnix-minsetcover', args), runBin('dydisnix-minsetcover', args)]);
    expect(a.code).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    expect(a.stderr.trimEnd().split('\n')).toHaveLength(1);
  });
});

describe('dydisnix-multiwaycut --exact', () => {
  it('solves, reports and draws the resolved graph of the exact plan', async () => {
    const args = ['-s', f('services.json'), '-i', f('infrastructure-3.json'), '-d', f('distribution-3.json'), '--exact', '--time-limit', '30'];
    const json = await runBin('dydisnix-multiwaycut', [...args, '--output-json']);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual({ testService1: ['testtarget1'], testService2: ['testtarget1'], testService3: ['testtarget1'] });
    expect(json.stderr).toMatch(/^dydisnix-multiwaycut: exact: cross-target links 0, best bound 0, optimal/);
    const dot = await runBin('dydisnix-multiwaycut', [...args, '--output-resolved-graph']);
    expect(dot.code).toBe(0);
    expect(execFileSync('dot', ['-Tsvg'], { input: dot.stdout, encoding: 'utf8' })).toContain('<svg');
  });
});

describe('dydisnix-graphcol --exact', () => {
  it('colours with the fewest targets and reports the heuristic gap', async () => {
    const result = await runBin('dydisnix-graphcol', ['-s', f('services.json'), '-i', f('infrastructure-3.json'), '--exact', '--explain', '--output-json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ testService1: ['testtarget1'], testService2: ['testtarget2'], testService3: ['testtarget3'] });
    expect(result.stderr).toMatch(/exact: targets used 3, best bound 3, optimal .*\n.*heuristic plan: targets used 3, gap 0\.0 % \(equal to the optimum 3\)\n$/);
  });

  it('exits 1 when the integer program proves that no colouring exists', async () => {
    const result = await runBin('dydisnix-graphcol', [...cover, '--exact', '--output-json']);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('Proven infeasible');
  });
});

describe('exact-mode usage errors', () => {
  for (const [args, message] of [
    [['--time-limit', '5'], '--time-limit needs --exact'],
    [['--exact', '--time-limit', '0'], '--time-limit must be a positive number of seconds, not "0"'],
    [['--exact', '--time-limit', 'soon'], '--time-limit must be a positive number of seconds, not "soon"'],
  ] as const) {
    it(`rejects ${args.join(' ')}`, async () => {
      const result = await runBin('dydisnix-multiwaycut', ['-s', f('services.json'), '-i', f('infrastructure-3.json'), '-d', f('distribution-3.json'), ...args]);
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain(message);
    });
  }
});
