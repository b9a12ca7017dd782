/** dydisnix-divide: one-dimensional capacity division (reference §1.3, §3.3). */
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
  extraParams?: string;
  showTrace?: boolean;
  xml?: boolean;
  outputXml?: boolean;
  outputJson?: boolean;
}

const STRATEGIES = 'greedy, highest-bidder, lowest-bidder, first-fit-decreasing, best-fit-decreasing';

export async function main(argv: readonly string[] = process.argv): Promise<void> {
  const program = createProgram({
    name: 'dydisnix-divide',
    description: 'Divide services over candidate targets by one numeric capacity (e.g. memory): each service gets one target with enough capacity left.',
    examples: [
      'dydisnix-divide --strategy greedy -s services.nix -i infrastructure.nix -d distribution.nix --service-property requireMem --target-property mem',
      'dydisnix-divide --strategy best-fit-decreasing -s services.json -i infrastructure.json -d distribution.json --service-property requireMem --target-property mem --output-json',
    ],
    notes: `Strategies: ${STRATEGIES}.\nOn failure (not enough capacity) the partial result goes to stderr and the exit status is 1.`,
  });
  addOutputFormatOptions(addModelInputOptions(program))
    .option('--strategy <name>', `division strategy: ${STRATEGIES}`)
    .option('-s, --services <file>', 'services model')
    .option('-i, --infrastructure <file>', 'infrastructure model')
    .option('-d, --distribution <file>', 'candidate distribution')
    .option('--service-property <name>', 'numeric service property: the demand')
    .option('--target-property <name>', 'numeric target property: the capacity')
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
  if (!options.serviceProperty) throw new UsageError('a service property must be specified: --service-property NAME');
  if (!options.targetProperty) throw new UsageError('a target property must be specified: --target-property NAME');
  if (!options.strategy) throw new UsageError(`a strategy must be provided: --strategy (${STRATEGIES})`);
  const { divide, isDivideStrategy, InsufficientCapacityError } = await import('../planners/divide.js');
  if (!isDivideStrategy(options.strategy)) throw new UsageError(`unknown strategy: ${options.strategy} (expected one of ${STRATEGIES})`);
  const format = outputFormatOf(options);
  const load = await import('../model/load.js');
  const { formatDistribution } = await import('../model/write.js');
  const loadOptions = loadOptionsOf(options);
  const [services, infrastructure] = await Promise.all([load.loadServices(options.services, loadOptions), load.loadInfrastructure(options.infrastructure, loadOptions)]);
  const distribution = await load.loadDistribution(options.distribution, { ...loadOptions, infrastructure, services });
  let result;
  try {
    result = divide({ services, infrastructure, distribution, strategy: options.strategy, serviceProperty: options.serviceProperty, targetProperty: options.targetProperty });
  } catch (error) {
    if (error instanceof InsufficientCapacityError) throw new PlanningError(error.message, await formatDistribution(error.partial, format, 'plain'));
    const { withModelFile } = await import('../planners/common.js');
    throw withModelFile(error, { services: options.services, infrastructure: options.infrastructure, distribution: options.distribution });
  }
  await emit(await formatDistribution(result, format, 'plain'));
}
