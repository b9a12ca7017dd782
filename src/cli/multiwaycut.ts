/** dydisnix-multiwaycut: co-locate dependent services to minimise network links (reference §1.5, §3.5). */
import { UsageError } from '../errors.js';
import { emit } from '../io/atomic.js';
import { loadOptionsOf } from '../model/load-options.js';
import { addExactOptions, exactOptionsOf, lastOutputMode, loadDistributionFor, type ExactCliOptions, type ModelCliOptions } from '../planners/graph/cli-support.js';
import { addModelInputOptions, createProgram, runProgram } from './program.js';

interface MultiwaycutCliOptions extends ModelCliOptions, ExactCliOptions {
  services?: string;
  infrastructure?: string;
  distribution?: string;
  output?: string;
}

export async function main(argv: readonly string[] = process.argv): Promise<void> {
  const program = createProgram({
    name: 'dydisnix-multiwaycut',
    description:
      'Put every service on one of its candidate targets with as few dependency links between targets as possible: isolating cuts by max-flow (within 2-2/k of the optimum when the cut labelling fits the candidates), then local search. Never more links than the original heuristic.',
    examples: [
      'dydisnix-multiwaycut -s services.nix -i infrastructure.nix -d distribution.nix',
      'dydisnix-multiwaycut -s fixtures/graph/services.json -i fixtures/graph/infrastructure-3.json -d fixtures/graph/distribution-3.json --output-json',
      'dydisnix-multiwaycut -s services.xml -d distribution.xml --xml --output-resolved-graph | dot -Tsvg > cut.svg',
      'dydisnix-multiwaycut -s services.json -i infrastructure.json -d distribution.json --exact --time-limit 10 --explain',
    ],
    notes:
      'Output: a Nix expression by default; --output-xml, --output-json, --output-graph (the problem graph as DOT) or --output-resolved-graph (after solving). The last one given wins.\n-i is required unless --xml is given (it resolves the targets of a Nix distribution).',
  });
  addExactOptions(addModelInputOptions(program))
    .option('-s, --services <file>', 'services model')
    .option('-i, --infrastructure <file>', 'infrastructure model (optional with --xml)')
    .option('-d, --distribution <file>', 'candidate distribution')
    .option('--output-xml', 'write the XML form instead of a Nix expression')
    .option('--output-json', 'write the JSON form instead of a Nix expression')
    .option('--output-graph', 'write the problem graph (before the cut) as DOT')
    .option('-o, --output <file>', 'write the output to FILE (atomically) instead of stdout')
    .option('--output-resolved-graph', 'write the problem graph after solving as DOT')
    .action(async (options: MultiwaycutCliOptions) => {
      await run(options, argv);
    });
  await runProgram(program, argv);
}

async function run(options: MultiwaycutCliOptions, argv: readonly string[]): Promise<void> {
  // The original's check order.
  if (!options.infrastructure && !options.xml) throw new UsageError('An infrastructure configuration file must be specified! (-i FILE, or --xml)');
  if (!options.services) throw new UsageError('A services expression must be specified! (-s FILE)');
  if (!options.distribution) throw new UsageError('A distribution configuration file must be specified! (-d FILE)');
  const exact = exactOptionsOf(options);
  const mode = lastOutputMode(argv, ['nix', 'xml', 'json', 'graph', 'resolved-graph']);
  const load = await import('../model/load.js');
  const loadOptions = loadOptionsOf(options);
  const [services, infrastructure] = await Promise.all([
    load.loadServices(options.services, loadOptions),
    options.infrastructure ? load.loadInfrastructure(options.infrastructure, loadOptions) : undefined,
  ]);
  const distribution = await loadDistributionFor(options.distribution, loadOptions, services, infrastructure);
  const planner = await import('../planners/graph/multiwaycut.js');
  const graph = planner.multiwaycutGraph({ services, distribution });
  if (mode === 'graph') {
    const { multiwaycutDot } = await import('../planners/graph/dot.js');
    await emit(await multiwaycutDot(graph), options.output);
    return;
  }
  let assignment;
  if (exact) {
    const [{ solveMultiwaycutExact }, { exactMessages }] = await Promise.all([import('../planners/graph/exact-multiwaycut.js'), import('../planners/graph/exact.js')]);
    const solution = await solveMultiwaycutExact(graph, exact);
    assignment = solution.assignment;
    for (const message of exactMessages(solution.report, options.explain === true)) process.stderr.write(`dydisnix-multiwaycut: ${message}\n`);
  } else {
    const solution = planner.solveMultiwaycut(graph);
    assignment = solution.assignment;
    if (options.explain) process.stderr.write(`dydisnix-multiwaycut: ${(await import('../planners/graph/exact.js')).heuristicOnlyMessage('cross-target links', solution.stats.links)}\n`);
  }
  if (mode === 'resolved-graph') {
    const { multiwaycutDot } = await import('../planners/graph/dot.js');
    await emit(await multiwaycutDot(planner.resolvedGraph(graph, assignment)), options.output);
    return;
  }
  const { formatDistribution } = await import('../model/write.js');
  await emit(await formatDistribution(planner.appHostDistribution(graph, assignment), mode, 'plain'), options.output);
}
