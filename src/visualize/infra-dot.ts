/**
 * `dydisnix-visualize-infra` DOT (reference §4.2, docs/visualize.md): a cluster per target, labelled
 * with a small table (the target's name, its hostname and the chosen properties), holding a cluster of
 * its containers. Unlike the original, every identifier is quoted, so target names with `-` or `.`
 * work, and the machines are framed in their palette colour as in the other pictures.
 */
import type { Infrastructure, Target } from '../model/types.js';
import { isAttrs, sortedKeys, type Value } from '../model/value.js';
import { htmlText, legendLabel } from '../util/legend.js';
import { hostColours } from '../util/palette.js';
import { dotId, labelText, loadGraphviz, printDot } from './dot.js';
import { LOOK } from './look.js';

/** `--properties` default: what a deployment engineer usually wants to see, where the target has it. */
export const DEFAULT_PROPERTIES = ['mem', 'cpu', 'numOfCores', 'system', 'supportedTypes'] as const;

export interface InfrastructureDotOptions {
  /** Property names to show (besides the hostname), or `*` for all of them. */
  properties?: readonly string[] | '*';
}

/** Values longer than this are cut (with …) so that a machine's box stays readable. */
const MAX_VALUE = 48;

function valueText(value: Value): string {
  let text: string;
  if (Array.isArray(value)) text = value.map(valueText).join(', ');
  else if (isAttrs(value)) text = `{ ${sortedKeys(value).join(', ')} }`;
  else text = String(value);
  return text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE - 1)}…` : text;
}

/** A property of a target: from `properties`, else one of the target's own fields (system, numOfCores, …). */
function propertyOf(target: Target, name: string): Value | undefined {
  if (Object.hasOwn(target.properties, name)) return target.properties[name];
  const field = (target as unknown as Record<string, unknown>)[name];
  return name !== 'properties' && name !== 'containers' && name !== 'name' && (typeof field === 'string' || typeof field === 'number') ? field : undefined;
}

/** The rows of a machine's label: its hostname (the target property), then the chosen properties it has. */
export function machineRows(target: Target, properties: readonly string[] | '*'): [string, string][] {
  const hostProperty = target.targetProperty ?? 'hostname';
  const rows: [string, string][] = [];
  const hostname = target.properties[hostProperty];
  if (hostname !== undefined) rows.push([hostProperty, valueText(hostname)]);
  const names = properties === '*' ? [...sortedKeys(target.properties), ...['system', 'numOfCores', 'clientInterface'].filter((n) => propertyOf(target, n) !== undefined)] : properties;
  for (const name of names) {
    if (name === hostProperty) continue;
    const value = propertyOf(target, name);
    if (value !== undefined) rows.push([name, valueText(value)]);
  }
  return rows;
}

function machineLabel(name: string, rows: [string, string][]): string {
  const cells = rows.map(([key, value]) => `<TR><TD ALIGN="LEFT">${htmlText(key)}</TD><TD ALIGN="LEFT">${htmlText(value)}</TD></TR>`).join('');
  return `<<TABLE BORDER="0" CELLSPACING="0" CELLPADDING="2"><TR><TD COLSPAN="2" ALIGN="LEFT"><B>${htmlText(name)}</B></TD></TR>${cells}</TABLE>>`;
}

export async function infrastructureDot(infrastructure: Infrastructure, options: InfrastructureDotOptions = {}): Promise<string> {
  const { Digraph } = await loadGraphviz();
  const properties = options.properties ?? DEFAULT_PROPERTIES;
  const g = new Digraph('G');
  g.apply({ fontname: 'Helvetica', labelloc: 't', labeljust: 'l', fontcolor: LOOK.text, nodesep: 0.3 });
  g.attributes.node.apply({ fontname: 'Helvetica', fontcolor: LOOK.text });
  const colours = hostColours(sortedKeys(infrastructure));
  for (const name of sortedKeys(infrastructure)) {
    const target = infrastructure[name]!;
    const cluster = g.subgraph(dotId(`cluster_target_${name}`), {
      style: 'filled',
      label: machineLabel(name, machineRows(target, properties)),
      fillcolor: LOOK.machineFill,
      fontcolor: LOOK.text,
      color: colours.get(name)! as never,
      penwidth: 3,
      margin: 12,
    });
    const inner = cluster.subgraph(dotId(`cluster_container_${name}`), { style: 'filled', label: 'containers', fillcolor: LOOK.containerFill, fontcolor: LOOK.text, color: '#808080' });
    inner.attributes.node.apply({ shape: 'record', style: 'filled', color: LOOK.text, fillcolor: LOOK.serviceFill, fontcolor: LOOK.text });
    const containers = sortedKeys(target.containers);
    if (containers.length === 0) inner.node(dotId(`${name}:`), { label: '(no defined containers)' });
    // Record labels treat {}|<> as structure: escape them so container names print as they are.
    for (const container of containers) inner.node(dotId(`${name}:${container}`), { label: recordText(container) });
  }
  const shown = properties === '*' ? 'all properties' : `hostname${properties.length > 0 ? `, ${properties.join(', ')}` : ''} (where set)`;
  g.set(
    'label',
    legendLabel(['Infrastructure'], [
      { sample: { fill: LOOK.machineFill, text: 'machine' }, meaning: `target machine (frame in its colour): ${shown}` },
      { sample: { fill: LOOK.containerFill, text: 'containers' }, meaning: 'containers it provides (Dysnomia modules services are deployed into)' },
    ]),
  );
  return printDot(g);
}

/** Text for a `shape=record` label: the record syntax characters are backslash-escaped. */
export function recordText(text: string): string {
  return labelText(text).replace(/[{}|]/g, (ch) => `\\${ch}`).replace(/ /g, '\\ ');
}
