/** End-to-end tests of dydisnix-gendist on the fixture scenarios, in three forms each. */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixture, runBin, writeTree } from './helpers.js';

const f = (name: string) => fixture('gendist', name);
const t1 = 'testtarget1';
const t2 = 'testtarget2';
const t3 = 'testtarget3';
const all = [t1, t2, t3];

const scenarios: Record<string, Record<string, string[]>> = {
  zone: { svcA: [t1, t2], svcB: [t1, t2], svcC: [t3], svcD: [t1, t2] },
  type: { svcA: [t1, t2], svcB: [t1, t2], svcC: [t2, t3], svcD: [t2, t3] },
  order: { svcA: [t2, t1], svcB: [t2, t1], svcC: [t2, t3], svcD: [t2, t3] },
  greedy: { svcA: [t1], svcB: [t2], svcC: [t2], svcD: [t3] },
  'highest-bidder': { svcA: [t3], svcB: [t3], svcC: [t3], svcD: [t2] },
  'lowest-bidder': { svcA: [t1], svcB: [t2], svcC: [t2], svcD: [t3] },
  'round-robin': { svcA: [t1], svcB: [t2], svcC: [t3], svcD: [t1] },
  stateful: { svcA: [t2], svcB: [t1, t2], svcC: [t3], svcD: [t1, t2] },
  bound: { svcA: [t2], svcB: [t3], svcC: all, svcD: all },
  catalogue: { svcA: [t1], svcB: [t1], svcC: [t3], svcD: [t3] },
};

/** JSON + pipeline, XML + JS module, Nix + Nix QoS (the catalogue in JS, JS and Nix). */
const variants = [
  { name: 'JSON models + JSON pipeline', models: 'json', qos: 'json', catalogue: 'filters.mjs' },
  { name: 'XML models + JS module', models: 'xml', qos: 'mjs', catalogue: 'filters.mjs' },
  { name: 'Nix models + Nix QoS', models: 'nix', qos: 'nix', catalogue: 'filters.nix' },
];

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await fs.rm(dir, { recursive: true, force: true });
});

/** No deployment state of the user leaks into the tests. */
const env = { XDG_STATE_HOME: '/nonexistent-dydisnix-test-state' };

describe.each(variants)('gendist scenarios: $name', (variant) => {
  for (const [scenario, expected] of Object.entries(scenarios)) {
    it(scenario, async () => {
      const args = ['-s', f(`services.${variant.models}`), '-i', f(`infrastructure.${variant.models}`), '-q', f(`qos-${scenario}.${variant.qos}`), '--output-json'];
      if (scenario === 'stateful' || scenario === 'bound') args.push('--previous-distribution', f('previous.json'));
      if (scenario === 'catalogue') args.push('-F', f(variant.catalogue));
      const result = await runBin('dydisnix-gendist', args, { env });
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout)).toEqual(expected);
    });
  }

  it('under capacity fails with exit 1, naming the service and every remaining capacity', async () => {
    const result = await runBin('dydisnix-gendist', ['-s', f(`services.${variant.models}`), '-i', f(`infrastructure-small.${variant.models}`), '-q', f(`qos-greedy.${variant.qos}`), '--output-json'], { env });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('service "svcC"');
    expect(result.stderr).toContain('testtarget1=56, testtarget2=28, testtarget3=64');
    // The partial result goes to stderr.
    expect(result.stderr).toMatch(/Partial result:\n\{\n {2}"svcA": \[\n {4}"testtarget1"\n {2}\],\n {2}"svcB"/);
  });
});

