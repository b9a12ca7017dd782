import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { servicesFromRaw } from '../model/schemas.js';
import type { Services } from '../model/types.js';
import { allGroups, buildServiceGraph, collapsedInto, collapsedPath, groupTokens, nodeIds, sortedNodes, type ServiceGraph } from './graph.js';

const fixtureFile = new URL('../../fixtures/visualize/services.json', import.meta.url);
const services: Services = servicesFromRaw(JSON.parse(readFileSync(fixtureFile, 'utf8')), 'services.json');

/** Node names and edges (`a -> b`, `a ..> b` for connectsTo) of a graph. */
function shape(graph: ServiceGraph): { nodes: string[]; edges: string[] } {
  const ids = nodeIds(graph);
  const edges: string[] = [];
  for (const node of sortedNodes(graph)) {
    const from = ids.get(node.isGroup ? `g:${node.name}` : `s:${node.name}`)!;
    for (const ref of node.dependsOn) edges.push(`${from} -> ${ids.get(ref)}`);
    for (const ref of node.connectsTo) edges.push(`${from} ..> ${ids.get(ref)}`);
  }
  return { nodes: sortedNodes(graph).map((n) => (n.isGroup ? `[${n.name}]` : n.name)), edges };
}

describe('group paths', () => {
  it('splits groups into tokens, the root being empty', () => {
    expect(groupTokens('')).toEqual([]);
    expect(groupTokens('a/b')).toEqual(['a', 'b']);
  });
  it('finds the group node a service collapses into', () => {
    expect(collapsedInto('', [])).toBeUndefined();
    expect(collapsedInto('services', [])).toBe('services');
    expect(collapsedInto('services/logging', ['services'])).toBe('logging');
    expect(collapsedInto('services', ['services', 'logging'])).toBeUndefined();
    expect(collapsedInto('services/reporting', ['services', 'logging'])).toBe('reporting');
    expect(collapsedInto('other/x', ['services'])).toBe('other');
  });
  it('knows the full path of a group node', () => {
    expect(collapsedPath('', [])).toBeUndefined();
    expect(collapsedPath('services/logging', [])).toBe('services');
    expect(collapsedPath('services/logging/x', ['services'])).toBe('services/logging');
    expect(collapsedPath('services/reporting', ['services', 'logging'])).toBe('services/reporting');
    expect(collapsedPath('services', ['services', 'logging'])).toBeUndefined();
    const graph = buildServiceGraph(services, 'services/logging', { context: true, collapse: true });
    expect(graph.groups.get('reporting')!.groupPath).toBe('services/reporting');
  });
  it('lists every group with a page, ancestors included', () => {
    expect(allGroups(services)).toEqual([
      '',
      'services',
      'services/logging',
      'services/reporting',
      'services/reporting/exporters',
      'services/reporting/exporters/csv',
    ]);
  });
});

describe('buildServiceGraph (reference §4.1)', () => {
  it('root, collapsed: the original example plus connectsTo', () => {
    expect(shape(buildServiceGraph(services, '', { context: true, collapse: true }))).toEqual({
      nodes: ['portal', 'portaldb', '[services]'],
      edges: ['portal -> portaldb', 'portal -> services', 'portal ..> services', 'services ..> portaldb'],
    });
  });

  it('root, not collapsed: every service with its own edges', () => {
    const { nodes, edges } = shape(buildServiceGraph(services, '', { context: true, collapse: false }));
    expect(nodes).toEqual(['dbserver', 'errordb', 'loggingapi', 'loggingdb', 'portal', 'portaldb', 'reportexporter', 'reportingapi', 'reportingdb']);
    expect(edges).toEqual([
      'loggingapi -> loggingdb',
      'loggingapi -> errordb',
      'portal -> portaldb',
      'portal -> loggingapi',
      'portal ..> reportingapi',
      'reportexporter -> reportingdb',
      'reportingapi -> reportingdb',
      'reportingapi -> loggingapi',
      'reportingapi ..> portaldb',
    ]);
  });

  it('services group, collapsed: context dependencies and dependants, subgroups as nodes', () => {
    expect(shape(buildServiceGraph(services, 'services', { context: true, collapse: true }))).toEqual({
      nodes: ['dbserver', 'errordb', '[logging]', 'portal', 'portaldb', '[reporting]'],
      edges: ['logging -> errordb', 'portal -> portaldb', 'portal -> logging', 'portal ..> reporting', 'reporting -> logging', 'reporting ..> portaldb'],
    });
  });

  it('services/logging: context B keeps only edges into the visible set', () => {
    expect(shape(buildServiceGraph(services, 'services/logging', { context: true, collapse: true }))).toEqual({
      nodes: ['errordb', 'loggingapi', 'loggingdb', 'portal', '[reporting]'],
      edges: ['loggingapi -> loggingdb', 'loggingapi -> errordb', 'portal -> loggingapi', 'portal ..> reporting', 'reporting -> loggingapi'],
    });
  });

  it('services/logging without collapsing shows the context services themselves', () => {
    expect(shape(buildServiceGraph(services, 'services/logging', { context: true, collapse: false }))).toEqual({
      nodes: ['errordb', 'loggingapi', 'loggingdb', 'portal', 'reportingapi'],
      edges: ['loggingapi -> loggingdb', 'loggingapi -> errordb', 'portal -> loggingapi', 'portal ..> reportingapi', 'reportingapi -> loggingapi'],
    });
  });

  it('a group without services of its own', () => {
    expect(shape(buildServiceGraph(services, 'services/reporting/exporters', { context: true, collapse: true }))).toEqual({
      nodes: ['[csv]', 'reportingdb'],
      edges: ['csv -> reportingdb'],
    });
  });

  it('documentation graphs have no context', () => {
    expect(shape(buildServiceGraph(services, 'services', { context: false, collapse: true })).nodes).toEqual(['dbserver', 'errordb', '[logging]', '[reporting]']);
  });

  it('a service in both contexts keeps its dependency-free form', () => {
    const model = servicesFromRaw(
      {
        a: { name: 'a', group: 'g', dependsOn: ['b'] },
        b: { name: 'b', dependsOn: ['c'] },
        c: { name: 'c', group: 'g' },
      },
      'inline',
    );
    expect(shape(buildServiceGraph(model, 'g', { context: true, collapse: false }))).toEqual({ nodes: ['a', 'b', 'c'], edges: ['a -> b'] });
  });

  it('a group node named like a service gets its own id', () => {
    const model = servicesFromRaw({ x: { name: 'x', dependsOn: ['y'] }, y: { name: 'y', group: 'x' } }, 'inline');
    expect(shape(buildServiceGraph(model, '', { context: true, collapse: true }))).toEqual({ nodes: ['x', '[x]'], edges: ['x -> x (group)'] });
  });
});
