/**
 * DOT pictures of the planners' problem graphs and their solutions (docs/graph.md, "Pictures"), built
 * with ts-graphviz (imported on demand).
 *
 * What a reader should see at a glance: services as rounded boxes, machines as 3-D boxes in their
 * palette colour (src/util/palette.ts) on the bottom row; a placed service filled with its machine's
 * colour (text black or white, whichever contrasts more); candidate edges light and without weight
 * (they do not pull the layout); dependency edges drawn from the dependent service down to its
 * dependency, so the layout is layered instead of one wide row; dependencies between services on
 * different machines (cut edges) bold red and counted in the graph label.
 *
 * Deterministic: nodes in sorted order, edges sorted by their (oriented) ends, then model order.
 */
import type { Attributes } from 'graphology-types';
import type { MultiUndirectedGraph } from 'graphology';
import type { EdgeAttributesObject, GraphBaseModel, NodeAttributesObject, NodeModel, RootGraphModel } from 'ts-graphviz';
import { compareNames } from '../../model/value.js';
import { legendLabel, type LegendRow } from '../../util/legend.js';
import { CANDIDATE_COLOUR, CUT_COLOUR, hostColours, textColourOn } from '../../util/palette.js';
import type { AppHostGraph } from './instance.js';
import type { ColourGraph } from './graphcol.js';

interface OrientedEdge<E> {
  from: string;
  to: string;
  attributes: E;
  order: number;
}

/** Edges in the orientation `orient` gives them, sorted by their ends, then model order. */
function orientedEdges<N extends Attributes, E extends Attributes, G extends Attributes>(
  graph: MultiUndirectedGraph<N, E, G>,
  orient: (source: string, target: string, attributes: E) => [string, string],
): OrientedEdge<E>[] {
  const edges: OrientedEdge<E>[] = [];
  graph.forEachEdge((_key, attributes, source, target) => {
    const [from, to] = orient(source, target, attributes);
    edges.push({ from, to, attributes, order: edges.length });
  });
  return edges.sort((a, b) => compareNames(a.from, b.from) || compareNames(a.to, b.to) || a.order - b.order);
}

/**
 * Print a model. ts-graphviz refuses graphs of more than 100k AST nodes by default, which a problem
 * graph of a few thousand services with many candidates passes easily, so the limit is lifted.
 */
async function print(dot: RootGraphModel): Promise<string> {
  const { toDot } = await import('ts-graphviz');
  return `${toDot(dot, { convert: { maxASTNodes: 0 } })}\n`;
}

type Fill = Pick<NodeAttributesObject, 'fillcolor' | 'fontcolor'>;
const filled = (fill: string): Fill => ({ fillcolor: fill as Fill['fillcolor'], fontcolor: textColourOn(fill) as Fill['fontcolor'] });

/** Above this many nodes the pictures use sfdp (multilevel, near-linear) instead of neato (quadratic). */
const NEATO_LIMIT = 400;

/**
 * A new undirected picture with the shared look: rounded white service boxes, edges under nodes.
 * Force-directed layout (neato; sfdp for big graphs) with overlap removal and splines routed around
 * the nodes: machines are hubs of their candidate services, so a layered `dot` layout stretches the
 * picture into one very wide row (a problem graph of 30 services was 4699×523 px); this keeps it
 * roughly square.
 */
async function newPicture(nodeCount: number): Promise<RootGraphModel> {
  const { Graph } = await import('ts-graphviz');
  const dot = new Graph();
  dot.apply({
    layout: nodeCount > NEATO_LIMIT ? 'sfdp' : 'neato',
    overlap: 'false',
    sep: '+8',
    splines: 'true',
    fontname: 'Helvetica',
    labelloc: 't',
    fontsize: 16,
    outputorder: 'edgesfirst',
  });
  dot.attributes.node.apply({ fontname: 'Helvetica', shape: 'box', style: 'rounded,filled', fillcolor: 'white', fontcolor: 'black', color: '#333333' });
  dot.attributes.edge.apply({ color: '#333333' });
  return dot;
}

