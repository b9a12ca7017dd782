/**
 * `dydisnix-visualize` DOT: the deployment architecture (reference §4.5, like `disnix-visualize`).
 * A cluster per target, inside it a cluster per container, a node per deployed service instance;
 * dependency edges (dependsOn + activatesAfter) solid, connectsTo edges dashed.
 */
import type { NodeModel, SubgraphModel } from 'ts-graphviz';
import type { Distribution, Infrastructure, Services } from '../model/types.js';
import { compareNames, scalarText, sortedKeys } from '../model/value.js';
import { orderingDependencies } from '../model/service-props.js';
import { containersLabel, dotId, labelText, loadGraphviz, printDot } from './dot.js';
import { containerNames } from './graph.js';

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

export interface DeploymentDotOptions {
  /** `--no-containers`: service nodes directly inside their target cluster. */
  containers: boolean;
}

const mappingId = (m: DeployedMapping) => `${m.service}:${m.target}:${m.container ?? ''}`;

export async function deploymentDot(architecture: DeploymentArchitecture, options: DeploymentDotOptions): Promise<string> {
  const { Digraph } = await loadGraphviz();
  const { services, infrastructure } = architecture;
  const g = new Digraph('G');
  // Deterministic order: target, then container, then service.
  const mappings = [...new Map(architecture.mappings.map((m) => [mappingId(m), m])).values()].sort(
    (a, b) => compareNames(a.target, b.target) || compareNames(a.container ?? '', b.container ?? '') || compareNames(a.service, b.service),
  );
  const byTarget = new Map<string, DeployedMapping[]>();
  for (const mapping of mappings) pushTo(byTarget, mapping.target, mapping);
  const targets = [...new Set([...sortedKeys(infrastructure), ...byTarget.keys()])].sort(compareNames);

  const nodes = new Map<string, NodeModel>();
  const instances = new Map<string, NodeModel[]>();
  const addNode = (parent: SubgraphModel, mapping: DeployedMapping) => {
    const service = services[mapping.service];
    const { names, single } = service ? containerNames(service) : { names: [], single: false };
    const label = `${labelText(mapping.service)}${containersLabel(names, single)}`;
    const node = parent.node(dotId(mappingId(mapping)), names.length > 0 ? { label, peripheries: 2 } : { label });
    nodes.set(mappingId(mapping), node);
    pushTo(instances, mapping.service, node);
  };

  targets.forEach((target, i) => {
    const cluster = g.subgraph(`cluster_${i}`, { style: 'filled', label: targetLabel(infrastructure, target), fillcolor: 'grey' });
    const here = byTarget.get(target) ?? [];
    if (here.length === 0) {
      cluster.node(dotId(`${target}:`), { label: '(no services)', shape: 'plaintext' });
      return;
    }
    if (!options.containers) {
      cluster.attributes.node.apply({ style: 'filled', fillcolor: 'white', color: 'black' });
      for (const mapping of here) addNode(cluster, mapping);
      return;
    }
    const containers = [...new Set(here.map((m) => m.container ?? ''))];
    containers.forEach((container, j) => {
      const inContainer = here.filter((m) => (m.container ?? '') === container);
      const parent =
        container === '' ? cluster : cluster.subgraph(`cluster_${i}_${j}`, { style: 'filled', label: labelText(container), fillcolor: 'grey40' });
      parent.attributes.node.apply({ style: 'filled', fillcolor: 'white', color: 'black' });
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
  return printDot(g);
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
