/**
 * DOT of the problem graphs (reference §4.3), built with ts-graphviz (imported on demand). Nodes and
 * edges in sorted order; each edge printed once, from its byte-wise smaller endpoint.
 */
import type { Attributes } from 'graphology-types';
import type { MultiUndirectedGraph } from 'graphology';
import type { EdgeAttributesObject, NodeAttributesObject, NodeModel, RootGraphModel } from 'ts-graphviz';
import { compareNames } from '../../model/value.js';
import { CANDIDATE_COLOUR, CUT_COLOUR, hostColour, textColourOn } from '../../util/palette.js';
import type { AppHostGraph } from './instance.js';
import type { ColourGraph } from './graphcol.js';

/** The label of a candidate (app–host) edge: n², as the original writes it. */
export const CANDIDATE_LABEL = 'n&#178;';

interface SortedEdge<E> {
  from: string;
  to: string;
  attributes: E;
  order: number;
}

function sortedEdges<N extends Attributes, E extends Attributes, G extends Attributes>(graph: MultiUndirectedGraph<N, E, G>): SortedEdge<E>[] {
  const edges: SortedEdge<E>[] = [];
  graph.forEachEdge((_key, attributes, source, target) => {
    const [from, to] = compareNames(source, target) <= 0 ? [source, target] : [target, source];
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

/**
 * multiwaycut: app nodes, host nodes, then edges labelled `1` (dependency) or `n&#178;` (candidate).
 * Hosts are boxes in their palette colour; a placed service is filled with its host's colour,
 * candidate edges are light, and a dependency between services on different hosts (a cut edge) is
 * bold red and counted in the graph label.
 */
export async function multiwaycutDot(graph: AppHostGraph): Promise<string> {
  const { Graph } = await import('ts-graphviz');
  const dot = new Graph();
  const keys = graph.nodes();
  const apps = keys.filter((key) => graph.getNodeAttribute(key, 'kind') === 'app').sort(compareNames);
  const hosts = keys.filter((key) => graph.getNodeAttribute(key, 'kind') === 'host').sort(compareNames);
  const placed = placedApps(graph);
  const nodes = new Map<string, NodeModel>();
  const filled = (fill: string): NodeAttributesObject => ({ style: 'filled', fillcolor: fill as NodeAttributesObject['fillcolor'], fontcolor: textColourOn(fill) as NodeAttributesObject['fontcolor'] });
  for (const key of apps) {
    const host = placed.get(key);
    nodes.set(key, dot.node(key, { label: key, ...(host ? filled(hostColour(host)) : {}) }));
  }
  for (const key of hosts) nodes.set(key, dot.node(key, { label: key, shape: 'box' as const, penwidth: 2, ...filled(hostColour(key)) }));
  let links = 0;
  let cut = 0;
  for (const edge of sortedEdges(graph)) {
    const candidate = edge.attributes.kind === 'candidate';
    const weight = candidate ? CANDIDATE_LABEL : '1';
    const [from, to] = [placed.get(edge.from), placed.get(edge.to)];
    const crosses = !candidate && from !== undefined && to !== undefined && from !== to;
    if (!candidate) links++;
    if (crosses) cut++;
    const style: EdgeAttributesObject = candidate ? { color: CANDIDATE_COLOUR, fontcolor: '#555555' } : crosses ? { color: CUT_COLOUR, penwidth: 3, style: 'bold', fontcolor: CUT_COLOUR } : {};
    // The original writes the label as the weight too; Graphviz reads a non-numeric weight as the default.
    dot.edge([nodes.get(edge.from)!, nodes.get(edge.to)!], { label: weight, weight: weight as unknown as number, ...style });
  }
  if (placed.size === apps.length && apps.length > 0) dot.set('label', cutLabel(cut, links));
  return print(dot);
}

/** The graph label of a placed graph; tests read the count back from it. */
export function cutLabel(cut: number, links: number): string {
  return `links across machines: ${cut} of ${links}`;
}

/** graphcol: record nodes, uncoloured ones first, coloured ones labelled `<f0> s|<f1> colourIndex`. */
export async function graphcolDot(graph: ColourGraph): Promise<string> {
  const { Graph } = await import('ts-graphviz');
  const dot = new Graph();
  dot.attributes.node.set('shape', 'Mrecord');
  const names = graph.nodes().sort(compareNames);
  const colourOf = (name: string): number | undefined => {
    const colour = graph.getNodeAttribute(name, 'colour');
    return colour === undefined || colour < 0 ? undefined : colour;
  };
  const nodes = new Map<string, NodeModel>();
  for (const name of names) if (colourOf(name) === undefined) nodes.set(name, dot.node(name, { label: name }));
  for (const name of names) {
    const colour = colourOf(name);
    if (colour !== undefined) nodes.set(name, dot.node(name, { label: `<f0> ${name}|<f1> ${colour}` }));
  }
  for (const edge of sortedEdges(graph)) dot.edge([nodes.get(edge.from)!, nodes.get(edge.to)!]);
  return print(dot);
}