/** The machines as 3-D boxes (a shape no service has), in their colour; unused ones dashed and white. */
function machineNodes(dot: GraphBaseModel, hosts: { id: string; label: string; fill?: string; unused?: boolean }[]): Map<string, NodeModel> {
  const nodes = new Map<string, NodeModel>();
  for (const host of hosts) {
    const look: NodeAttributesObject = host.fill
      ? { style: 'filled', penwidth: 2, ...filled(host.fill) }
      : { style: host.unused ? 'filled,dashed' : 'filled', fillcolor: 'white', fontcolor: 'black' };
    nodes.set(host.id, dot.node(host.id, { label: host.label, shape: 'box3d', ...look }));
  }
  return nodes;
}

/** Legend rows of the edges of an application/host picture. */
function edgeLegend(resolved: boolean, dependencies: boolean): LegendRow[] {
  const rows: LegendRow[] = [{ sample: { line: '———', colour: CANDIDATE_COLOUR }, meaning: resolved ? 'service on its machine (3-D box)' : 'candidate machine (3-D box)' }];
  if (!dependencies) return rows;
  rows.push({ sample: { line: '———', colour: '#333333' }, meaning: resolved ? 'dependency on the same machine' : 'dependency' });
  if (resolved) rows.push({ sample: { line: '━━━', colour: CUT_COLOUR, bold: true }, meaning: 'dependency across machines (cut edge)' });
  return rows;
}

/** The host of every app that has exactly one candidate edge left (all of them in a resolved graph). */
function placedApps(graph: AppHostGraph): Map<string, string> {
  const hosts = new Map<string, string[]>();
  graph.forEachEdge((_key, attributes, source, target, sourceAttributes) => {
    if (attributes.kind !== 'candidate') return;
    const [app, host] = sourceAttributes.kind === 'app' ? [source, target] : [target, source];
    hosts.set(app, [...(hosts.get(app) ?? []), host]);
  });
  const placed = new Map<string, string>();
  for (const [app, list] of hosts) if (list.length === 1) placed.set(app, list[0]!);
  return placed;
}

interface AppHostPicture {
  /** The host node's label (multiwaycut: the name; minsetcover: name and cost). */
  hostLabel: (key: string) => string;
  /** The graph label once every app is placed, given the cut count, the dependency count and the hosts used. */
  summary: (cut: number, links: number, used: Set<string>) => string;
  title: string;
}

/** The picture of an application/host graph (multiwaycut, minsetcover). */
async function appHostDot(graph: AppHostGraph, picture: AppHostPicture): Promise<string> {
  const dot = await newPicture(graph.order);
  const keys = graph.nodes();
  const apps = keys.filter((key) => graph.getNodeAttribute(key, 'kind') === 'app').sort(compareNames);
  const hosts = keys.filter((key) => graph.getNodeAttribute(key, 'kind') === 'host').sort(compareNames);
  const placed = placedApps(graph);
  const resolved = apps.length > 0 && placed.size === apps.length;
  const colours = hostColours(hosts.map((key) => graph.getNodeAttribute(key, 'name')));
  const colourOf = (hostKey: string) => colours.get(graph.getNodeAttribute(hostKey, 'name'))!;
  const used = new Set(placed.values());

  const nodes = new Map<string, NodeModel>();
  for (const key of apps) {
    const host = placed.get(key);
    nodes.set(key, dot.node(key, { label: graph.getNodeAttribute(key, 'name'), ...(host ? filled(colourOf(host)) : {}) }));
  }
  const row = machineNodes(
    dot,
    hosts.map((key) => ({
      id: key,
      label: picture.hostLabel(key),
      ...(resolved && !used.has(key) ? { unused: true } : { fill: colourOf(key) }),
    })),
  );
  for (const [key, node] of row) nodes.set(key, node);

  let links = 0;
  let cut = 0;
  // Dependencies from the dependent service (the edge's source) down; candidate edges app → host.
  const edges = orientedEdges(graph, (source, target, attributes) =>
    attributes.kind === 'candidate' && graph.getNodeAttribute(source, 'kind') === 'host' ? [target, source] : [source, target],
  );
  for (const edge of edges) {
    let style: EdgeAttributesObject;
    if (edge.attributes.kind === 'candidate') {
      style = { color: CANDIDATE_COLOUR };
    } else {
      links++;
      const [from, to] = [placed.get(edge.from), placed.get(edge.to)];
      const crosses = from !== undefined && to !== undefined && from !== to;
      if (crosses) cut++;
      style = crosses ? { color: CUT_COLOUR, penwidth: 3 } : {};
    }
    dot.edge([nodes.get(edge.from)!, nodes.get(edge.to)!], style);
  }
  dot.set('label', legendLabel(resolved ? [picture.title, picture.summary(cut, links, used)] : [picture.title], edgeLegend(resolved, links > 0)));
  return print(dot);
}

