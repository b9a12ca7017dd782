/** dydisnix-visualize-infra: the infrastructure model as a DOT graph (a cluster per target with its containers). */
import type { VisualizeInfraOptions } from '../visualize/commands.js';
import { addModelInputOptions, createProgram, runProgram } from './program.js';

export async function main(argv: readonly string[] = process.argv): Promise<void> {
  const program = createProgram({
    name: 'dydisnix-visualize-infra',
    description: 'Draw the infrastructure model as a Graphviz DOT graph: one box per target machine with its hostname and chosen properties, holding its containers.',
    examples: [
      'dydisnix-visualize-infra -i fixtures/visualize/infrastructure.json',
      'dydisnix-visualize-infra -i fixtures/visualize/infrastructure.json -f svg > infrastructure.svg',
      'dydisnix-visualize-infra -i fixtures/visualize/infrastructure.json --properties mem,zones -f png -o infrastructure.png',
    ],
    notes: 'Inputs may be .xml, .json, .nix or .js/.mjs files (- reads stdin).\n-f renders with Graphviz dot (svg, png, pdf, …) to stdout or to -o FILE; binary formats (png, pdf, …) are never written to a terminal.',
  });
  addModelInputOptions(program)
    .option('-i, --infrastructure <file>', 'infrastructure model (required)')
    .option('--properties <names>', 'comma-separated target properties to show under the hostname (* for all; default: mem,cpu,numOfCores,system,supportedTypes where set)')
    .option('-o, --output <file>', 'write the DOT or the rendered image to FILE (atomically) instead of stdout')
    .option('-f, --format <format>', 'render with Graphviz dot in this format (svg, png, pdf, …)')
    .action(async (options: VisualizeInfraOptions) => {
      const { visualizeInfraCommand } = await import('../visualize/commands.js');
      await visualizeInfraCommand(options);
    });
  await runProgram(program, argv);
}