describe('gendist options and outputs', () => {
  const base = ['-s', f('services.json'), '-i', f('infrastructure.json')];

  it('without -q prints the cartesian product in the original Nix layout', async () => {
    const result = await runBin('dydisnix-gendist', base, { env });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('{infrastructure}:');
    expect(result.stdout).toContain('svcA = [\n    infrastructure.testtarget1\n    infrastructure.testtarget2\n    infrastructure.testtarget3\n  ];');
  });

  it('--output-xml writes the XML form', async () => {
    const result = await runBin('dydisnix-gendist', [...base, '-q', f('qos-greedy.json'), '--output-xml'], { env });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('<distribution');
    expect(result.stdout).toContain('<service name="svcD"');
    expect(result.stdout).toContain('testtarget3');
  });

  it('-d gives the initial candidates', async () => {
    const dir = await writeTree({ 'candidates.json': JSON.stringify({ svcA: [t3, t2], svcB: [t1], svcC: [t3], svcD: [t3] }) });
    dirs.push(dir);
    const result = await runBin('dydisnix-gendist', [...base, '-d', path.join(dir, 'candidates.json'), '--output-json'], { env });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ svcA: [t3, t2], svcB: [t1], svcC: [t3], svcD: [t3] });
    const greedy = await runBin('dydisnix-gendist', [...base, '-d', path.join(dir, 'candidates.json'), '-q', f('qos-greedy.json'), '--output-json'], { env });
    expect(JSON.parse(greedy.stdout)).toEqual({ svcA: [t3], svcB: [t1], svcC: [t3], svcD: [t3] });
  });

  it('without a previous distribution or deployment state, the *ToPrevious filters change nothing', async () => {
    const result = await runBin('dydisnix-gendist', [...base, '-q', f('qos-bound.json'), '--output-json'], { env });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ svcA: all, svcB: all, svcC: all, svcD: all });
  });

  it('previous mappings with containers are understood by both *ToPrevious filters', async () => {
    const dir = await writeTree({ 'previous.json': JSON.stringify({ svcA: [{ target: t2, container: 'process' }], svcB: [{ target: t3, container: 'process' }] }) });
    dirs.push(dir);
    const previous = ['--previous-distribution', path.join(dir, 'previous.json'), '--output-json'];
    const stateful = await runBin('dydisnix-gendist', [...base, '-q', f('qos-stateful.json'), ...previous], { env });
    expect(JSON.parse(stateful.stdout).svcA).toEqual([{ target: t2, container: 'process' }]);
    const bound = await runBin('dydisnix-gendist', [...base, '-q', f('qos-bound.nix'), ...previous], { env });
    expect(JSON.parse(bound.stdout)).toMatchObject({ svcA: [{ target: t2, container: 'process' }], svcB: [{ target: t3, container: 'process' }] });
  });

  it('--state-dir/-p read the previous distribution from the deployment state (manifest.json)', async () => {
    const manifest = (generation: number) => JSON.stringify({
      version: 1,
      generation,
      services: { svcA: { name: 'svcA', pkg: '/x/svcA', type: 'process' }, svcB: { name: 'svcB', pkg: '/x/svcB', type: 'process' } },
      infrastructure: {},
      mappings: [
        { service: 'svcA', target: t2, container: 'process' },
        { service: 'svcB', target: t3, container: 'process' },
      ],
    });
    const dir = await writeTree({ 'state/default/manifest.json': manifest(1), 'state/test/manifest.json': manifest(2).replace(t3, t1) });
    dirs.push(dir);
    const stateDir = path.join(dir, 'state');
    const byDefault = await runBin('dydisnix-gendist', [...base, '-q', f('qos-bound.json'), '--state-dir', stateDir, '--output-json'], { env });
    expect(byDefault.code).toBe(0);
    expect(JSON.parse(byDefault.stdout)).toEqual(scenarios.bound);
    const profile = await runBin('dydisnix-gendist', [...base, '-q', f('qos-bound.json'), '--state-dir', stateDir, '-p', 'test', '--output-json'], { env });
    expect(JSON.parse(profile.stdout)).toMatchObject({ svcA: [t2], svcB: [t1] });
    // The default state folder is under XDG_STATE_HOME; none there = no previous distribution.
    const xdg = await runBin('dydisnix-gendist', [...base, '-q', f('qos-bound.json'), '--output-json'], { env: { XDG_STATE_HOME: dir } });
    expect(JSON.parse(xdg.stdout)).toEqual({ svcA: all, svcB: all, svcC: all, svcD: all });
    const broken = await writeTree({ 'default/manifest.json': '{ "version": 99 }' });
    dirs.push(broken);
    const bad = await runBin('dydisnix-gendist', [...base, '-q', f('qos-bound.json'), '--state-dir', broken], { env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('manifest.json');
  });

  it('--explain reports, per service and step, what was kept and removed and why (stderr)', async () => {
    const result = await runBin('dydisnix-gendist', [...base, '-q', f('qos-order.json'), '--explain', '--output-json'], { env });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual(scenarios.order);
    expect(result.stderr).toContain('step 1: mapAttrOnList serviceProperty=type targetPropertyList=supportedTypes');
    expect(result.stderr).toContain('service svcC:');
    expect(result.stderr).toContain('removed testtarget1 (type "tomcat-webapplication" not in supportedTypes ["process"])');
    expect(result.stderr).toContain('ordered by priority: testtarget2=1, testtarget1=2');
  });

  it('--explain also works for Nix QoS models and custom catalogue filters', async () => {
    const result = await runBin('dydisnix-gendist', ['-s', f('services.nix'), '-i', f('infrastructure.nix'), '-q', f('qos-catalogue.nix'), '-F', f('filters.nix'), '--explain', '--output-json'], { env });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('step 2: excludeTarget target=testtarget2');
    expect(result.stderr).toMatch(/step 2 \(excludeTarget\): kept \[testtarget1\]; removed testtarget2/);
  });

  it('a JSON pipeline may use a Nix catalogue filter', async () => {
    const result = await runBin('dydisnix-gendist', [...base, '-q', f('qos-catalogue.json'), '-F', f('filters.nix'), '--output-json'], { env });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual(scenarios.catalogue);
  });

  it('the graph planners plug into the registry (JSON pipeline, JS chaining over a promise, Nix ops)', async () => {
    const dir = await writeTree({
      'qos.json': JSON.stringify({ pipeline: [{ filter: 'mapAttrOnList', serviceProperty: 'type', targetPropertyList: 'supportedTypes' }, { filter: 'minsetcover', targetProperty: 'priority' }] }),
      'qos.mjs': "export default ({ filters, infrastructure }) => filters.order({ infrastructure, targetProperty: 'priority', distribution: filters.graphcol({}) });",
      'qos.nix': '{ filters, services, infrastructure, initialDistribution, ... }: filters.multiwaycut { inherit services infrastructure; distribution = filters.mapAttrOnList { inherit services infrastructure; distribution = initialDistribution; serviceProperty = "type"; targetPropertyList = "supportedTypes"; }; }',
    });
    dirs.push(dir);
    for (const qos of ['qos.json', 'qos.mjs', 'qos.nix']) {
      const result = await runBin('dydisnix-gendist', [...base, '-q', path.join(dir, qos), '--output-json'], { env });
      expect(result.code, `${qos}: ${result.stderr}`).toBe(0);
      const distribution = JSON.parse(result.stdout) as Record<string, string[]>;
      expect(Object.keys(distribution).sort()).toEqual(['svcA', 'svcB', 'svcC', 'svcD']);
      for (const [service, targets] of Object.entries(distribution)) {
        expect(targets).toHaveLength(1);
        // minsetcover and multiwaycut choose among the type-compatible candidates.
        if (qos !== 'qos.mjs') expect(scenarios.type![service]).toContain(targets[0]);
      }
    }
  });

  it('a Nix or JS QoS model and catalogue can come from stdin (-q - / -F -)', async () => {
    const greedy = { svcA: [t1], svcB: [t2], svcC: [t2], svcD: [t3] };
    for (const form of ['nix', 'mjs', 'json']) {
      const result = await runBin('dydisnix-gendist', [...base, '-q', '-', '--output-json'], { env, input: await fs.readFile(f(`qos-greedy.${form}`), 'utf8') });
      expect(result.stderr).toBe('');
      expect(JSON.parse(result.stdout)).toEqual(greedy);
    }
    const catalogue = await runBin('dydisnix-gendist', [...base, '-q', f('qos-catalogue.nix'), '-F', '-', '--output-json'], { env, input: await fs.readFile(f('filters.nix'), 'utf8') });
    expect(JSON.parse(catalogue.stdout)).toEqual(scenarios.catalogue);
    const broken = await runBin('dydisnix-gendist', [...base, '-q', '-'], { env, input: '{ filters, ... }: filters.divide { strategy = ; }' });
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/^dydisnix-gendist: -: syntax error.*\(at <stdin>:1:\d+\)\n$/);
  });

  it('a JSON previous distribution from stdin may name machines that are gone, like a JSON file', async () => {
    const result = await runBin('dydisnix-gendist', [...base, '-q', f('qos-bound.json'), '--previous-distribution', '-', '--output-json'], { env, input: JSON.stringify({ svcA: ['gone'] }) });
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout).svcA).toEqual(['gone']);
  });

  it('--filter-buildable is accepted with a warning', async () => {
    const result = await runBin('dydisnix-gendist', [...base, '--filter-buildable', '--output-json'], { env });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('--filter-buildable is not supported without Disnix');
  });
});

