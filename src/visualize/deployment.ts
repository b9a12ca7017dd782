/**
 * `dydisnix-visualize` DOT: the deployment architecture (reference §4.5, like `disnix-visualize`).
 * A cluster per target, inside it a cluster per container, a node per deployed service instance;
 * dependency edges (dependsOn + activatesAfter) solid, connectsTo edges dashed.
 */
import type { NodeAttributesObject, NodeModel, SubgraphAttributesObject, SubgraphModel } from 'ts-graphviz';
import type { Distribution, Infrastructure, Services } from '../model/types.js';
import { compareNames, scalarText, sortedKeys } from '../model/value.js';
import { orderingDependencies } from '../model/service-props.js';
import { containersLabel, dotId, labelText, loadGraphviz, printDot } from './dot.js';
import { containerNames } from './graph.js';
import { legendLabel, type LegendRow } from '../util/legend.js';
import { hostColours } from '../util/palette.js';
import { LOOK } from './look.js';

/** One deployed service instance: a service on a target, in a container (absent when unknown). */
export interface DeployedMapping {
  service: string;
  target: string;
  container?: string;
}

export interface DeploymentArchitecture {
  services: Services;
  infrastructure: Infrastructure;
  mappings: DeployedMapping[];
}

/** The mappings of a distribution; a mapping without a container uses the service's type, like Disnix. */
export function mappingsOfDistribution(services: Services, distribution: Distribution): DeployedMapping[] {
  const mappings: DeployedMapping[] = [];
  for (const service of sortedKeys(distribution)) {
    for (const mapping of distribution[service]!) {
      const container = mapping.container ?? services[service]?.type;
      mappings.push(container !== undefined ? { service, target: mapping.target, container } : { service, target: mapping.target });
    }
  }
  return mappings;
}

/**
 * Whether a deployed instance runs (docs/visualize.md, "Live state"): the deployment's liveness check
 * answers for process units; everything else, or an instance the check cannot see, is not checked.
 */
export type ServiceStatus = { state: 'running'; pid?: number } | { state: 'dead'; why: string } | { state: 'unknown' };

/** Checks one deployed instance (given from the CLI layer: the deployment's liveness check). */
export type StatusProbe = (instance: { service: string; target: string; container: string; type: string; pkg: string }) => Promise<ServiceStatus>;

/** The live state of every instance; instances without a type, component or container are not checked. */
export async function liveStatus(architecture: DeploymentArchitecture, probe: StatusProbe): Promise<Map<string, ServiceStatus>> {
  const entries = await Promise.all(
    architecture.mappings.map(async (mapping): Promise<[string, ServiceStatus]> => {
      const service = architecture.services[mapping.service];
      if (!service?.type || !service.pkg || mapping.container === undefined) return [mappingKey(mapping), { state: 'unknown' }];
      return [mappingKey(mapping), await probe({ service: mapping.service, target: mapping.target, container: mapping.container, type: service.type, pkg: service.pkg })];
    }),
  );
  return new Map(entries);
}

export interface DeploymentDotOptions {
  /** `--no-containers`: service nodes directly inside their target cluster. */
  containers: boolean;
  /** Live state per instance (key: `mappingKey`); absent: nothing is marked. */
  status?: Map<string, ServiceStatus>;
}

/** The key of an instance in `DeploymentDotOptions.status`. */
export const mappingKey = (m: DeployedMapping) => `${m.service}:${m.target}:${m.container ?? ''}`;
const mappingId = mappingKey;


const STATUS_LABEL = {
  running: (s: Extract<ServiceStatus, { state: 'running' }>) => `● running${s.pid !== undefined ? ` (pid ${s.pid})` : ''}`,
  dead: (s: Extract<ServiceStatus, { state: 'dead' }>) => `✖ dead: ${s.why}`,
  unknown: () => '? not checked',
};

function statusLine(status: ServiceStatus): string {
  if (status.state === 'running') return STATUS_LABEL.running(status);
  if (status.state === 'dead') return STATUS_LABEL.dead(status);
  return STATUS_LABEL.unknown();
}

function statusLook(status: ServiceStatus | undefined): NodeAttributesObject {
  if (!status) return {};
  if (status.state === 'running') return { fillcolor: LOOK.running };
  if (status.state === 'dead') return { fillcolor: LOOK.dead, color: LOOK.deadBorder, penwidth: 2 };
  return { style: 'filled,dashed' };
}

