import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fromDot } from 'ts-graphviz';
import { describe, expect, it } from 'vitest';
import { infrastructureFromRaw, servicesFromRaw } from '../model/schemas.js';
import { containersLabel, dotId, labelText } from './dot.js';
import { deploymentDot, mappingsOfDistribution } from './deployment.js';
import { infrastructureDot } from './infra-dot.js';
import { groupPageLink, servicesDot } from './services-dot.js';

/** dot must accept the graph; returns the SVG. */
function svgOf(dot: string): string {
  return execFileSync('dot', ['-Tsvg'], { input: dot, encoding: 'utf8' });
}

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../../fixtures/visualize/${name}`, import.meta.url), 'utf8')) as unknown;

describe('escaping', () => {
  it('escapes identifiers completely (ts-graphviz leaves backslashes alone)', () => {
    expect(dotId('a"b')).toBe('a\\"b');
    expect(dotId('a\\')).toBe('a\\\\');
  });
  it('keeps label text literal: entities for & < >, backslash escapes', () => {
    expect(labelText('<a>&"\\')).toBe('&lt;a&gt;&amp;\\"\\\\');
  });
  it('formats provided containers like the original', () => {
    expect(containersLabel([], false)).toBe('');
    expect(containersLabel(['c'], true)).toBe(' &#8594;\nc');
    expect(containersLabel(['a', 'b'], false)).toBe('\n &#8594; { a\n, b\n}');
  });
});

describe('groupPageLink', () => {
  it('links from one group page folder to another', () => {
    expect(groupPageLink('', 'services')).toBe('services/index.html');
    expect(groupPageLink('services', 'services/logging')).toBe('logging/index.html');
    expect(groupPageLink('services/logging', 'services/reporting')).toBe('../reporting/index.html');
    expect(groupPageLink('a/b/c', 'x')).toBe('../../../x/index.html');
  });
});

describe('services DOT', () => {
  const services = servicesFromRaw(fixture('services.json'), 'services.json');

  it('is valid DOT with deterministic output', async () => {
    const dot = await servicesDot(services, 'services', true);
    expect(await servicesDot(services, 'services', true)).toBe(dot);
    expect(svgOf(dot)).toContain('<svg');
  });

  it('labels carry the type and provided containers (B7), with peripheries=2', async () => {
    const graph = fromDot(await servicesDot(services, '', false));
    const attrs = (id: string) => graph.getNode(id)!.attributes;
    expect(attrs('dbserver').get('label')).toBe('dbserver\\n &#8594; { mysql-database\\n, postgresql-database\\n}\\n(process)');
    expect(String(attrs('dbserver').get('peripheries'))).toBe('2');
    expect(attrs('reportexporter').get('label')).toBe('reportexporter &#8594;\\ncsv-files\\n(process)');
    expect(attrs('portal').get('peripheries')).toBeUndefined();
    expect(attrs('portal').get('label')).toBe('portal\\n(tomcat-webapplication)');
  });

  it('group nodes are dashed and have no type', async () => {
    const graph = fromDot(await servicesDot(services, '', true));
    expect(graph.getNode('services')!.attributes.get('style')).toBe('dashed');
    expect(graph.getNode('services')!.attributes.get('label')).toBe('services');
  });

  it('survives hostile text in types, containers and property values', async () => {
    const hostile = servicesFromRaw(
      {
        a: { name: 'a', type: 'x"y\\z<b>&amp;{|}', providesContainer: '<c>"\\', dependsOn: ['b'], weird: [{ k: [1, 2] }, 'x'] },
        b: { name: 'b', type: '<html-like>', providesContainers: { 'q"1': {}, '\\': { deep: { deeper: [true] } } }, group: 'g.1/h-2' },
      },
      'inline',
    );
    for (const collapse of [true, false]) {
      const svg = svgOf(await servicesDot(hostile, '', collapse));
      if (!collapse) {
        expect(svg).toContain('x&quot;y\\z&lt;b&gt;&amp;amp;{|}');
        expect(svg).toContain('&lt;html&#45;like&gt;');
      }
    }
  });
});

describe('infrastructure DOT', () => {
  it('quotes cluster ids so names with - and . are valid', async () => {
    const infrastructure = infrastructureFromRaw(fixture('infrastructure.json'), 'infrastructure.json');
    const dot = await infrastructureDot(infrastructure);
    svgOf(dot);
    const graph = fromDot(dot);
    expect(graph.subgraphs.map((s) => s.id)).toEqual(['cluster_target_build.local', 'cluster_target_db-2.example.org', 'cluster_target_web-1.example.org']);
    const inner = graph.subgraphs[1]!.subgraphs[0]!;
    expect(inner.id).toBe('cluster_container_db-2.example.org');
    expect(inner.nodes.map((n) => n.id)).toEqual(['db-2.example.org:mysql-database', 'db-2.example.org:process']);
    expect(graph.subgraphs[0]!.subgraphs[0]!.nodes.map((n) => [n.id, n.attributes.get('label')])).toEqual([['build.local:', '(no defined containers)']]);
  });

  it('escapes record syntax in container names', async () => {
    const infrastructure = infrastructureFromRaw({ t: { properties: {}, containers: { 'a{b}|c <d>': {}, 'x y': {} } } }, 'inline');
    const svg = svgOf(await infrastructureDot(infrastructure));
    expect(svg).toContain('a{b}|c &lt;d&gt;');
  });
});

describe('deployment DOT', () => {
  const services = servicesFromRaw(fixture('services.json'), 'services.json');
  const infrastructure = infrastructureFromRaw(fixture('infrastructure.json'), 'infrastructure.json');
  const distribution = {
    portal: [{ target: 'web-1.example.org' }],
    portaldb: [{ target: 'db-2.example.org', container: 'mysql-database' }],
    loggingapi: [{ target: 'web-1.example.org' }, { target: 'db-2.example.org' }],
    dbserver: [{ target: 'db-2.example.org', container: 'process' }],
  };
  const architecture = { services, infrastructure, mappings: mappingsOfDistribution(services, distribution) };

  it('uses the type as the default container', () => {
    expect(architecture.mappings).toEqual([
      { service: 'dbserver', target: 'db-2.example.org', container: 'process' },
      { service: 'loggingapi', target: 'web-1.example.org', container: 'tomcat-webapplication' },
      { service: 'loggingapi', target: 'db-2.example.org', container: 'tomcat-webapplication' },
      { service: 'portal', target: 'web-1.example.org', container: 'tomcat-webapplication' },
      { service: 'portaldb', target: 'db-2.example.org', container: 'mysql-database' },
    ]);
  });

  it('clusters per target and container, edges to every instance of a dependency', async () => {
    const dot = await deploymentDot(architecture, { containers: true });
    svgOf(dot);
    const graph = fromDot(dot);
    const clusters = graph.subgraphs.map((s) => [s.get('label'), s.subgraphs.map((c) => [c.get('label'), c.nodes.map((n) => n.id)])]);
    expect(clusters).toEqual([
      ['build.local', []],
      [
        'db-2.example.org\\n(db2.internal)',
        [
          ['mysql-database', ['portaldb:db-2.example.org:mysql-database']],
          ['process', ['dbserver:db-2.example.org:process']],
          ['tomcat-webapplication', ['loggingapi:db-2.example.org:tomcat-webapplication']],
        ],
      ],
      ['web-1.example.org', [['tomcat-webapplication', ['loggingapi:web-1.example.org:tomcat-webapplication', 'portal:web-1.example.org:tomcat-webapplication']]]],
    ]);
    expect(graph.subgraphs[0]!.nodes.map((n) => n.attributes.get('label'))).toEqual(['(no services)']);
    expect(graph.edges.map((e) => `${e.targets.map((t) => (t as { id: string }).id).join(' -> ')}${e.attributes.get('style') === 'dashed' ? ' (dashed)' : ''}`)).toEqual([
      'portal:web-1.example.org:tomcat-webapplication -> portaldb:db-2.example.org:mysql-database',
      'portal:web-1.example.org:tomcat-webapplication -> loggingapi:db-2.example.org:tomcat-webapplication',
      'portal:web-1.example.org:tomcat-webapplication -> loggingapi:web-1.example.org:tomcat-webapplication',
    ]);
  });

  it('--no-containers puts the nodes straight into the target clusters', async () => {
    const dot = await deploymentDot(architecture, { containers: false });
    svgOf(dot);
    const graph = fromDot(dot);
    expect(graph.subgraphs.every((s) => s.subgraphs.length === 0)).toBe(true);
    expect(graph.subgraphs[1]!.nodes.map((n) => n.id)).toEqual([
      'portaldb:db-2.example.org:mysql-database',
      'dbserver:db-2.example.org:process',
      'loggingapi:db-2.example.org:tomcat-webapplication',
    ]);
    expect(String(graph.getSubgraph('cluster_1')!.nodes.find((n) => n.id.startsWith('dbserver'))!.attributes.get('peripheries'))).toBe('2');
  });
});
