/** The exact modes of the graph planners as QoS filters (JSON pipeline, Nix, JS), with --explain. */
import { describe, expect, it } from 'vitest';
import { fixture, runBin } from './helpers.js';

const f = (name: string) => fixture('graph', name);
const models = ['-s', f('exact-cover-services.json'), '-i', f('exact-cover-infrastructure.json'), '-d', f('exact-cover-distribution.json'), '--output-json'];
const optimalCover = { s1: ['a'], s2: ['a'], s3: ['a'], s4: ['b'], s5: ['b'], s6: ['b'] };

describe('exact graph planners as filters', () => {
  for (const ext of ['json', 'nix', 'mjs']) {
    it(`gives the optimal cover from a ${ext} policy and reports it on stderr`, async () => {
      const result = await runBin('dydisnix-gendist', [...models, '-q', f(`exact-cover-qos.${ext}`)]);
      expect(result.code, result.stderr).toBe(0);
      expect(JSON.parse(result.stdout)).toEqual(optimalCover);
      expect(result.stderr).toMatch(/^minsetcover: exact: total cost 20, best bound 20, optimal \([\d.]+ s\)\n/);
    });
  }

  it('--explain shows the exact report and the heuristic plan’s gap under the step', async () => {
    const result = await runBin('dydisnix-gendist', [...models, '-q', f('exact-cover-qos.json'), '--explain']);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('  step 1: minsetcover targetProperty=cost exact=true timeLimit=30\n    exact: total cost 20, best bound 20, optimal');
    expect(result.stderr).toContain('\n    heuristic plan: total cost 32, gap 37.5 % (12 above the optimum 20)\n');
  });

  it('rejects bad exact parameters by name (exit 2)', async () => {
    const pipeline = (step: Record<string, unknown>) => JSON.stringify({ pipeline: [{ filter: 'multiwaycut', ...step }] });
    for (const [step, message] of [
      [{ exact: 'yes' }, 'parameter "exact" must be a boolean'],
      [{ timeLimit: 5 }, 'parameter "timeLimit" needs "exact" = true'],
      [{ exact: true, timeLimit: -1 }, 'parameter "timeLimit" must be a positive number of seconds'],
      [{ exact: true, gap: 1 }, 'unknown parameter "gap"'],
    ] as const) {
      const result = await runBin('dydisnix-gendist', [...models, '-q', '-'], { input: pipeline(step) });
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain(message);
    }
  });
});