export async function deploymentDot(architecture: DeploymentArchitecture, options: DeploymentDotOptions): Promise<string> {
  const { Digraph } = await loadGraphviz();
  const { services, infrastructure } = architecture;
  const g = new Digraph('G');
  // Splines route edges around nodes; generous cluster margins and separations keep edges off the
  // machine and container labels (Graphviz does not route around cluster labels themselves).
  g.apply({ fontname: 'Helvetica', splines: 'true', compound: true, newrank: true, nodesep: 0.4, ranksep: 0.8, labelloc: 't', labeljust: 'l', fontcolor: LOOK.text });
  g.attributes.node.apply({ fontname: 'Helvetica', shape: 'box', style: 'rounded,filled', fillcolor: LOOK.serviceFill, fontcolor: LOOK.text, color: LOOK.text });
  g.attributes.edge.apply({ color: LOOK.edge, penwidth: 1.4, arrowsize: 0.8 });
  // Deterministic order: target, then container, then service.
  const mappings = [...new Map(architecture.mappings.map((m) => [mappingId(m), m])).values()].sort(
    (a, b) => compareNames(a.target, b.target) || compareNames(a.container ?? '', b.container ?? '') || compareNames(a.service, b.service),
  );
  const byTarget = new Map<string, DeployedMapping[]>();
  for (const mapping of mappings) pushTo(byTarget, mapping.target, mapping);
  const targets = [...new Set([...sortedKeys(infrastructure), ...byTarget.keys()])].sort(compareNames);
  const colours = hostColours(targets);

  const nodes = new Map<string, NodeModel>();
  const instances = new Map<string, NodeModel[]>();
  const addNode = (parent: SubgraphModel, mapping: DeployedMapping) => {
    const service = services[mapping.service];
    const { names, single } = service ? containerNames(service) : { names: [], single: false };
    const status = options.status?.get(mappingId(mapping));
    const label = `${labelText(mapping.service)}${containersLabel(names, single)}${status ? `\n${labelText(statusLine(status))}` : ''}`;
    const node = parent.node(dotId(mappingId(mapping)), { label, ...(names.length > 0 ? { peripheries: 2 } : {}), ...statusLook(status) });
    nodes.set(mappingId(mapping), node);
    pushTo(instances, mapping.service, node);
  };

  const clusterLook = (fill: string) => ({ style: 'filled', fillcolor: fill, fontcolor: LOOK.text, margin: 16 }) as const;
  targets.forEach((target, i) => {
    const cluster = g.subgraph(`cluster_${i}`, {
      ...clusterLook(LOOK.machineFill),
      label: targetLabel(infrastructure, target),
      color: colours.get(target)! as SubgraphAttributesObject['color'],
      penwidth: 3,
      fontsize: 16,
    });
    const here = byTarget.get(target) ?? [];
    if (here.length === 0) {
      cluster.node(dotId(`${target}:`), { label: '(no services)', shape: 'plaintext', style: '' });
      return;
    }
    if (!options.containers) {
      for (const mapping of here) addNode(cluster, mapping);
      return;
    }
    const containers = [...new Set(here.map((m) => m.container ?? ''))];
    containers.forEach((container, j) => {
      const inContainer = here.filter((m) => (m.container ?? '') === container);
      const parent = container === '' ? cluster : cluster.subgraph(`cluster_${i}_${j}`, { ...clusterLook(LOOK.containerFill), label: labelText(container), color: '#808080' });
      for (const mapping of inContainer) addNode(parent, mapping);
    });
  });

  for (const mapping of mappings) {
    const from = nodes.get(mappingId(mapping))!;
    const service = services[mapping.service];
    if (!service) continue;
    for (const dependency of orderingDependencies(service)) for (const to of instances.get(dependency) ?? []) g.edge([from, to]);
    for (const dependency of service.connectsTo) for (const to of instances.get(dependency) ?? []) g.edge([from, to], { style: 'dashed' });
  }
  g.set('label', deploymentLegend(options));
  return printDot(g);
}

/** The legend: what boxes, borders, lines and (with live state) fills mean. */
function deploymentLegend(options: DeploymentDotOptions): string {
  const rows: LegendRow[] = [
    { sample: { fill: LOOK.machineFill, text: 'machine' }, meaning: 'target machine (frame in its colour), then its hostname' },
  ];
  if (options.containers) rows.push({ sample: { fill: LOOK.containerFill, text: 'container' }, meaning: 'container on the machine (e.g. process, mysql-database)' });
  rows.push(
    { sample: { fill: LOOK.serviceFill, text: 'service' }, meaning: 'deployed service (double border: provides containers)' },
    { sample: { line: '——▶', colour: LOOK.edge }, meaning: 'depends on / activated after' },
    { sample: { line: '- - ▶', colour: LOOK.edge }, meaning: 'connects to' },
  );
  if (options.status) {
    rows.push(
      { sample: { fill: LOOK.running, text: '● running' }, meaning: 'its process runs (the recorded PID, same start time)' },
      { sample: { fill: LOOK.dead, text: '✖ dead' }, meaning: 'its process is gone, or never started' },
      { sample: { fill: LOOK.serviceFill, text: '? not checked', dashed: true }, meaning: 'not a process unit: nothing to check' },
    );
  }
  return legendLabel([options.status ? 'Deployment architecture (live state)' : 'Deployment architecture'], rows);
}
function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** A target's name, followed by its target-property value (e.g. the hostname) when that differs. */
function targetLabel(infrastructure: Infrastructure, name: string): string {
  const target = infrastructure[name];
  const property = target?.targetProperty ?? 'hostname';
  const value = target ? scalarText(target.properties[property]) : undefined;
  return value !== undefined && value !== name ? `${labelText(name)}\n(${labelText(value)})` : labelText(name);
}
