import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CANDIDATE_COLOUR, contrastRatio, hostColours } from '../../util/palette.js';
import { describe, expect, it } from 'vitest';
import { graphcolDot, minsetcoverDot, multiwaycutDot } from './dot.js';
import { minsetcoverGraph, solveMinsetcover } from './minsetcover.js';
import { graphcolGraph, solveGraphcol } from './graphcol.js';
import { multiwaycutGraph, resolvedGraph, solveMultiwaycut } from './multiwaycut.js';
import { distributionOf, infrastructureOf, servicesOf } from './testing.js';

const services = servicesOf({ b: [], a: ['b'] }, { b: ['a'] });

function acceptedByDot(text: string): void {
  const svg = execFileSync('dot', ['-Tsvg'], { input: text, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
  expect(svg).toContain('<svg');
}

describe('DOT of the problem graphs', () => {
  it('multiwaycut: services, machines as 3-D boxes, dependencies from the dependent down, light unlabelled candidate edges', async () => {
    const graph = multiwaycutGraph({ services, distribution: distributionOf({ b: ['t2', 't1'], a: ['t1'] }) });
    const text = await multiwaycutDot(graph);
    const lines = text.split('\n').filter((line) => line.includes('"') && !line.includes('='));
    expect(lines).toEqual([
      '  "app:a" [',
      '  "app:b" [',
      '  "host:t1" [',
      '  "host:t2" [',
      '  "app:a" -- "app:b";',
      '  "app:a" -- "host:t1" [',
      '  "app:b" -- "app:a";',
      '  "app:b" -- "host:t1" [',
      '  "app:b" -- "host:t2" [',
    ]);
    expect(text.startsWith('graph {\n')).toBe(true);
    expect(text.endsWith('}\n')).toBe(true);
    expect(text).not.toContain('n&#178;');
    expect(text).not.toMatch(/label = "1"/);
    expect(text).toContain(`"app:a" -- "host:t1" [\n    color = "${CANDIDATE_COLOUR}";`);
    expect(text).toContain('"host:t1" [\n    label = "t1";\n    shape = "box3d";');
    expect(text).toContain('layout = "neato"');
    acceptedByDot(text);
    const resolved = await multiwaycutDot(resolvedGraph(graph, solveMultiwaycut(graph).assignment));
    expect(resolved).not.toContain('"app:b" -- "host:t2"');
    acceptedByDot(resolved);
  });

  it('graphcol: record nodes named by the machine of their colour, filled with its colour, machines in the legend', async () => {
    const graph = graphcolGraph({ services, infrastructure: infrastructureOf(['t1', 't2']) });
    const plain = await graphcolDot(graph);
    expect(plain).toContain('shape = "Mrecord"');
    expect(plain).toContain('"a" [\n    label = "a";\n  ];');
    expect(plain).toContain('"a" -- "b";\n  "b" -- "a";');
    acceptedByDot(plain);
    const coloured = await graphcolDot(solveGraphcol(graph).resolved);
    const colours = hostColours(['t1', 't2']);
    expect(coloured).toContain(`"a" [\n    label = "<f0> a|<f1> t1";\n    fillcolor = "${colours.get('t1')}";`);
    expect(coloured).toContain(`"b" [\n    label = "<f0> b|<f1> t2";\n    fillcolor = "${colours.get('t2')}";`);
    expect(coloured).toContain('machines used: 2 of 2');
    expect(coloured).toContain(`<TD BGCOLOR="${colours.get('t1')}">`);
    acceptedByDot(coloured);
  });

  it('minsetcover: machines labelled with their cost; resolved, the machines used and the total cost', async () => {
    const infrastructure = infrastructureOf(['t1', 't2', 't3']);
    infrastructure.t1!.properties.cost = 3;
    infrastructure.t2!.properties.cost = 5;
    infrastructure.t3!.properties.cost = 1;
    const graph = minsetcoverGraph({ services, infrastructure, distribution: distributionOf({ a: ['t1', 't2'], b: ['t1', 't3'] }), targetProperty: 'cost' });
    const problem = await minsetcoverDot(graph);
    expect(problem).toContain('label = "t2\\ncost 5";');
    acceptedByDot(problem);
    const { assignment, stats } = solveMinsetcover(graph);
    const resolved = await minsetcoverDot(resolvedGraph(graph, assignment));
    expect(resolved).toContain(`machines used: ${stats.chosen.length} of 3, total cost ${stats.totalCost}`);
    expect(resolved).toContain('style = "filled,dashed"');
    acceptedByDot(resolved);
  });
});

describe('DOT of big problem graphs', () => {
  it('prints 3,000 services × 20 candidate targets (past ts-graphviz’s default 100k AST node limit)', async () => {
    const deps: Record<string, string[]> = {};
    const lists: Record<string, string[]> = {};
    const targets = Array.from({ length: 20 }, (_, i) => `t${i}`);
    for (let i = 0; i < 3000; i++) {
      deps[`s${i}`] = i > 0 ? [`s${i - 1}`] : [];
      lists[`s${i}`] = targets;
    }
    const text = await multiwaycutDot(multiwaycutGraph({ services: servicesOf(deps), distribution: distributionOf(lists) }));
    expect(text.split(' -- ').length - 1).toBe(3000 * 20 + 2999);
  }, 120_000);
});

describe('resolved multiwaycut picture', () => {
  it('fills services with their host colour, draws cut edges red and counts them as the planner does', async () => {
    const deps = { a: ['b'], b: ['c'], c: [], d: ['a', 'c'] };
    const graph = multiwaycutGraph({ services: servicesOf(deps), distribution: distributionOf({ a: ['t1'], b: ['t1', 't2'], c: ['t2'], d: ['t3'] }) });
    const { assignment, stats } = solveMultiwaycut(graph);
    const text = await multiwaycutDot(resolvedGraph(graph, assignment));
    const count = /links across machines: (\d+) of (\d+)/.exec(text);
    expect(count?.[1]).toBe(String(stats.links));
    expect(count?.[2]).toBe('4');
    expect(stats.links).toBeGreaterThan(0);
    expect(text.match(/\n\s+color = "#C00000"/g)).toHaveLength(stats.links);
    for (const [, fill, font] of text.matchAll(/fillcolor = "(#[0-9A-F]{6})";\n\s*fontcolor = "(#[0-9A-F]{6})"/g)) {
      expect(contrastRatio(fill!, font!)).toBeGreaterThanOrEqual(4.5);
    }
    expect(text).toContain(`"app:d" [\n    label = "d";\n    fillcolor = "${hostColours(['t1', 't2', 't3']).get('t3')}"`);
    const png = execFileSync('dot', ['-Tpng'], { input: text, stdio: ['pipe', 'pipe', 'pipe'] });
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    const dir = join(process.cwd(), 'test-artifacts');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'multiwaycut-resolved.png'), png);
  });
});
