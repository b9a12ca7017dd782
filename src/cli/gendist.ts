/** dydisnix-gendist: a distribution from services + infrastructure + a QoS policy. */
import type { Command } from 'commander';
import { PlanningError } from '../errors.js';
import { emit } from '../io/atomic.js';
import { addModelInputOptions, addOutputFormatOptions, createProgram, outputFormatOf, runProgram } from './program.js';
import { loadOptionsOf } from '../model/load-options.js';

interface GendistCliOptions {
  services?: string;
  infrastructure?: string;
  qos?: string;
  filters?: string;
  distribution?: string;
  previousDistribution?: string;
  stateDir?: string;
  profile?: string;
  filterBuildable?: boolean;
  explain?: boolean;
  /** `--diff [PREVIOUS]`: true = against the run's previous distribution. */
  diff?: string | boolean;
  maxMoves?: string;
  extraParams?: string;
  showTrace?: boolean;
  xml?: boolean;
  outputXml?: boolean;
  outputJson?: boolean;
}

export async function main(argv: readonly string[] = process.argv): Promise<void> {
  const program: Command = createProgram({
    name: 'dydisnix-gendist',
    description: 'Generate a distribution model from a services model, an infrastructure model and a QoS policy.',
    examples: [
      'dydisnix-gendist -s services.nix -i infrastructure.nix -q qos.nix',
      'dydisnix-gendist -s services.json -i infrastructure.json -q qos.json --output-json',
      'dydisnix-gendist -s services.xml -i infrastructure.xml -q qos.mjs -F filters.mjs --explain',
      'dydisnix-gendist -s services.nix -i infrastructure.nix -q qos.nix --previous-distribution previous.json',
      'dydisnix-gendist -s services.json -i infrastructure.json -q qos.json --diff previous.json',
      'dydisnix-gendist -s services.json -i infrastructure.json -q qos.json --previous-distribution previous.json --max-moves 2 --diff',
    ],
    notes: [
      'QoS models (-q): a .nix function as in the original, a .js/.mjs module exporting',
      '({services, infrastructure, initialDistribution, previousDistribution, filters}) => distribution,',
      'or a .json pipeline { "pipeline": [ { "filter": "divide", "strategy": "greedy", ... } ] }.',
      'Catalogues (-F) in Nix or JS are merged over the reference filters.',
      'Without --previous-distribution the previous distribution is read from the deployment state',
      '<state-dir>/<profile>/manifest.json when it exists (default state dir: $XDG_STATE_HOME/dydisnix).',
      '--diff prints the plan diff (kept / moved from -> to / added / removed, and the number of moves) instead of',
      'the distribution: against PREVIOUS, or without it against the previous distribution of the run.',
      '--max-moves N is the move budget of the dynamic planners (divide, divideResources: those that take the',
      'previous distribution): services stay where they are unless more than N moves are needed (docs/gendist.md).',
    ].join('\n'),
  });
  addOutputFormatOptions(addModelInputOptions(program))
    .option('-s, --services <file>', 'services model (required)')
    .option('-i, --infrastructure <file>', 'infrastructure model (required)')
    .option('-q, --qos <file>', 'QoS model (.nix, .js/.mjs or .json pipeline); without it the initial distribution is printed')
    .option('-F, --filters <file>', 'custom filters catalogue (.nix or .js/.mjs), merged over the reference filters')
    .option('-d, --distribution <file>', 'initial candidate distribution (default: every service on every target)')
    .option('--previous-distribution <file>', 'the previous distribution (default: from the deployment state)')
    .option('--state-dir <dir>', 'deployment state folder (default $XDG_STATE_HOME/dydisnix)')
    .option('-p, --profile <name>', 'deployment profile whose current distribution is the previous one', 'default')
    .option('--filter-buildable', 'not supported without Disnix: accepted and ignored with a warning')
    .option('--target-property <name>', 'compatibility: only used by --filter-buildable')
    .option('--interface <name>', 'compatibility: only used by --filter-buildable')
    .option('--stdout', 'compatibility flag: the result is always printed')
    .option('--explain', 'print, per service and step, the candidates kept and removed and why (stderr)')
    .option('--diff [previous]', 'print the plan diff against PREVIOUS (default: the previous distribution of the run) instead of the distribution')
    .option('--max-moves <n>', 'move budget of the dynamic planners (divide, divideResources): keep services where they were unless more moves are needed')
    .action(async (options: GendistCliOptions) => {
      await run(options);
    });
  await runProgram(program, argv);
}