describe('gendist failures', () => {
  const base = ['-s', f('services.json'), '-i', f('infrastructure.json')];
  const policy = async (name: string, content: unknown) => {
    const dir = await writeTree({ [name]: typeof content === 'string' ? content : JSON.stringify(content) });
    dirs.push(dir);
    return path.join(dir, name);
  };

  it('a property missing on a service exits 2 naming the service and the target', async () => {
    const qos = await policy('qos.json', { pipeline: [{ filter: 'mapAttrOnAttr', serviceProperty: 'requireCpu', targetProperty: 'zone' }] });
    const result = await runBin('dydisnix-gendist', [...base, '-q', qos], { env });
    expect(result.code).toBe(2);
    // The path is in the services model, so the services file is named (docs/limits.md).
    expect(result.stderr).toContain('services.json: services.svcA');
    expect(result.stderr).toContain('service "svcA" has no property "requireCpu"');
    expect(result.stderr).toContain('"testtarget1"');
    expect(result.stderr).not.toContain('    at ');
  });

  it('a property missing on a target exits 2 naming the target and the service', async () => {
    const qos = await policy('qos.nix', '{ filters, services, infrastructure, initialDistribution, ... }: filters.mapAttrOnList { inherit services infrastructure; distribution = initialDistribution; serviceProperty = "type"; targetPropertyList = "runtimes"; }');
    const result = await runBin('dydisnix-gendist', [...base, '-q', qos], { env });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('target "testtarget1" has no property "runtimes" (needed for service "svcA")');
  });

  it('unknown filters and missing or unknown parameters of a pipeline are rejected by name before running', async () => {
    const unknown = await runBin('dydisnix-gendist', [...base, '-q', await policy('qos.json', { pipeline: [{ filter: 'order', targetProperty: 'priority' }, { filter: 'dividee' }] })], { env });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('qos.pipeline[1].filter: unknown filter "dividee"');
    const missing = await runBin('dydisnix-gendist', [...base, '-q', await policy('qos.json', { pipeline: [{ filter: 'divide', strategy: 'greedy', serviceProperty: 'requireMem' }] })], { env });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('qos.pipeline[0]: filter divide: missing parameter "targetProperty"');
    const extra = await runBin('dydisnix-gendist', [...base, '-q', await policy('qos.json', { pipeline: [{ filter: 'order', targetProperty: 'priority', reverse: true }] })], { env });
    expect(extra.code).toBe(2);
    expect(extra.stderr).toContain('unknown parameter "reverse"');
  });

  it('an unknown strategy exits 2', async () => {
    const qos = await policy('qos.mjs', 'export default ({ filters }) => filters.divide({ strategy: "cheapest", serviceProperty: "requireMem", targetProperty: "mem" });');
    const result = await runBin('dydisnix-gendist', [...base, '-q', qos], { env });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown strategy "cheapest"');
  });

  it('a non-numeric capacity exits 2', async () => {
    const qos = await policy('qos.json', { pipeline: [{ filter: 'divide', strategy: 'greedy', serviceProperty: 'requireMem', targetProperty: 'zone' }] });
    const result = await runBin('dydisnix-gendist', [...base, '-q', qos], { env });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('property "zone" of target "testtarget1" must be a number');
  });

  it('missing -s or -i is a usage error', async () => {
    const result = await runBin('dydisnix-gendist', ['-i', f('infrastructure.json')], { env });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('a services model must be specified');
  });

  it('an exception in a JS policy or catalogue exits 2 naming the file, not as an internal error', async () => {
    const thrown = await runBin('dydisnix-gendist', [...base, '-q', await policy('qos.mjs', 'export default () => { throw new Error("no machines in budget"); };')], { env });
    expect(thrown.code).toBe(2);
    expect(thrown.stdout).toBe('');
    expect(thrown.stderr).toContain('qos.mjs: the QoS model failed: no machines in budget');
    expect(thrown.stderr).not.toContain('internal error');
    const typo = await runBin('dydisnix-gendist', [...base, '-q', await policy('qos.mjs', 'export default ({ filters }) => filters.dividee({});')], { env });
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('qos.mjs: the QoS model failed: filters.dividee is not a function');
    const catalogue = await policy('filters.mjs', 'export default () => ({ broken: () => { throw new Error("oops"); } });');
    const inFilter = await runBin('dydisnix-gendist', [...base, '-q', await policy('qos.json', { pipeline: [{ filter: 'broken' }] }), '-F', catalogue], { env });
    expect(inFilter.code).toBe(2);
    expect(inFilter.stderr).toContain('filters.mjs: filter broken failed: oops');
  });

  it('a Nix QoS that overrides services of a filter result with // is refused instead of losing the override', async () => {
    const qos = await policy('qos.nix', '{ filters, infrastructure, initialDistribution, ... }: (filters.order { inherit infrastructure; distribution = initialDistribution; targetProperty = "priority"; }) // { svcA = [ "testtarget3" ]; }');
    const result = await runBin('dydisnix-gendist', [...base, '-q', qos], { env });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('qos.nix: result: the policy changed the result of filters.order in Nix (it added "svcA")');
  });

  it('a result naming a service that is not in the services model exits 2 (a typo would otherwise be printed)', async () => {
    const qos = await policy('qos.mjs', 'export default ({ filters }) => ({ ...filters.order({ targetProperty: "priority" }), svcZ: ["testtarget1"] });');
    const result = await runBin('dydisnix-gendist', [...base, '-q', qos], { env });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('qos.mjs: result.svcZ: the QoS model\'s result names "svcZ", not in the services model');
  });

  it('a Nix QoS that inspects a filter result gets a clear error', async () => {
    const qos = await policy('qos.nix', '{ filters, services, infrastructure, initialDistribution, lib, ... }: lib.mapAttrs (n: v: [ \"testtarget1\" ]) (filters.divideRoundRobin { distribution = initialDistribution; })');
    const result = await runBin('dydisnix-gendist', [...base, '-q', qos], { env });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('inspected or transformed the result of a filter');
  });
});
