/** dydisnix-graphcol: every dependency over the network with the fewest machines (reference §1.6, §3.6). */
import { UsageError } from '../errors.js';
import { emit } from '../io/atomic.js';
import { loadOptionsOf } from '../model/load-options.js';
import { addExactOptions, exactOptionsOf, lastOutputMode, type ExactCliOptions, type ModelCliOptions } from '../planners/graph/cli-support.js';
import { addModelInputOptions, createProgram, runProgram } from './program.js';

interface GraphcolCliOptions extends ModelCliOptions, ExactCliOptions {
  services?: string;
  infrastructure?: string;
  distribution?: string;
  output?: string;
  searchBudget?: string;
}

export async function main(argv: readonly string[] = process.argv): Promise<void> {
  const program = createProgram({
    name: 'dydisnix-graphcol',
    description:
      'Colour the dependency graph with the targets (in sorted order) so that no two dependent services share a target, using as few targets as possible: DSatur, then an exact search when DSatur needs more colours than there are targets.',
    examples: [
      'dydisnix-graphcol -s services.nix -i infrastructure.nix',
      'dydisnix-graphcol -s fixtures/graph/services.json -i fixtures/graph/infrastructure-3.json --output-json',
      'dydisnix-graphcol -s services.json -i infrastructure.json -d distribution.json --output-resolved-graph | dot -Tsvg > colouring.svg',
      'dydisnix-graphcol -s services.json -i infrastructure.json --exact --time-limit 10 --explain',
    ],
    notes:
      'Output: a Nix expression by default; --output-xml, --output-json, --output-graph (the uncoloured graph as DOT, always exit 0) or --output-resolved-graph (coloured). The last one given wins.\nExit status 1 when no colouring was found; the message says whether that is proven or the search budget ran out.',
  });
  addExactOptions(addModelInputOptions(program))
    .option('-s, --services <file>', 'services model')
    .option('-i, --infrastructure <file>', 'infrastructure model (its targets are the colours)')
    .option('-d, --distribution <file>', 'restrict every service to its candidate targets')
    .option('--search-budget <nodes>', 'search nodes the exact search may visit before giving up', '1000000')
    .option('--output-xml', 'write the XML form instead of a Nix expression')
    .option('--output-json', 'write the JSON form instead of a Nix expression')
    .option('--output-graph', 'write the dependency graph (uncoloured) as DOT')
    .option('-o, --output <file>', 'write the output to FILE (atomically) instead of stdout')
    .option('--output-resolved-graph', 'write the coloured graph as DOT')
    .action(async (options: GraphcolCliOptions) => {
      await run(options, argv);
    });
  await runProgram(program, argv);
}

async function run(options: GraphcolCliOptions, argv: readonly string[]): Promise<void> {
  if (!options.services) throw new UsageError('A services expression must be specified! (-s FILE)');
  if (!options.infrastructure) throw new UsageError('An infrastructure configuration file must be specified! (-i FILE)');
  const budget = Number(options.searchBudget);
  if (!Number.isSafeInteger(budget) || budget < 0) throw new UsageError(`--search-budget must be a non-negative integer, not ${JSON.stringify(options.searchBudget)}`);
  const exact = exactOptionsOf(options);
  const mode = lastOutputMode(argv, ['nix', 'xml', 'json', 'graph', 'resolved-graph']);
  const load = await import('../model/load.js');
  const loadOptions = loadOptionsOf(options);
  const [services, infrastructure] = await Promise.all([load.loadServices(options.services, loadOptions), load.loadInfrastructure(options.infrastructure, loadOptions)]);
  const distribution = options.distribution ? await load.loadDistribution(options.distribution, { ...loadOptions, infrastructure, services }) : undefined;
  const planner = await import('../planners/graph/graphcol.js');
  const graph = planner.graphcolGraph({ services, infrastructure, ...(distribution ? { distribution } : {}) });
  if (mode === 'graph') {
    const { graphcolDot } = await import('../planners/graph/dot.js');
    await emit(await graphcolDot(graph), options.output);
    return;
  }
  let resolved;
  if (exact) {
    const [{ solveGraphcolExact }, { exactMessages }] = await Promise.all([import('../planners/graph/exact-graphcol.js'), import('../planners/graph/exact.js')]);
    const solution = await solveGraphcolExact(graph, { ...exact, searchBudget: budget });
    resolved = solution.resolved;
    for (const message of exactMessages(solution.report, options.explain === true)) process.stderr.write(`dydisnix-graphcol: ${message}\n`);
  } else {
    const solution = planner.solveGraphcol(graph, { searchBudget: budget });
    resolved = solution.resolved;
    if (options.explain) process.stderr.write(`dydisnix-graphcol: ${(await import('../planners/graph/exact.js')).heuristicOnlyMessage('targets used', solution.stats.coloursUsed)}\n`);
  }
  if (mode === 'resolved-graph') {
    const { graphcolDot } = await import('../planners/graph/dot.js');
    await emit(await graphcolDot(resolved), options.output);
    return;
  }
  const { formatDistribution } = await import('../model/write.js');
  await emit(await formatDistribution(planner.colouringDistribution(resolved), mode, 'plain'), options.output);
}
