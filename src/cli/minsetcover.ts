/** dydisnix-minsetcover: greedy weighted set cover on a target cost property (reference §1.4, §3.4). */
import { PlanningError, UsageError } from '../errors.js';
import { emit } from '../io/atomic.js';
import { loadOptionsOf } from '../model/load-options.js';
import { addExactOptions, exactOptionsOf, lastOutputMode, type ExactCliOptions, type ModelCliOptions } from '../planners/graph/cli-support.js';
import { addModelInputOptions, addOutputFormatOptions, createProgram, runProgram } from './program.js';

interface MinsetcoverCliOptions extends ModelCliOptions, ExactCliOptions {
  services?: string;
  infrastructure?: string;
  distribution?: string;
  targetProperty?: string;
  output?: string;
}

export async function main(argv: readonly string[] = process.argv): Promise<void> {
  const program = createProgram({
    name: 'dydisnix-minsetcover',
    description:
      'Cover every service with a cheap set of targets: greedy weighted set cover (cost per newly covered service, ties by target name; at most H(n) times the optimum). Each service gets one of its candidates.',
    examples: [
      'dydisnix-minsetcover -s services.nix -i infrastructure.nix -d distribution.nix --target-property cost',
      'dydisnix-minsetcover -s fixtures/graph/exact-cover-services.json -i fixtures/graph/exact-cover-infrastructure.json -d fixtures/graph/exact-cover-distribution.json --target-property cost --output-json',
      'dydisnix-minsetcover -s services.json -i infrastructure.json -d distribution.json --target-property cost --exact --time-limit 10 --explain',
      'dydisnix-minsetcover -s services.json -i infrastructure.json -d distribution.json --target-property cost --output-resolved-graph | dot -Tsvg > cover.svg',
    ],
    notes:
      'Output: a Nix expression by default; --output-xml, --output-json, --output-graph (the problem graph as DOT) or --output-resolved-graph (after covering). The last one given wins.\nA missing cost property counts as 0. Services without any candidate keep an empty list; a warning on stderr names them.',
  });
  addExactOptions(addOutputFormatOptions(addModelInputOptions(program)))
    .option('-s, --services <file>', 'services model')
    .option('-i, --infrastructure <file>', 'infrastructure model')
    .option('-d, --distribution <file>', 'candidate distribution')
    .option('--target-property <name>', 'numeric target property holding the cost of a target')
    .option('--output-graph', 'write the problem graph (services, candidate machines and their costs) as DOT')
    .option('--output-resolved-graph', 'write the covering (each service on its machine, machines used and total cost) as DOT')
    .option('-o, --output <file>', 'write the output to FILE (atomically) instead of stdout')
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
  const exact = exactOptionsOf(options);
  const mode = lastOutputMode(argv, ['nix', 'xml', 'json', 'graph', 'resolved-graph']);
  const load = await import('../model/load.js');
  const loadOptions = loadOptionsOf(options);
  const [services, infrastructure] = await Promise.all([load.loadServices(options.services, loadOptions), load.loadInfrastructure(options.infrastructure, loadOptions)]);
  const distribution = await load.loadDistribution(options.distribution, { ...loadOptions, infrastructure, services });
  const planner = await import('../planners/graph/minsetcover.js');
  let graph;
  try {
    graph = planner.minsetcoverGraph({ services, infrastructure, distribution, targetProperty: options.targetProperty });
  } catch (error) {
    const { withModelFile } = await import('../planners/common.js');
    throw withModelFile(error, { services: options.services, infrastructure: options.infrastructure, distribution: options.distribution });
  }
  if (mode === 'graph') {
    const { minsetcoverDot } = await import('../planners/graph/dot.js');
    await emit(await minsetcoverDot(graph), options.output);
    return;
  }
  let solution;
  const messages: string[] = [];
  if (exact) {
    const [{ solveMinsetcoverExact }, { exactMessages }] = await Promise.all([import('../planners/graph/exact-minsetcover.js'), import('../planners/graph/exact.js')]);
    solution = await solveMinsetcoverExact(graph, exact);
    messages.push(...exactMessages(solution.report, options.explain === true));
  } else {
    solution = planner.solveMinsetcover(graph);
    if (options.explain) messages.push((await import('../planners/graph/exact.js')).heuristicOnlyMessage('total cost', solution.stats.totalCost));
  }
  const { assignment, stats } = solution;
  for (const message of messages) process.stderr.write(`dydisnix-minsetcover: ${message}\n`);
  const { appHostDistribution, resolvedGraph } = await import('../planners/graph/multiwaycut.js');
  if (mode === 'resolved-graph') {
    if (stats.uncoverable.length > 0) process.stderr.write(`dydisnix-minsetcover: ${planner.uncoverableWarning(stats.uncoverable)}\n`);
    const { minsetcoverDot } = await import('../planners/graph/dot.js');
    await emit(await minsetcoverDot(resolvedGraph(graph, assignment)), options.output);
    return;
  }
  const { formatDistribution } = await import('../model/write.js');
  const text = await formatDistribution(appHostDistribution(graph, assignment), mode, 'plain');
  // A service without a candidate cannot be covered: the job cannot be done (exit 1, docs/graph.md);
  // the cover of the others is printed on stderr, stdout stays empty.
  if (stats.uncoverable.length > 0) throw new PlanningError(planner.uncoverableWarning(stats.uncoverable).replace(/^warning: /, ''), text);
  await emit(text, options.output);
}
