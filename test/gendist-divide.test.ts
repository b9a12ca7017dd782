/** End-to-end tests of dydisnix-divide and dydisnix-augment-infra. */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixture, runBin, writeTree } from './helpers.js';

const f = (name: string) => fixture('gendist', name);
const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await fs.rm(dir, { recursive: true, force: true });
});

const props = ['--service-property', 'requireMem', '--target-property', 'mem'];

describe('dydisnix-divide', () => {
  const expected: Record<string, Record<string, unknown>> = {
    greedy: { svcA: ['testtarget1'], svcB: ['testtarget2'], svcC: ['testtarget2'], svcD: ['testtarget3'] },
    'highest-bidder': { svcA: ['testtarget3'], svcB: ['testtarget3'], svcC: ['testtarget3'], svcD: ['testtarget2'] },
    'lowest-bidder': { svcA: ['testtarget1'], svcB: ['testtarget2'], svcC: ['testtarget2'], svcD: ['testtarget3'] },
    // svcC 300, svcD 250, svcA 200, svcB 100
    'first-fit-decreasing': { svcC: ['testtarget2'], svcD: ['testtarget1'], svcA: ['testtarget2'], svcB: ['testtarget3'] },
    'best-fit-decreasing': { svcC: ['testtarget2'], svcD: ['testtarget1'], svcA: ['testtarget2'], svcB: ['testtarget3'] },
  };
  for (const form of ['json', 'xml', 'nix']) {
    for (const [strategy, result] of Object.entries(expected)) {
      it(`${strategy} on ${form} models`, async () => {
        const run = await runBin('dydisnix-divide', ['--strategy', strategy, '-s', f(`services.${form}`), '-i', f(`infrastructure.${form}`), '-d', f(`distribution.${form === 'xml' ? 'xml' : form}`), ...props, '--output-json']);
        expect(run.stderr).toBe('');
        expect(run.code).toBe(0);
        const parsed = JSON.parse(run.stdout) as Record<string, unknown[]>;
        // distribution.nix/.xml give svcC's first two candidates the container "process".
        const plain = Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, v.map((m) => (typeof m === 'string' ? m : (m as { target: string }).target))]));
        expect(plain).toEqual(result);
      });
    }
  }

  it('prints the plain Nix attrset by default and keeps containers (B1 fixed)', async () => {
    const run = await runBin('dydisnix-divide', ['--strategy', 'greedy', '-s', f('services.nix'), '-i', f('infrastructure.nix'), '-d', f('distribution.nix'), ...props]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('"svcC" = [');
    expect(run.stdout).toContain('"container" = "process";');
    expect(run.stdout).not.toContain('{infrastructure}:');
  });

  it('--output-xml', async () => {
    const run = await runBin('dydisnix-divide', ['--strategy', 'greedy', '-s', f('services.json'), '-i', f('infrastructure.json'), '-d', f('distribution.json'), ...props, '--output-xml']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('<service name="svcA"');
  });

  it('under capacity: exit 1, the service and the capacities named, partial result on stderr only', async () => {
    const run = await runBin('dydisnix-divide', ['--strategy', 'greedy', '-s', f('services.json'), '-i', f('infrastructure-small.json'), '-d', f('distribution.json'), ...props, '--output-json']);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('unable to select a target machine for service "svcC"');
    expect(run.stderr).toContain('testtarget1=56, testtarget2=28, testtarget3=64');
    expect(run.stderr).toContain('Partial result:\n{\n  "svcA": [');
  });

  it('checks the options in the original order; strategy last; unknown strategy exits 2', async () => {
    const noServices = await runBin('dydisnix-divide', ['--strategy', 'greedy']);
    expect(noServices.code).toBe(2);
    expect(noServices.stderr).toContain('a services model must be specified');
    const noTargetProperty = await runBin('dydisnix-divide', ['-s', f('services.json'), '-i', f('infrastructure.json'), '-d', f('distribution.json'), '--service-property', 'requireMem']);
    expect(noTargetProperty.stderr).toContain('a target property must be specified');
    const noStrategy = await runBin('dydisnix-divide', ['-s', f('services.json'), '-i', f('infrastructure.json'), '-d', f('distribution.json'), ...props]);
    expect(noStrategy.code).toBe(2);
    expect(noStrategy.stderr).toContain('a strategy must be provided');
    const unknown = await runBin('dydisnix-divide', ['--strategy', 'random', '-s', f('services.json'), '-i', f('infrastructure.json'), '-d', f('distribution.json'), ...props]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown strategy: random');
  });

  it('a service without the demand property exits 2 naming it; a non-numeric capacity exits 2', async () => {
    const missing = await runBin('dydisnix-divide', ['--strategy', 'greedy', '-s', f('services.json'), '-i', f('infrastructure.json'), '-d', f('distribution.json'), '--service-property', 'requireCpu', '--target-property', 'mem']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('services.json: services.svcA.requireCpu: divide: service "svcA" has no property "requireCpu"');
    const nonNumeric = await runBin('dydisnix-divide', ['--strategy', 'greedy', '-s', f('services.json'), '-i', f('infrastructure.json'), '-d', f('distribution.json'), '--service-property', 'requireMem', '--target-property', 'zone']);
    expect(nonNumeric.code).toBe(2);
    expect(nonNumeric.stderr).toContain('infrastructure.json: infrastructure.testtarget1.properties.zone: divide: property "zone" of target "testtarget1" must be a number');
  });
});

describe('dydisnix-augment-infra', () => {
  for (const form of ['json', 'mjs', 'nix']) {
    it(`applies a ${form} augmentation`, async () => {
      const run = await runBin('dydisnix-augment-infra', ['-i', f('infrastructure.nix'), '-a', f(`augment.${form}`), '--output-json']);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      const infra = JSON.parse(run.stdout) as Record<string, { properties: Record<string, unknown>; containers?: Record<string, unknown> }>;
      expect(infra.testtarget1!.properties.region).toBe('eu-west');
      expect(infra.testtarget2!.properties.region).toBe('eu-west');
      expect(infra.testtarget3!.properties.region).toBe('us-east');
      expect(infra.testtarget2!.properties.mem).toBe(512);
      if (form === 'json') {
        // "*" reached every target, null removed a property, existing containers were merged.
        expect(infra.testtarget3!.properties.priority).toBeUndefined();
        expect(infra.testtarget3!.containers).toEqual({ process: { runtimeDir: '/run/dydisnix' } });
        expect(infra.testtarget2!.containers).toEqual({ process: { runtimeDir: '/run/dydisnix' }, 'tomcat-webapplication': { tomcatPort: 8080 } });
      }
    });
  }

  it('reads a Nix or JS augmentation from stdin (-a -)', async () => {
    const expected = await runBin('dydisnix-augment-infra', ['-i', f('infrastructure.json'), '-a', f('augment.nix'), '--output-json']);
    for (const form of ['nix', 'mjs']) {
      const run = await runBin('dydisnix-augment-infra', ['-i', f('infrastructure.json'), '-a', '-', '--output-json'], { input: await fs.readFile(f(`augment.${form}`), 'utf8') });
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(run.stdout).toBe(expected.stdout);
    }
  });

  it('prints the Nix form by default', async () => {
    const run = await runBin('dydisnix-augment-infra', ['-i', f('infrastructure.json'), '-a', f('augment.json')]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('region');
    expect(run.stdout).toContain('testtarget3');
  });

  it('requires -i and -a; an invalid result names the augmentation', async () => {
    const noAugment = await runBin('dydisnix-augment-infra', ['-i', f('infrastructure.json')]);
    expect(noAugment.code).toBe(2);
    expect(noAugment.stderr).toContain('an augment file must be specified');
    const dir = await writeTree({ 'bad.json': JSON.stringify({ '*': { numOfCores: 'many' } }) });
    dirs.push(dir);
    const bad = await runBin('dydisnix-augment-infra', ['-i', f('infrastructure.json'), '-a', path.join(dir, 'bad.json')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('bad.json');
    expect(bad.stderr).toContain('numOfCores');
  });
});
