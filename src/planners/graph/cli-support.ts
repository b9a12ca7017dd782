/** Helpers shared by the three graph planner commands (kept light: no model or graph imports). */
import type { LoadOptions } from '../../model/load.js';
import type { Distribution, Infrastructure, Services } from '../../model/types.js';
import { loadOptionsOf } from '../../model/load-options.js';

export type GraphOutputMode = 'nix' | 'xml' | 'json' | 'graph' | 'resolved-graph';

const FLAGS: Record<string, GraphOutputMode> = {
  '--output-xml': 'xml',
  '--output-json': 'json',
  '--output-graph': 'graph',
  '--output-resolved-graph': 'resolved-graph',
};

/** Like the original, the last output flag on the command line wins; Nix is the default. */
export function lastOutputMode(argv: readonly string[], allowed: readonly GraphOutputMode[]): GraphOutputMode {
  let mode: GraphOutputMode = 'nix';
  for (const arg of argv) {
    if (arg === '--') break;
    const found = FLAGS[arg];
    if (found && allowed.includes(found)) mode = found;
  }
  return mode;
}

export interface ModelCliOptions {
  extraParams?: string;
  showTrace?: boolean;
  xml?: boolean;
}


/**
 * Load a distribution. With an infrastructure it goes through the normal loader (Nix/JS target
 * values resolved, unknown targets reported); without one (multiwaycut with --xml, like the
 * original) the document is read and validated against the services only.
 */
export async function loadDistributionFor(
  file: string,
  options: LoadOptions,
  services: Services,
  infrastructure: Infrastructure | undefined,
): Promise<Distribution> {
  const load = await import('../../model/load.js');
  if (infrastructure) return load.loadDistribution(file, { ...options, infrastructure, services });
  const raw = await load.loadRaw('distribution', file, options);
  const { distributionFromRaw } = await import('../../model/schemas.js');
  const { validateDistribution } = await import('../../model/validate.js');
  const distribution = distributionFromRaw(raw, file);
  validateDistribution(distribution, file, { services });
  return distribution;
}
