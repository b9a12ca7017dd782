/** dydisnix-visualize: the deployment architecture (machines, containers, services, dependencies) as DOT. */
import type { VisualizeOptions } from '../visualize/commands.js';
import { addModelInputOptions, createProgram, runProgram } from './program.js';

export async function main(argv: readonly string[] = process.argv): Promise<void> {
  const program = createProgram({
    name: 'dydisnix-visualize',
    description:
      'Draw the deployment architecture as a Graphviz DOT graph, like disnix-visualize: a cluster per target, inside it a cluster per container, a node per deployed service; dependencies solid, connectsTo dashed. Reads -s/-i/-d, or else the current manifest of a deployment (--state-dir, -p).',
    examples: [
      'dydisnix-visualize -s fixtures/visualize/services.json -i fixtures/visualize/infrastructure.json -d fixtures/visualize/distribution.json',
      'dydisnix-visualize -s fixtures/visualize/services.json -i fixtures/visualize/infrastructure.json -d fixtures/visualize/distribution.json --no-containers -f svg > deployment.svg',
      'dydisnix-visualize --state-dir ~/.local/state/dydisnix -p default',
    ],
    notes:
      'Without -s/-i/-d the architecture is read from <state-dir>/<profile>/manifest.json (written by dydisnix-env).\nDefault state dir: $XDG_STATE_HOME/dydisnix (else ~/.local/state/dydisnix); default profile: default.\n-f renders with Graphviz dot (svg, png, pdf, …) to stdout.',
  });
  addModelInputOptions(program)
    .option('-s, --services <file>', 'services model')
    .option('-i, --infrastructure <file>', 'infrastructure model')
    .option('-d, --distribution <file>', 'distribution model')
    .option('--state-dir <dir>', 'state folder of deployments (instead of -s/-i/-d)')
    .option('-p, --profile <name>', 'deployment profile in the state folder (default: default)')
    .option('--no-containers', 'leave out the container clusters: services directly inside their target')
    .option('-f, --format <format>', 'render with Graphviz dot in this format (svg, png, pdf, …)')
    .action(async (options: VisualizeOptions) => {
      const { visualizeCommand } = await import('../visualize/commands.js');
      await visualizeCommand(options);
    });
  await runProgram(program, argv);
}
