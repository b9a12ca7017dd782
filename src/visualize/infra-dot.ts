/**
 * `dydisnix-visualize-infra` DOT (reference §4.2): a cluster per target holding a cluster of its
 * containers. Unlike the original, every identifier is quoted, so target names with `-` or `.` work.
 */
import type { Infrastructure } from '../model/types.js';
import { sortedKeys } from '../model/value.js';
import { dotId, labelText, loadGraphviz, printDot } from './dot.js';

export async function infrastructureDot(infrastructure: Infrastructure): Promise<string> {
  const { Digraph } = await loadGraphviz();
  const g = new Digraph('G');
  for (const name of sortedKeys(infrastructure)) {
    const target = infrastructure[name]!;
    const cluster = g.subgraph(dotId(`cluster_target_${name}`), { style: 'filled', label: labelText(name), fillcolor: 'grey' });
    const inner = cluster.subgraph(dotId(`cluster_container_${name}`), { style: 'filled', label: 'containers', fillcolor: 'grey40' });
    inner.attributes.node.apply({ shape: 'record', style: 'filled', color: 'black', fillcolor: 'white' });
    const containers = sortedKeys(target.containers);
    if (containers.length === 0) inner.node(dotId(`${name}:`), { label: '(no defined containers)' });
    // Record labels treat {}|<> as structure: escape them so container names print as they are.
    for (const container of containers) inner.node(dotId(`${name}:${container}`), { label: recordText(container) });
  }
  return printDot(g);
}

/** Text for a `shape=record` label: the record syntax characters are backslash-escaped. */
export function recordText(text: string): string {
  return labelText(text).replace(/[{}|]/g, (ch) => `\\${ch}`).replace(/ /g, '\\ ');
}
