import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixture, runBin, writeTree } from './helpers.js';

const f = (name: string) => fixture('graph', name);
const allOnTarget1 = { testService1: ['testtarget1'], testService2: ['testtarget1'], testService3: ['testtarget1'] };
const triangle = { testService1: ['testtarget1'], testService2: ['testtarget2'], testService3: ['testtarget3'] };

function acceptedByDot(text: string): void {
  expect(execFileSync('dot', ['-Tsvg'], { input: text, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] })).toContain('<svg');
}

describe('dydisnix-multiwaycut', () => {
  for (const k of [2, 3]) {
    for (const ext of ['json', 'nix']) {
      it(`puts every test service on testtarget1 (${k} targets, ${ext})`, async () => {
        const result = await runBin('dydisnix-multiwaycut', ['-s', f(`services.${ext}`), '-i', f(`infrastructure-${k}.${ext}`), '-d', f(`distribution-${k}.${ext}`), '--output-json']);
        expect(result.stderr).toBe('');
        expect(result.code).toBe(0);
        expect(JSON.parse(result.stdout)).toEqual(allOnTarget1);
      });
    }
  }

  it('prints the C tools’ plain Nix layout by default, and XML', async () => {
    const args = ['-s', f('services.json'), '-i', f('infrastructure-2.json'), '-d', f('distribution-2.json')];
    const nix = await runBin('dydisnix-multiwaycut', args);
    expect(nix.code).toBe(0);
    expect(nix.stdout).toBe('{\n  "testService1" = [\n    "testtarget1"\n  ];\n  "testService2" = [\n    "testtarget1"\n  ];\n  "testService3" = [\n    "testtarget1"\n  ];\n}\n');
    const xml = await runBin('dydisnix-multiwaycut', [...args, '--output-xml']);
    expect(xml.code).toBe(0);
    expect(xml.stdout).toContain('testtarget1');
    expect(xml.stdout).toContain('<distribution');
  });

  it('prints the problem graph and the resolved graph as DOT (last flag wins)', async () => {
    const args = ['-s', f('services.json'), '-i', f('infrastructure-2.json'), '-d', f('distribution-2.json')];
    const graph = await runBin('dydisnix-multiwaycut', [...args, '--output-json', '--output-graph']);
    expect(graph.code).toBe(0);
    expect(graph.stdout.match(/-- "host:/g)).toHaveLength(6); // 6 candidate edges
    expect(graph.stdout).not.toContain('n&#178;');
    expect(graph.stdout).toContain('"app:testService2" -- "app:testService1"');
    acceptedByDot(graph.stdout);
    const resolved = await runBin('dydisnix-multiwaycut', [...args, '--output-graph', '--output-resolved-graph']);
    expect(resolved.stdout.match(/-- "host:/g)).toHaveLength(3);
    expect(resolved.stdout).toContain('links across machines: 0 of 3');
    acceptedByDot(resolved.stdout);
    const json = await runBin('dydisnix-multiwaycut', [...args, '--output-graph', '--output-json']);
    expect(JSON.parse(json.stdout)).toEqual(allOnTarget1);
  });

  it('reads XML models without -i when --xml is given', async () => {
    const services = await runBin('dydisnix-xml', ['-s', f('services.json')]);
    const distribution = await runBin('dydisnix-xml', ['-i', f('infrastructure-3.json'), '-d', f('distribution-3.json')]);
    const dir = await writeTree({ 'services.xml': services.stdout, 'distribution.xml': distribution.stdout });
    const result = await runBin('dydisnix-multiwaycut', ['--xml', '-s', `${dir}/services.xml`, '-d', `${dir}/distribution.xml`, '--output-json']);
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual(allOnTarget1);
  });

  it('co-locates dependent services across restricted candidates and keeps containers', async () => {
    const dir = await writeTree({
      'services.json': JSON.stringify({
        a: { name: 'a', dependsOn: [] },
        b: { name: 'b', dependsOn: ['a'] },
        c: { name: 'c', dependsOn: ['b'] },
      }),
      'infrastructure.json': JSON.stringify({ h1: { properties: {} }, h2: { properties: {} }, h3: { properties: {} } }),
      'distribution.json': JSON.stringify({ a: ['h3'], b: ['h1', { target: 'h3', container: 'web' }], c: ['h2', 'h3'] }),
    });
    const result = await runBin('dydisnix-multiwaycut', ['-s', `${dir}/services.json`, '-i', `${dir}/infrastructure.json`, '-d', `${dir}/distribution.json`, '--output-json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ a: ['h3'], b: [{ target: 'h3', container: 'web' }], c: ['h3'] });
  });

  it('reports usage errors and bad models with exit 2', async () => {
    const missing = await runBin('dydisnix-multiwaycut', ['-s', f('services.json'), '-d', f('distribution-2.json')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('An infrastructure configuration file must be specified!');
    const noServices = await runBin('dydisnix-multiwaycut', ['-i', f('infrastructure-2.json'), '-d', f('distribution-2.json')]);
    expect(noServices.code).toBe(2);
    expect(noServices.stderr).toContain('A services expression must be specified!');
    const dir = await writeTree({ 'distribution.json': JSON.stringify({ testService1: ['nowhere'] }) });
    const bad = await runBin('dydisnix-multiwaycut', ['-s', f('services.json'), '-i', f('infrastructure-2.json'), '-d', `${dir}/distribution.json`]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('distribution.json');
    expect(bad.stderr).toContain('distribution.testService1[0]');
    expect(bad.stdout).toBe('');
  });

  it('shows help with an example', async () => {
    const help = await runBin('dydisnix-multiwaycut', ['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--output-resolved-graph');
    expect(help.stdout).toContain('Examples:');
  });
});

describe('dydisnix-graphcol', () => {
  for (const ext of ['json', 'nix']) {
    it(`colours the test triangle with 3 targets (${ext})`, async () => {
      const result = await runBin('dydisnix-graphcol', ['-s', f(`services.${ext}`), '-i', f(`infrastructure-3.${ext}`), '--output-json']);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout)).toEqual(triangle);
    });
  }

  it('fails with 2 targets: exit 1, a proven message, nothing on stdout', async () => {
    const result = await runBin('dydisnix-graphcol', ['-s', f('services.json'), '-i', f('infrastructure-2.json')]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('Not enough target machines available to compute a valid graph coloring!');
    expect(result.stderr).toContain('Proven infeasible');
    const resolved = await runBin('dydisnix-graphcol', ['-s', f('services.json'), '-i', f('infrastructure-2.json'), '--output-resolved-graph']);
    expect(resolved.code).toBe(1);
    expect(resolved.stdout).toBe('');
  });

  it('--output-graph always succeeds; the resolved graph has record labels', async () => {
    const graph = await runBin('dydisnix-graphcol', ['-s', f('services.json'), '-i', f('infrastructure-2.json'), '--output-graph']);
    expect(graph.code).toBe(0);
    expect(graph.stdout).toContain('shape = "Mrecord"');
    expect(graph.stdout).toContain('"testService2" -- "testService1"');
    acceptedByDot(graph.stdout);
    const resolved = await runBin('dydisnix-graphcol', ['-s', f('services.json'), '-i', f('infrastructure-3.json'), '--output-resolved-graph']);
    expect(resolved.code).toBe(0);
    expect(resolved.stdout).toContain('label = "<f0> testService3|<f1> testtarget3"');
    expect(resolved.stdout).toContain('machines used: 3 of 3');
    acceptedByDot(resolved.stdout);
  });

  it('restricts to candidates with -d', async () => {
    const dir = await writeTree({ 'distribution.json': JSON.stringify({ testService1: ['testtarget3'], testService2: ['testtarget1', 'testtarget3'], testService3: ['testtarget3', 'testtarget2'] }) });
    const result = await runBin('dydisnix-graphcol', ['-s', f('services.json'), '-i', f('infrastructure-3.json'), '-d', `${dir}/distribution.json`, '--output-json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ testService1: ['testtarget3'], testService2: ['testtarget1'], testService3: ['testtarget2'] });
  });

  it('says when the search budget ran out, and rejects a bad budget', async () => {
    const result = await runBin('dydisnix-graphcol', ['-s', f('services.json'), '-i', f('infrastructure-2.json'), '--search-budget', '0']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('ran out of its budget');
    const bad = await runBin('dydisnix-graphcol', ['-s', f('services.json'), '-i', f('infrastructure-2.json'), '--search-budget', 'lots']);
    expect(bad.code).toBe(2);
  });

  it('requires -s and -i', async () => {
    const result = await runBin('dydisnix-graphcol', ['-i', f('infrastructure-2.json')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('A services expression must be specified!');
  });
});

describe('dydisnix-minsetcover', () => {
  it('covers the test model with the cheapest target', async () => {
    const result = await runBin('dydisnix-minsetcover', ['-s', f('services.json'), '-i', f('infrastructure-3.json'), '-d', f('distribution-3.json'), '--target-property', 'cost', '--output-json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ testService1: ['testtarget2'], testService2: ['testtarget2'], testService3: ['testtarget2'] });
  });

  it('works on Nix models and prints plain Nix', async () => {
    const result = await runBin('dydisnix-minsetcover', ['-s', f('services.nix'), '-i', f('infrastructure-2.nix'), '-d', f('distribution-2.nix'), '--target-property', 'cost']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('"testService1" = [\n    "testtarget2"\n  ];');
  });

  it('terminates with an uncoverable service: exit 1 naming it, the partial cover on stderr', async () => {
    const dir = await writeTree({ 'distribution.json': JSON.stringify({ testService1: ['testtarget1'], testService2: [] }) });
    const result = await runBin('dydisnix-minsetcover', ['-s', f('services.json'), '-i', f('infrastructure-2.json'), '-d', `${dir}/distribution.json`, '--target-property', 'cost', '--output-json'], { timeoutMs: 20_000 });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('Partial result:\n{\n  "testService1": [\n    "testtarget1"\n  ],\n  "testService2": []\n}');
    expect(result.stderr).toContain('cannot be covered');
    expect(result.stderr).toContain('testService2, testService3');
  });

  it('a non-numeric cost exits 2 naming the infrastructure file and the model path', async () => {
    const result = await runBin('dydisnix-minsetcover', ['-s', f('services.json'), '-i', f('infrastructure-3.json'), '-d', f('distribution-3.json'), '--target-property', 'hostname']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('infrastructure-3.json: infrastructure.testtarget1.properties.hostname: the cost must be a number');
  });

  it('prints the problem graph and the covering as DOT, to stdout or atomically to -o FILE', async () => {
    const args = ['-s', f('services.json'), '-i', f('infrastructure-3.json'), '-d', f('distribution-3.json'), '--target-property', 'cost'];
    const graph = await runBin('dydisnix-minsetcover', [...args, '--output-json', '--output-graph']);
    expect(graph.code).toBe(0);
    expect(graph.stdout).toContain('label = "testtarget2\\ncost 2";');
    expect(graph.stdout.match(/-- "host:/g)).toHaveLength(9);
    acceptedByDot(graph.stdout);
    const dir = await writeTree({});
    const resolved = await runBin('dydisnix-minsetcover', [...args, '--output-resolved-graph', '-o', `${dir}/cover.dot`]);
    expect(resolved.code).toBe(0);
    expect(resolved.stdout).toBe('');
    const text = readFileSync(`${dir}/cover.dot`, 'utf8');
    expect(text).toContain('machines used: 1 of 3, total cost 2');
    acceptedByDot(text);
    const json = await runBin('dydisnix-minsetcover', [...args, '--output-json', '-o', `${dir}/cover.json`]);
    expect(json.code).toBe(0);
    expect(JSON.parse(readFileSync(`${dir}/cover.json`, 'utf8'))).toEqual({ testService1: ['testtarget2'], testService2: ['testtarget2'], testService3: ['testtarget2'] });
    rmSync(dir, { recursive: true, force: true });
  });

  it('checks the required options in the original order', async () => {
    const result = await runBin('dydisnix-minsetcover', ['-s', f('services.json'), '-i', f('infrastructure-2.json'), '-d', f('distribution-2.json')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('A target property must be specified!');
  });
});
