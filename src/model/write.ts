/**
 * Writing models in the three output forms. JSON writers are synchronous and always loaded; the XML
 * and Nix writers are imported on demand.
 */
import * as json from './formats/json-write.js';
import type { DocsConfig, Distribution, IdResources, Ids, Infrastructure, ModelKind, OutputFormat, Services } from './types.js';

/** Nix layout of a distribution: gendist's `{infrastructure}:` function, or the C tools' plain attrset. */
export type DistributionNixStyle = 'function' | 'plain';

export async function formatServices(services: Services, format: OutputFormat): Promise<string> {
  if (format === 'json') return json.servicesToJson(services);
  if (format === 'xml') return (await import('./formats/xml-write.js')).servicesToXml(services);
  return (await import('./formats/nix-write.js')).servicesToNix(services);
}

export function formatInfrastructure(infrastructure: Infrastructure, format: 'json'): string;
export function formatInfrastructure(infrastructure: Infrastructure, format: OutputFormat): Promise<string> | string;
export function formatInfrastructure(infrastructure: Infrastructure, format: OutputFormat): Promise<string> | string {
  if (format === 'json') return json.infrastructureToJson(infrastructure);
  if (format === 'xml') return import('./formats/xml-write.js').then((m) => m.infrastructureToXml(infrastructure));
  return import('./formats/nix-write.js').then((m) => m.infrastructureToNix(infrastructure));
}

export async function formatDistribution(distribution: Distribution, format: OutputFormat, nixStyle: DistributionNixStyle = 'plain'): Promise<string> {
  if (format === 'json') return json.distributionToJson(distribution);
  if (format === 'xml') return (await import('./formats/xml-write.js')).distributionToXml(distribution);
  return (await import('./formats/nix-write.js')).distributionToNix(distribution, nixStyle);
}

export async function formatIdResources(resources: IdResources, format: OutputFormat): Promise<string> {
  if (format === 'json') return json.idResourcesToJson(resources);
  if (format === 'xml') return (await import('./formats/xml-write.js')).idResourcesToXml(resources);
  return (await import('./formats/nix-write.js')).idResourcesToNix(resources);
}

export async function formatIds(ids: Ids, format: OutputFormat): Promise<string> {
  if (format === 'json') return json.idsToJson(ids);
  if (format === 'xml') return (await import('./formats/xml-write.js')).idsToXml(ids);
  return (await import('./formats/nix-write.js')).idsToNix(ids);
}

export async function formatDocsConfig(docs: DocsConfig, format: OutputFormat): Promise<string> {
  if (format === 'json') return json.docsConfigToJson(docs);
  if (format === 'xml') return (await import('./formats/xml-write.js')).docsConfigToXml(docs);
  return (await import('./formats/nix-write.js')).docsConfigToNix(docs);
}

export type AnyModel = Services | Infrastructure | Distribution | IdResources | Ids | DocsConfig;

export async function formatModel(kind: ModelKind, model: AnyModel, format: OutputFormat): Promise<string> {
  switch (kind) {
    case 'services':
      return formatServices(model as Services, format);
    case 'infrastructure':
      return formatInfrastructure(model as Infrastructure, format);
    case 'distribution':
      return formatDistribution(model as Distribution, format);
    case 'idresources':
      return formatIdResources(model as IdResources, format);
    case 'ids':
      return formatIds(model as Ids, format);
    case 'docs':
      return formatDocsConfig(model as DocsConfig, format);
  }
}
