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
      'dydisnix-visualize --state-dir ~/.local/state/dydisnix -p default -f svg -o live.svg',
    ],
    notes:
      'Without -s/-i/-d the architecture is read from <state-dir>/<profile>/manifest.json (written by dydisnix-env).\nDefault state dir: $XDG_STATE_HOME/dydisnix (else ~/.local/state/dydisnix); default profile: default.\nA deployment state is drawn with each service marked running / dead / not checked: process units are checked like dydisnix-env does before a run (the recorded PID still runs with its start time); --no-live leaves the marks out.\n-f renders with Graphviz dot (svg, png, pdf, …) to stdout or to -o FILE; binary formats (png, pdf, …) are never written to a terminal.',
  });
  addModelInputOptions(program)
    .option('-s, --services <file>', 'services model')
    .option('-i, --infrastructure <file>', 'infrastructure model')
    .option('-d, --distribution <file>', 'distribution model')
    .option('--state-dir <dir>', 'state folder of deployments (instead of -s/-i/-d)')
    .option('-p, --profile <name>', 'deployment profile in the state folder (default: default)')
    .option('--live', 'mark every service running / dead / not checked (the default when reading a deployment state)')
    .option('--no-live', 'draw a deployment state without checking whether its services run')
    .option('--no-containers', 'leave out the container clusters: services directly inside their target')
    .option('-o, --output <file>', 'write the DOT or the rendered image to FILE (atomically) instead of stdout')
    .option('-f, --format <format>', 'render with Graphviz dot in this format (svg, png, pdf, …)')
    .action(async (options: VisualizeOptions) => {
      const { visualizeCommand } = await import('../visualize/commands.js');
      // The check belongs to the deployment layer; visualize only gets the probe (layers point down).
      await visualizeCommand(options, {
        liveProbe: (profileDir) => async (instance) => {
          const { localProbe } = await import('../deploy/liveness.js');
          return localProbe(profileDir).probe(instance);
        },
      });
    });
  await runProgram(program, argv);
}