async function run(options: GendistCliOptions): Promise<void> {
  const { UsageError } = await import('../errors.js');
  if (!options.services) throw new UsageError('a services model must be specified: -s FILE');
  if (!options.infrastructure) throw new UsageError('an infrastructure model must be specified: -i FILE');
  if (options.filterBuildable) process.stderr.write('dydisnix-gendist: warning: --filter-buildable is not supported without Disnix; every candidate is kept\n');
  const format = outputFormatOf(options);
  const { gendist } = await import('../qos/gendist.js');
  const { Explainer } = await import('../planners/common.js');
  const { formatDistribution } = await import('../model/write.js');
  const explainer = options.explain ? new Explainer() : undefined;
  const maxMoves = options.maxMoves === undefined ? undefined : await (await import('../planners/moves.js')).maxMovesOption(options.maxMoves);
  const warn = (message: string) => process.stderr.write(`dydisnix-gendist: warning: ${message}\n`);
  try {
    const result = await gendist(
      {
        services: options.services,
        infrastructure: options.infrastructure,
        ...(options.qos ? { qos: options.qos } : {}),
        ...(options.filters ? { filters: options.filters } : {}),
        ...(options.distribution ? { distribution: options.distribution } : {}),
        ...(options.previousDistribution ? { previousDistribution: options.previousDistribution } : {}),
        ...(options.stateDir ? { stateDir: options.stateDir } : {}),
        ...(options.profile ? { profile: options.profile } : {}),
        ...loadOptionsOf(options),
        ...(maxMoves !== undefined ? { maxMoves } : {}),
        warn,
      },
      explainer,
    );
    if (explainer) await writeExplanation(explainer);
    if (options.diff !== undefined) {
      await emit(await planDiffText(options, result, format));
      return;
    }
    await emit(await formatDistribution(result.distribution, format, 'function'));
  } catch (error) {
    if (explainer && explainer.stepCount > 0) await writeExplanation(explainer);
    const { InsufficientCapacityError } = await import('../planners/divide.js');
    if (error instanceof InsufficientCapacityError) throw new PlanningError(error.message, await formatDistribution(error.partial, format, 'function'));
    throw error;
  }
}

/** `--diff`: the plan diff against PREVIOUS or the run's previous distribution (src/qos/plan-diff.ts). */
async function planDiffText(options: GendistCliOptions, result: import('../qos/gendist.js').GendistResult, format: string): Promise<string> {
  let previous = result.previousDistribution;
  if (typeof options.diff === 'string') {
    const { loadPreviousDistributionFile } = await import('../qos/gendist.js');
    previous = await loadPreviousDistributionFile(options.diff, loadOptionsOf(options), result.infrastructure);
  }
  const { diffDistributions, formatPlanDiff, planDiffJson } = await import('../qos/plan-diff.js');
  const diff = diffDistributions(previous, result.distribution);
  return format === 'json' ? planDiffJson(diff) : formatPlanDiff(diff);
}

/** Streams the report to stderr in chunks (a large run's report does not fit in one string). */
async function writeExplanation(explainer: import('../planners/common.js').Explainer): Promise<void> {
  let buffer = '';
  const flush = () => new Promise<void>((resolve) => (process.stderr.write(buffer) ? resolve() : process.stderr.once('drain', () => resolve())));
  for (const chunk of explainer.chunks()) {
    buffer += chunk;
    if (buffer.length > 1 << 16) {
      await flush();
      buffer = '';
    }
  }
  if (buffer) await flush();
}
