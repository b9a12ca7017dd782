/** `dydisnix-visualize-services` DOT (reference §4.1), built with ts-graphviz. */
import type { NodeModel } from 'ts-graphviz';
import type { Services } from '../model/types.js';
import { containersLabel, dotId, labelText, loadGraphviz, printDot } from './dot.js';
import { buildServiceGraph, containerNames, groupRef, groupTokens, nodeIds, serviceRef, sortedNodes, type ServiceGraph } from './graph.js';

export interface ServiceDotOptions {
  /**
   * Give group nodes a `URL` to their catalogue page (`<group>/index.html`, relative to the diagram's
   * folder), so that the rendered SVG of a batch diagram is clickable.
   */
  links?: boolean;
}

export async function serviceGraphDot(graph: ServiceGraph, options: ServiceDotOptions = {}): Promise<string> {
  const { Digraph } = await loadGraphviz();
  const g = new Digraph('G');
  g.attributes.node.apply({ style: 'filled', fillcolor: 'white', color: 'black' });
  const ids = nodeIds(graph);
  const nodes = sortedNodes(graph);
  const models = new Map<string, NodeModel>();
  for (const node of nodes) {
    const ref = node.isGroup ? groupRef(node.name) : serviceRef(node.name);
    const id = dotId(ids.get(ref)!);
    if (node.isGroup) {
      const attributes = { label: labelText(node.name), style: 'dashed' } as const;
      models.set(ref, g.node(id, options.links ? { ...attributes, URL: dotId(groupPageLink(graph.group, node.groupPath!)) } : attributes));
      continue;
    }
    const service = node.service!;
    const { names, single } = containerNames(service);
    const type = service.type !== undefined ? `\n(${labelText(service.type)})` : '';
    const label = `${labelText(node.name)}${containersLabel(names, single)}${type}`;
    models.set(ref, g.node(id, names.length > 0 ? { label, peripheries: 2 } : { label }));
  }
  for (const node of nodes) {
    const from = models.get(node.isGroup ? groupRef(node.name) : serviceRef(node.name))!;
    for (const ref of node.dependsOn) g.edge([from, models.get(ref)!]);
    for (const ref of node.connectsTo) g.edge([from, models.get(ref)!], { style: 'dashed' });
  }
  return printDot(g);
}

/** The page of `target` relative to the folder of the page of `from` (both group paths). */
export function groupPageLink(from: string, target: string): string {
  const source = groupTokens(from);
  const destination = groupTokens(target);
  let common = 0;
  while (common < source.length && common < destination.length && source[common] === destination[common]) common++;
  const up = '../'.repeat(source.length - common);
  return `${up}${destination.slice(common).map(encodeURIComponent).join('/')}/index.html`;
}

export async function servicesDot(services: Services, group: string, collapse: boolean): Promise<string> {
  return serviceGraphDot(buildServiceGraph(services, group, { context: true, collapse }));
}
