/** dydisnix-visualize-infra: the infrastructure model as a DOT graph (a cluster per target with its containers). */
import type { VisualizeInfraOptions } from '../visualize/commands.js';
import { addModelInputOptions, createProgram, runProgram } from './program.js';

export async function main(argv: readonly string[] = process.argv): Promise<void> {
  const program = createProgram({
    name: 'dydisnix-visualize-infra',
    description: 'Draw the infrastructure model as a Graphviz DOT graph: one cluster per target machine holding its containers.',
    examples: [
      'dydisnix-visualize-infra -i fixtures/visualize/infrastructure.json',
      'dydisnix-visualize-infra -i fixtures/visualize/infrastructure.json -f svg > infrastructure.svg',
    ],
    notes: 'Inputs may be .xml, .json, .nix or .js/.mjs files (- reads stdin).\n-f renders with Graphviz dot (svg, png, pdf, …) to stdout.',
  });
  addModelInputOptions(program)
    .option('-i, --infrastructure <file>', 'infrastructure model (required)')
    .option('-f, --format <format>', 'render with Graphviz dot in this format (svg, png, pdf, …)')
    .action(async (options: VisualizeInfraOptions) => {
      const { visualizeInfraCommand } = await import('../visualize/commands.js');
      await visualizeInfraCommand(options);
    });
  await runProgram(program, argv);
}
