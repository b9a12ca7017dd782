// STUB: being written (helper).
import type { DocsConfig, Distribution, IdResources, Ids, Infrastructure, Services } from '../types.js';
const todo = (): string => { throw new Error('Nix writing not implemented yet'); };
export const servicesToNix = (_: Services): string => todo();
export const infrastructureToNix = (_: Infrastructure): string => todo();
export const distributionToNix = (_: Distribution, _style: 'function' | 'plain'): string => todo();
export const idResourcesToNix = (_: IdResources): string => todo();
export const idsToNix = (_: Ids): string => todo();
export const docsConfigToNix = (_: DocsConfig): string => todo();
