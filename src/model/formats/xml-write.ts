// STUB: being written (helper).
import type { DocsConfig, Distribution, IdResources, Ids, Infrastructure, Services } from '../types.js';
const todo = (): string => { throw new Error('XML writing not implemented yet'); };
export const servicesToXml = (_: Services): string => todo();
export const infrastructureToXml = (_: Infrastructure): string => todo();
export const distributionToXml = (_: Distribution): string => todo();
export const idResourcesToXml = (_: IdResources): string => todo();
export const idsToXml = (_: Ids): string => todo();
export const docsConfigToXml = (_: DocsConfig): string => todo();
