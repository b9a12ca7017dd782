/**
 * Typed models. Readers (XML, JSON, Nix, JS) all produce these after zod validation; the core never
 * sees raw documents. Records are keyed by name and the `name` fields always equal their keys.
 */
import type { Attrs } from './value.js';

export interface Service {
  name: string;
  /** Dysnomia module name. */
  type?: string;
  /** Path of the deployable component, as written in the model (relative to the model file). */
  pkg?: string;
  /** Names of the services this one depends on (ordering + configuration). */
  dependsOn: string[];
  /** Names of services this one connects to (no ordering). */
  connectsTo: string[];
  /** Names of services to activate before this one (ordering only). */
  activatesAfter: string[];
  /**
   * Every other attribute: group, description, stateful, providesContainer(s), deployState,
   * requiresUniqueIdsFor and custom QoS properties (requireMem, …).
   */
  properties: Attrs;
}
export type Services = Record<string, Service>;

export interface Target {
  name: string;
  properties: Attrs;
  containers: Record<string, Attrs>;
  system?: string;
  numOfCores?: number;
  clientInterface?: string;
  targetProperty?: string;
}
export type Infrastructure = Record<string, Target>;

export interface Mapping {
  target: string;
  container?: string;
}
/** service name → candidate/assigned mappings, in order. */
export type Distribution = Record<string, Mapping[]>;

export type IdScope = 'global' | 'machine';
export interface IdResource {
  min: number;
  max: number;
  scope: IdScope;
  step: number;
}
export type IdResources = Record<string, IdResource>;

export interface Ids {
  /** resource → service → id */
  ids: Record<string, Record<string, number>>;
  /** resource → last assigned id (global scope memory) */
  lastAssignments: Record<string, number>;
  /** target → resource → last assigned id (machine scope memory) */
  lastAssignmentsPerTarget: Record<string, Record<string, number>>;
}

export interface DocsConfig {
  groups: Record<string, string>;
  fields: string[];
  descriptions: Record<string, string>;
}

export type ModelKind = 'services' | 'infrastructure' | 'distribution' | 'idresources' | 'ids' | 'docs';
export type OutputFormat = 'nix' | 'xml' | 'json';
