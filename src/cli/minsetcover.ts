/** dydisnix-minsetcover: greedy weighted set cover on a target cost property (reference §1.4, §3.4). */
import { PlanningError, UsageError } from '../errors.js';
import { emit } from '../io/atomic.js';
import { loadOptionsOf } from '../model/load-options.js';
import { lastOutputMode, type ModelCliOptions } from '../planners/graph/cli-support.js';
import { addModelInputOptions, addOutputFormatOptions, createProgram, runProgram } from './program.js';

interface MinsetcoverCliOptions extends ModelCliOptions {
  services?: string;
  infrastructure?: string;
  distribution?: string;
  targetProperty?: string;
}

export async function main(argv: readonly string[] = process.argv): Promise<void> {
  const program = createProgram({
    name: 'dydisnix-minsetcover',
    description:
      'Cover every service with a cheap set of targets: greedy weighted set cover (cost per newly covered service, ties by target name; at most H(n) times the optimum). Each service gets one of its candidates.',
    examples: [
      'dydisnix-minsetcover -s services.nix -i infrastructure.nix -d distribution.nix --target-property cost',
      'dydisnix-minsetcover -s fixtures/graph/services.json -i fixtures/graph/infrastructure-cost.json -d fixtures/graph/distribution-3.json --target-property cost --output-json',
    ],
    notes: 'A missing cost property counts as 0. Services without any candidate keep an empty list; a warning on stderr names them.',
  });
  addOutputFormatOptions(addModelInputOptions(program))
    .option('-s, --services <file>', 'services model')
    .option('-i, --infrastructure <file>', 'infrastructure model')
    .option('-d, --distribution <file>', 'candidate distribution')
    .option('--target-property <name>', 'numeric target property holding the cost of a target')
    .action(async (options: MinsetcoverCliOptions) => {
      await run(options, argv);
    });
  await runProgram(program, argv);
}

async function run(options: MinsetcoverCliOptions, argv: readonly string[]): Promise<void> {
  // The original's check order.
  if (!options.services) throw new UsageError('A services expression must be specified! (-s FILE)');
  if (!options.infrastructure) throw new UsageError('An infrastructure configuration file must be specified! (-i FILE)');
  if (!options.distribution) throw new UsageError('A distribution configuration file must be specified! (-d FILE)');
  if (!options.targetProperty) throw new UsageError('A target property must be specified! (--target-property NAME, the cost)');
  const format = lastOutputMode(argv, ['nix', 'xml', 'json']) as 'nix' | 'xml' | 'json';
  const load = await import('../model/load.js');
  const loadOptions = loadOptionsOf(options);
  const [services, infrastructure] = await Promise.all([load.loadServices(options.services, loadOptions), load.loadInfrastructure(options.infrastructure, loadOptions)]);
  const distribution = await load.loadDistribution(options.distribution, { ...loadOptions, infrastructure, services });
  const { minsetcoverPlan, uncoverableWarning } = await import('../planners/graph/minsetcover.js');
  let result;
  try {
    result = minsetcoverPlan({ services, infrastructure, distribution, targetProperty: options.targetProperty });
  } catch (error) {
    const { withModelFile } = await import('../planners/common.js');
    throw withModelFile(error, { services: options.services, infrastructure: options.infrastructure, distribution: options.distribution });
  }
  const { formatDistribution } = await import('../model/write.js');
  const text = await formatDistribution(result.distribution, format, 'plain');
  // A service without a candidate cannot be covered: the job cannot be done (exit 1, docs/graph.md);
  // the cover of the others is printed on stderr, stdout stays empty.
  if (result.stats.uncoverable.length > 0) throw new PlanningError(uncoverableWarning(result.stats.uncoverable).replace(/^warning: /, ''), text);
  await emit(text);
}
