/** dydisnix-xml: convert any model to its XML form (or JSON with --output-json). */
import { UsageError } from '../errors.js';
import { emit } from '../io/atomic.js';
import type { LoadOptions } from '../model/load.js';
import type { ModelKind } from '../model/types.js';
import { addModelInputOptions, createProgram, runProgram } from './program.js';
import { loadOptionsOf } from '../model/load-options.js';

interface XmlOptions {
  services?: string;
  infrastructure?: string;
  distribution?: string;
  ports?: string;
  docs?: string;
  idResources?: string;
  ids?: string;
  extraParams?: string;
  showTrace?: boolean;
  xml?: boolean;
  outputJson?: boolean;
  outputNix?: boolean;
}

export async function main(argv: readonly string[] = process.argv): Promise<void> {
  const program = createProgram({
    name: 'dydisnix-xml',
    description: 'Convert a Disnix model (services, infrastructure, distribution, ID resources, IDs or docs config) to its XML form.',
    examples: [
      'dydisnix-xml -s fixtures/example/services.nix',
      'dydisnix-xml -i fixtures/example/infrastructure.json -d fixtures/example/distribution.nix',
      'dydisnix-xml --id-resources fixtures/example/idresources.xml --output-json',
    ],
    notes: 'Inputs may be .xml, .json, .nix or .js/.mjs files (detected by extension, else by content); - reads stdin.\nEnvironment: DISNIX_TARGET_PROPERTY (default hostname) resolves Nix distribution targets.',
  });
  addModelInputOptions(program)
    .option('-s, --services <file>', 'services model')
    .option('-i, --infrastructure <file>', 'infrastructure model')
    .option('-d, --distribution <file>', 'distribution model (needs -i)')
    .option('-p, --ports <file>', 'legacy ports model (not supported)')
    .option('--docs <file>', 'documentation config')
    .option('--id-resources <file>', 'ID resources model')
    .option('--ids <file>', 'IDs model')
    .option('--output-json', 'write the JSON form instead of XML')
    .option('--output-nix', 'write the Nix form instead of XML')
    .action(async (options: XmlOptions) => {
      await emit(await convert(options));
    });
  await runProgram(program, argv);
}

async function convert(options: XmlOptions): Promise<string> {
  const load = await import('../model/load.js');
  const write = await import('../model/write.js');
  if (options.outputJson && options.outputNix) throw new UsageError('--output-json and --output-nix exclude each other: choose one');
  const format = options.outputJson ? 'json' : options.outputNix ? 'nix' : 'xml';
  const loadOptions: LoadOptions = loadOptionsOf(options);
  // The original's dispatch order.
  if (options.services) return write.formatServices(await load.loadServices(options.services, loadOptions), format);
  if (options.distribution) {
    if (!options.infrastructure) throw new UsageError('a distribution model needs the infrastructure model: add -i FILE');
    const infrastructure = await load.loadInfrastructure(options.infrastructure, loadOptions);
    return write.formatDistribution(await load.loadDistribution(options.distribution, { ...loadOptions, infrastructure }), format);
  }
  if (options.infrastructure) return write.formatInfrastructure(await load.loadInfrastructure(options.infrastructure, loadOptions), format);
  if (options.ports) throw new UsageError('the legacy ports model is not supported (the original has no ports.xsl either); use --id-resources and --ids');
  const simple: [string | undefined, ModelKind, () => Promise<string>][] = [
    [options.docs, 'docs', async () => write.formatDocsConfig(await load.loadDocsConfig(options.docs!, loadOptions), format)],
    [options.idResources, 'idresources', async () => write.formatIdResources(await load.loadIdResources(options.idResources!, loadOptions), format)],
    [options.ids, 'ids', async () => write.formatIds(await load.loadIds(options.ids!, loadOptions), format)],
  ];
  const chosen = simple.find(([file]) => file !== undefined);
  if (chosen) return chosen[2]();
  throw new UsageError("Don't know how to generate XML from the given input files. Are all models correctly specified? (use -s, -i, -d with -i, --docs, --id-resources or --ids)");
}
