/**
 * DOT of the problem graphs (reference §4.3), built with ts-graphviz (imported on demand). Nodes and
 * edges in sorted order; each edge printed once, from its byte-wise smaller endpoint.
 */
import type { Attributes } from 'graphology-types';
import type { MultiUndirectedGraph } from 'graphology';
import type { NodeModel, RootGraphModel } from 'ts-graphviz';
import { compareNames } from '../../model/value.js';
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

/** multiwaycut: app nodes, host nodes, then edges labelled `1` (dependency) or `n&#178;` (candidate). */
export async function multiwaycutDot(graph: AppHostGraph): Promise<string> {
  const { Graph } = await import('ts-graphviz');
  const dot = new Graph();
  const keys = graph.nodes();
  const apps = keys.filter((key) => graph.getNodeAttribute(key, 'kind') === 'app').sort(compareNames);
  const hosts = keys.filter((key) => graph.getNodeAttribute(key, 'kind') === 'host').sort(compareNames);
  const nodes = new Map<string, NodeModel>();
  for (const key of [...apps, ...hosts]) nodes.set(key, dot.node(key, { label: key }));
  for (const edge of sortedEdges(graph)) {
    const weight = edge.attributes.kind === 'candidate' ? CANDIDATE_LABEL : '1';
    // The original writes the label as the weight too; Graphviz reads a non-numeric weight as the default.
    dot.edge([nodes.get(edge.from)!, nodes.get(edge.to)!], { label: weight, weight: weight as unknown as number });
  }
  return print(dot);
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
