/** dydisnix-generate-services-docs: a browsable HTML catalogue of a services model, with diagrams. */
import type { GenerateDocsOptions } from '../visualize/commands.js';
import { addModelInputOptions, createProgram, runProgram } from './program.js';

export async function main(argv: readonly string[] = process.argv): Promise<void> {
  const program = createProgram({
    name: 'dydisnix-generate-services-docs',
    description:
      'Generate a browsable HTML catalogue of a services model: for the root and every group a page with its diagram, a services table and links to the subgroups (visualize-services --batch plus document-services --batch).',
    examples: [
      'dydisnix-generate-services-docs -s fixtures/visualize/services.json --docs fixtures/visualize/docs.json --output-dir catalogue --image-format svg',
      'dydisnix-generate-services-docs -s fixtures/visualize/services.json --output-dir catalogue -f png',
    ],
    notes:
      'Writes <output-dir>/index.html, diagram.dot[.FMT], style.css and <group>/{index.html,diagram.dot[.FMT]}.\nWithout an image format only the DOT files are written and each page says how to add the pictures. Images need Graphviz dot.',
  });
  addModelInputOptions(program)
    .option('-s, --services <file>', 'services model (required)')
    .option('--docs <file>', 'documentation config: group descriptions, fields and their titles')
    .option('--output-dir <dir>', 'output folder of the catalogue', '.')
    .option('-f, --format <format>', 'image format of the diagrams (svg, png, pdf, …); same as --image-format')
    .option('--image-format <format>', 'image format of the diagrams (svg, png, …)')
    .action(async (options: GenerateDocsOptions) => {
      const { generateServicesDocsCommand } = await import('../visualize/commands.js');
      await generateServicesDocsCommand(options);
    });
  await runProgram(program, argv);
}
