/** dydisnix-visualize-services: the services model as a DOT graph (one group, or every group in batch mode). */
import type { VisualizeServicesOptions } from '../visualize/commands.js';
import { addModelInputOptions, createProgram, runProgram } from './program.js';

export async function main(argv: readonly string[] = process.argv): Promise<void> {
  const program = createProgram({
    name: 'dydisnix-visualize-services',
    description:
      'Draw the services model as a Graphviz DOT graph: the services of a group with their outside dependencies and dependants. Subgroups can be collapsed into group nodes; batch mode writes a diagram for every group.',
    examples: [
      'dydisnix-visualize-services -s fixtures/visualize/services.json',
      'dydisnix-visualize-services -s fixtures/visualize/services.json --group services --group-subservices -f svg > services.svg',
      'dydisnix-visualize-services -s fixtures/visualize/services.json --batch --output-dir out -f svg',
    ],
    notes:
      'Inputs may be .xml, .json, .nix or .js/.mjs files (- reads stdin).\n-f renders with Graphviz dot (svg, png, pdf, …): to stdout or -o FILE (binary formats never to a terminal), or beside each diagram.dot in batch mode.',
  });
  addModelInputOptions(program)
    .option('-s, --services <file>', 'services model (required)')
    .option('--group <group>', 'the group to draw, a /-separated path (default: the root, all services)')
    .option('--group-subservices', 'collapse the services of subgroups into one node per subgroup')
    .option('--batch', 'write <output-dir>/<group>/diagram.dot for the root and every group (subgroups always collapsed)')
    .option('--output-dir <dir>', 'output folder of batch mode', '.')
    .option('-o, --output <file>', 'write the DOT or the rendered image to FILE (atomically) instead of stdout')
    .option('-f, --format <format>', 'render with Graphviz dot in this format (svg, png, pdf, …)')
    .action(async (options: VisualizeServicesOptions) => {
      const { visualizeServicesCommand } = await import('../visualize/commands.js');
      await visualizeServicesCommand(options);
    });
  await runProgram(program, argv);
}
