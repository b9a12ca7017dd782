/** dydisnix-augment-infra: add what discovery cannot see to an infrastructure model, print the result. */
import { UsageError } from '../errors.js';
import { emit } from '../io/atomic.js';
import { addModelInputOptions, addOutputFormatOptions, createProgram, outputFormatOf, runProgram } from './program.js';
import { loadOptionsOf } from '../model/load-options.js';

interface AugmentCliOptions {
  infrastructure?: string;
  augment?: string;
  extraParams?: string;
  showTrace?: boolean;
  xml?: boolean;
  outputXml?: boolean;
  outputJson?: boolean;
}

export async function main(argv: readonly string[] = process.argv): Promise<void> {
  const program = createProgram({
    name: 'dydisnix-augment-infra',
    description: 'Augment an infrastructure model (e.g. one made by discovery) with properties and containers, and print the result.',
    examples: [
      'dydisnix-augment-infra -i infrastructure-discovered.nix -a augment.nix',
      'dydisnix-augment-infra -i infrastructure.json -a augment.json --output-json',
      'dydisnix-augment-infra -i infrastructure.xml -a augment.mjs --output-xml',
    ],
    notes: [
      'Augmentations (-a): a Nix function {infrastructure, lib}: <infrastructure>, a .js/.mjs module exporting',
      '({infrastructure}) => infrastructure, or a JSON merge patch (RFC 7396) where the key "*" patches every target.',
    ].join('\n'),
  });
  addOutputFormatOptions(addModelInputOptions(program))
    .option('-i, --infrastructure <file>', 'infrastructure model (required)')
    .option('-a, --augment <file>', 'augmentation model (required)')
    .action(async (options: AugmentCliOptions) => {
      if (!options.infrastructure) throw new UsageError('an infrastructure model must be specified: -i FILE');
      if (!options.augment) throw new UsageError('an augment file must be specified: -a FILE');
      const { augmentInfrastructure } = await import('../augment/augment.js');
      const { formatInfrastructure } = await import('../model/write.js');
      const result = await augmentInfrastructure(options.infrastructure, options.augment, loadOptionsOf(options));
      await emit(await formatInfrastructure(result, outputFormatOf(options)));
    });
  await runProgram(program, argv);
}
