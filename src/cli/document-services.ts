/** dydisnix-document-services: HTML documentation of a services model (one page, or a page per group). */
import type { DocumentServicesOptions } from '../visualize/commands.js';
import { addModelInputOptions, createProgram, runProgram } from './program.js';

export async function main(argv: readonly string[] = process.argv): Promise<void> {
  const program = createProgram({
    name: 'dydisnix-document-services',
    description:
      'Write HTML documentation of a services model: a services table with the configured fields and a groups table. Batch mode writes <output-dir>/<group>/index.html for every group plus style.css.',
    examples: [
      'dydisnix-document-services -s fixtures/visualize/services.json --docs fixtures/visualize/docs.json > index.html',
      'dydisnix-document-services -s fixtures/visualize/services.json --docs fixtures/visualize/docs.json --batch --output-dir out -f svg',
    ],
    notes:
      'Inputs may be .xml, .json, .nix or .js/.mjs files (- reads stdin).\nIn batch mode -f FMT adds <img src="diagram.dot.FMT"> to every page (make the images with dydisnix-visualize-services --batch -f FMT, or use dydisnix-generate-services-docs).',
  });
  addModelInputOptions(program)
    .option('-s, --services <file>', 'services model (required)')
    .option('--docs <file>', 'documentation config: group descriptions, fields and their titles')
    .option('--group <group>', 'the group to document, a /-separated path (default: the root)')
    .option('--group-subservices', 'collapse the services of subgroups into one row per subgroup')
    .option('--batch', 'write <output-dir>/<group>/index.html for the root and every group, and style.css')
    .option('--output-dir <dir>', 'output folder of batch mode', '.')
    .option('-o, --output <file>', 'write the page to FILE (atomically) instead of stdout')
    .option('-f, --format <format>', 'image format of the diagrams the pages show (batch mode)')
    .action(async (options: DocumentServicesOptions) => {
      const { documentServicesCommand } = await import('../visualize/commands.js');
      await documentServicesCommand(options);
    });
  await runProgram(program, argv);
}
