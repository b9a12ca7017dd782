// STUB (graph-planners helper replaces this): the graph planners as filters, one object argument,
// the same names as the Nix filters (contract §3).
import type { Distribution, Infrastructure, Services } from '../../model/types.js';

export interface GraphPlannerArgs {
  services: Services;
  infrastructure: Infrastructure;
  distribution: Distribution;
  /** minsetcover: the target cost property */
  targetProperty?: string;
}

export function minsetcover(_args: GraphPlannerArgs): Distribution {
  throw new Error('minsetcover: not implemented yet');
}
export function multiwaycut(_args: GraphPlannerArgs): Distribution {
  throw new Error('multiwaycut: not implemented yet');
}
export function graphcol(_args: Omit<GraphPlannerArgs, 'distribution'> & { distribution?: Distribution }): Distribution {
  throw new Error('graphcol: not implemented yet');
}
