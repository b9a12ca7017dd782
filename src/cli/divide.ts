/**
 * dydisnix-divide: capacity division (docs/gendist.md): one demand/capacity pair as in the original,
 * or several (`--property requireMem:mem --property requireCpu:cpu`, divideResources), optionally
 * under a move budget against a previous distribution.
 */
import { PlanningError, UsageError } from '../errors.js';
import { emit } from '../io/atomic.js';
import { addModelInputOptions, addOutputFormatOptions, createProgram, outputFormatOf, runProgram } from './program.js';
import { loadOptionsOf } from '../model/load-options.js';

interface DivideCliOptions {
  strategy?: string;
  services?: string;
  infrastructure?: string;
  distribution?: string;
  serviceProperty?: string;
  targetProperty?: string;
  property?: string[];
  previousDistribution?: string;
  maxMoves?: string;
  extraParams?: string;
  showTrace?: boolean;
  xml?: boolean;
  outputXml?: boolean;
  outputJson?: boolean;
}

const STRATEGIES = 'greedy, highest-bidder, lowest-bidder, first-fit-decreasing, best-fit-decreasing';
const MULTI_STRATEGIES = 'first-fit (= greedy), first-fit-decreasing, best-fit, best-fit-decreasing';

export async function main(argv: readonly string[] = process.argv): Promise<void> {
  const program = createProgram({
    name: 'dydisnix-divide',
    description: 'Divide services over candidate targets by numeric capacities (e.g. memory, CPUs): each service gets one target with enough of every capacity left.',
    examples: [
      'dydisnix-divide --strategy greedy -s services.nix -i infrastructure.nix -d distribution.nix --service-property requireMem --target-property mem',
      'dydisnix-divide --strategy best-fit-decreasing -s services.json -i infrastructure.json -d distribution.json --service-property requireMem --target-property mem --output-json',
      'dydisnix-divide --strategy best-fit-decreasing -s services.json -i infrastructure.json -d distribution.json --property requireMem:mem --property requireCpu:cpu',
      'dydisnix-divide --strategy greedy -s services.json -i infrastructure.json -d distribution.json --property requireMem:mem --previous-distribution previous.json --max-moves 1',
    ],
    notes: [
      `Strategies: ${STRATEGIES}.`,
      `With several --property pairs (shares of the dominant resource): ${MULTI_STRATEGIES}.`,
      'On failure (not enough capacity) the partial result goes to stderr and the exit status is 1; the message names the resource that ran out.',
      '--max-moves N with --previous-distribution F: services stay where they were unless more than N moves are needed (docs/gendist.md).',
    ].join('\n'),
  });
  addOutputFormatOptions(addModelInputOptions(program))
    .option('--strategy <name>', `division strategy: ${STRATEGIES}`)
    .option('-s, --services <file>', 'services model')
    .option('-i, --infrastructure <file>', 'infrastructure model')
    .option('-d, --distribution <file>', 'candidate distribution')
    .option('--service-property <name>', 'numeric service property: the demand')
    .option('--target-property <name>', 'numeric target property: the capacity')
    .option('--property <service:target>', 'a demand/capacity pair such as requireMem:mem (repeat for several resources)', (value: string, previous: string[] = []) => [...previous, value])
    .option('--previous-distribution <file>', 'the previous distribution (for --max-moves)')
    .option('--max-moves <n>', 'move budget: keep services where they were unless more than N moves are needed')
    .action(async (options: DivideCliOptions) => {
      await run(options);
    });
  await runProgram(program, argv);
}

async function run(options: DivideCliOptions): Promise<void> {
  // The original's check order.
  if (!options.services) throw new UsageError('a services model must be specified: -s FILE');
  if (!options.infrastructure) throw new UsageError('an infrastructure model must be specified: -i FILE');
  if (!options.distribution) throw new UsageError('a distribution model must be specified: -d FILE');
  const pairs = options.property ?? [];
  if (pairs.length === 0 || options.serviceProperty || options.targetProperty) {
    if (!options.serviceProperty) throw new UsageError('a service property must be specified: --service-property NAME (or --property SERVICE:TARGET)');
    if (!options.targetProperty) throw new UsageError('a target property must be specified: --target-property NAME');
  }
  if (!options.strategy) throw new UsageError(`a strategy must be provided: --strategy (${STRATEGIES})`);
  const { divide, isDivideStrategy, InsufficientCapacityError } = await import('../planners/divide.js');
  const multi = await import('../planners/divide-resources.js');
  const resources = [
    ...(options.serviceProperty && options.targetProperty ? [{ serviceProperty: options.serviceProperty, targetProperty: options.targetProperty }] : []),
    ...pairs.map((pair) => {
      const match = /^([^:\s]+):([^:\s]+)$/.exec(pair);
      if (!match) throw new UsageError(`--property expects SERVICE_PROPERTY:TARGET_PROPERTY (e.g. requireMem:mem), got "${pair}"`);
      return { serviceProperty: match[1]!, targetProperty: match[2]! };
    }),
  ];
  // One pair with an original strategy: divide as in the original; otherwise divideResources.
  const single = resources.length === 1 && isDivideStrategy(options.strategy);
  if (!single && !multi.isResourceStrategy(options.strategy)) {
    throw new UsageError(
      isDivideStrategy(options.strategy)
        ? `strategy ${options.strategy} divides by one capacity; with several --property pairs use one of ${MULTI_STRATEGIES}`
        : `unknown strategy: ${options.strategy} (expected one of ${STRATEGIES}; with several --property pairs: ${MULTI_STRATEGIES})`,
    );
  }
  const { maxMovesOption, withMoveBudget } = await import('../planners/moves.js');
  const maxMoves = options.maxMoves === undefined ? undefined : await maxMovesOption(options.maxMoves);
  if (maxMoves !== undefined && !options.previousDistribution) throw new UsageError('--max-moves needs the previous distribution: --previous-distribution FILE');
  const format = outputFormatOf(options);
  const load = await import('../model/load.js');
  const { formatDistribution } = await import('../model/write.js');
  const loadOptions = loadOptionsOf(options);
  const [services, infrastructure] = await Promise.all([load.loadServices(options.services, loadOptions), load.loadInfrastructure(options.infrastructure, loadOptions)]);
  const distribution = await load.loadDistribution(options.distribution, { ...loadOptions, infrastructure, services });
  const previousDistribution = options.previousDistribution
    ? await (await import('../qos/gendist.js')).loadPreviousDistributionFile(options.previousDistribution, loadOptions, infrastructure)
    : null;
  const strategy = options.strategy;
  const args = {
    services,
    infrastructure,
    distribution,
    previousDistribution,
    ...(maxMoves !== undefined ? { maxMoves } : {}),
    warn: (message: string) => process.stderr.write(`dydisnix-divide: warning: ${message}\n`),
  };
  let result;
  try {
    result = single
      ? withMoveBudget('divide', args, resources, (a) => divide({ ...a, strategy, serviceProperty: resources[0]!.serviceProperty, targetProperty: resources[0]!.targetProperty }))
      : withMoveBudget('divideResources', args, resources, (a) => multi.divideResources({ ...a, strategy, resources }));
  } catch (error) {
    if (error instanceof InsufficientCapacityError) throw new PlanningError(error.message, await formatDistribution(error.partial, format, 'plain'));
    const { withModelFile } = await import('../planners/common.js');
    throw withModelFile(error, { services: options.services, infrastructure: options.infrastructure, distribution: options.distribution });
  }
  await emit(await formatDistribution(result, format, 'plain'));
}
