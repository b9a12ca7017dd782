/** Helpers shared by the three graph planner commands (kept light: no model or graph imports). */
import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
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

/** The options of the exact modes, shared by the three commands (docs/graph.md, "Exact modes"). */
export interface ExactCliOptions {
  exact?: boolean;
  timeLimit?: string;
  explain?: boolean;
}

export function addExactOptions(program: Command): Command {
  return program
    .option('--exact', 'solve the problem exactly as an integer program (HiGHS); stderr shows the objective, the best bound and the gap')
    .option('--time-limit <seconds>', 'with --exact: stop the solver after this many seconds and return the best plan found (never worse than the heuristic)')
    .option('--explain', "stderr: the heuristic plan's objective, and with --exact its gap to the optimum (or best bound)");
}

/** `{ timeLimit? }` when --exact is given, undefined otherwise; usage errors for a bad or lone --time-limit. */
export function exactOptionsOf(options: ExactCliOptions): { timeLimit?: number } | undefined {
  if (options.timeLimit !== undefined) {
    if (!options.exact) throw new UsageError('--time-limit needs --exact');
    const seconds = Number(options.timeLimit);
    if (options.timeLimit.trim() === '' || !Number.isFinite(seconds) || seconds <= 0) {
      throw new UsageError(`--time-limit must be a positive number of seconds, not ${JSON.stringify(options.timeLimit)}`);
    }
    return { timeLimit: seconds };
  }
  return options.exact ? {} : undefined;
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