/** The graph label of a placed multiwaycut graph; tests read the count back from it. */
export function cutLabel(cut: number, links: number): string {
  return `links across machines: ${cut} of ${links}`;
}

/**
 * multiwaycut: the problem graph (services, their candidate machines, dependencies) or, resolved,
 * each service on its machine with the cut edges red and counted: the number the planner minimises.
 */
export async function multiwaycutDot(graph: AppHostGraph): Promise<string> {
  return appHostDot(graph, {
    title: 'multiwaycut: services and their candidate machines',
    hostLabel: (key) => graph.getNodeAttribute(key, 'name'),
    summary: (cut, links) => cutLabel(cut, links),
  });
}

/** minsetcover: machines labelled with their cost; resolved, the machines used and their total cost. */
export async function minsetcoverDot(graph: AppHostGraph): Promise<string> {
  const cost = (key: string) => graph.getNodeAttribute(key, 'cost') ?? 0;
  return appHostDot(graph, {
    title: 'minsetcover: services and their candidate machines',
    hostLabel: (key) => `${graph.getNodeAttribute(key, 'name')}\ncost ${cost(key)}`,
    summary: (_cut, _links, used) => {
      const total = [...used].reduce((sum, key) => sum + cost(key), 0);
      return `machines used: ${used.size} of ${graph.nodes().filter((key) => graph.getNodeAttribute(key, 'kind') === 'host').length}, total cost ${total}`;
    },
  });
}

/**
 * graphcol: services as record nodes `name|machine` once coloured, filled with that machine's colour,
 * edges from a service down to its dependencies (multi-edges kept), and the machines (the colours)
 * on the bottom row. Every dependency crosses machines by construction, so the label counts the
 * machines used instead.
 */
export async function graphcolDot(graph: ColourGraph): Promise<string> {
  const dot = await newPicture(graph.order);
  dot.attributes.node.set('shape', 'Mrecord');
  dot.attributes.node.set('style', 'filled');
  const targets = graph.getAttribute('targets');
  const colours = hostColours(targets);
  const names = graph.nodes().sort(compareNames);
  const targetOf = (name: string): string | undefined => {
    const colour = graph.getNodeAttribute(name, 'colour');
    return colour === undefined || colour < 0 ? undefined : targets[colour];
  };
  const resolved = names.length > 0 && names.every((name) => targetOf(name) !== undefined);
  const nodes = new Map<string, NodeModel>();
  for (const name of names) {
    const target = targetOf(name);
    nodes.set(name, dot.node(name, target === undefined ? { label: name } : { label: `<f0> ${name}|<f1> ${target}`, ...filled(colours.get(target)!) }));
  }
  for (const edge of orientedEdges(graph, (source, target) => [source, target])) dot.edge([nodes.get(edge.from)!, nodes.get(edge.to)!]);
  const used = new Set(names.map(targetOf).filter((t): t is string => t !== undefined));
  // The machines are the colours: the legend names each with its colour.
  const machines: LegendRow[] = targets.map((target) =>
    resolved && !used.has(target) ? { sample: { fill: '#FFFFFF', text: target, dashed: true }, meaning: 'not used' } : { sample: { fill: colours.get(target)!, text: target }, meaning: resolved ? 'machine' : 'available machine' },
  );
  const title = resolved
    ? ['graphcol: every dependency across machines', `machines used: ${used.size} of ${targets.length}`]
    : [`graphcol: dependencies to be put across machines (${targets.length} available)`];
  dot.set('label', legendLabel(title, machines));
  return print(dot);
}
