/** dydisnix-id-assign: unique numeric IDs (ports, UIDs, GIDs) from resource pools. */
import { DydisnixError, OutputError, UsageError } from '../errors.js';
import { emit } from '../io/atomic.js';
import type { LoadOptions } from '../model/load.js';
import { addModelInputOptions, addOutputFormatOptions, createProgram, outputFormatOf, runProgram } from './program.js';
import { loadOptionsOf } from '../model/load-options.js';

interface IdAssignOptions {
  services?: string;
  infrastructure?: string;
  distribution?: string;
  idResources?: string;
  ids?: string;
  serviceProperty: string;
  outputFile?: string;
  extraParams?: string;
  showTrace?: boolean;
  xml?: boolean;
  outputXml?: boolean;
  outputJson?: boolean;
}

export async function main(argv: readonly string[] = process.argv): Promise<void> {
  const program = createProgram({
    name: 'dydisnix-id-assign',
    description:
      'Assign unique numeric IDs (TCP ports, UIDs, GIDs, …) from the pools of an ID resources model to the services that ' +
      'list the resource in their requiresUniqueIdsFor property, keeping the previous assignments that are still valid.',
    examples: [
      'dydisnix-id-assign -s services.nix -i infrastructure.nix -d distribution.nix --id-resources idresources.nix --ids ids.nix --output-file ids.nix',
      'dydisnix-id-assign -s services.nix --id-resources idresources.nix --output-file ids.nix',
      'dydisnix-id-assign -s fixtures/ids/story/services-v1.json --id-resources fixtures/ids/story/idresources.json --output-json',
    ],
    notes: [
      'Modes: with -d (and -i to load it) only deployed services get IDs and "machine" scope is unique per target;',
      'without -d every service gets IDs and only "global" scope is allowed.',
      'With --ids, an assignment is kept while the service exists, still lists the resource, is still deployed (with -d)',
      'and its ID is still in the pool; new IDs follow the last one handed out (lastAssignments), wrapping to min.',
      'Updating in place (--ids ids.nix --output-file ids.nix) is safe: a failed run leaves the file untouched.',
      'Exit status: 0 ok, 1 a pool is depleted, 2 usage error or invalid model.',
    ].join('\n'),
  });
  addOutputFormatOptions(
    addModelInputOptions(program)
      .option('-s, --services <file>', 'services model (required)')
      .option('-i, --infrastructure <file>', 'infrastructure model (needed to load the distribution)')
      .option('-d, --distribution <file>', 'distribution model: assign IDs to deployed services only (distribution mode)')
      .option('--id-resources <file>', 'ID resources model: the pools (required)')
      .option('--ids <file>', 'previous IDs model, whose still-valid assignments are kept')
      .option('--service-property <name>', 'service property listing the resources a service needs IDs from', 'requiresUniqueIdsFor')
      .option('--output-file <file>', 'write the IDs model to this file (atomically) instead of stdout'),
  ).action(async (options: IdAssignOptions) => {
    await run(options);
  });
  await runProgram(program, argv);
}

async function run(options: IdAssignOptions): Promise<void> {
  if (!options.services) throw new UsageError('A services expression must be specified! (-s FILE)');
  if (!options.idResources) throw new UsageError('An ID resources expression must be specified! (--id-resources FILE)');
  if (options.serviceProperty.trim() === '') throw new UsageError('A service property must be specified! (--service-property NAME)');
  const fromStdin = (
    [
      ['-s', options.services],
      ['-i', options.distribution ? options.infrastructure : undefined],
      ['-d', options.distribution],
      ['--id-resources', options.idResources],
      ['--ids', options.ids],
    ] as const
  ).filter(([, file]) => file === '-');
  if (fromStdin.length > 1) {
    const names = fromStdin.map(([option]) => option);
    throw new UsageError(`standard input (-) can feed only one model, but ${names.slice(0, -1).join(', ')} and ${names.at(-1)} read it`);
  }
  // As in the original, -i is needed only to evaluate a distribution function ({infrastructure}: …);
  // a JSON or XML distribution names its targets and loads without it.
  if (options.distribution && !options.infrastructure && /\.(nix|js|mjs)$/i.test(options.distribution)) {
    throw new UsageError('distribution mode (-d) needs the infrastructure model to load the distribution: add -i FILE');
  }
  const load = await import('../model/load.js');
  const { assignIds } = await import('../ids/assign.js');
  const { formatIds } = await import('../model/write.js');
  const loadOptions: LoadOptions = loadOptionsOf(options);
  // Loaded in parallel (Nix evaluations are slow); the first failure in option order is reported.
  const [services, resources, previous, infrastructure] = await settleInOrder([
    load.loadServices(options.services, loadOptions),
    load.loadIdResources(options.idResources, loadOptions),
    options.ids !== undefined ? load.loadIds(options.ids, loadOptions) : Promise.resolve(undefined),
    options.distribution && options.infrastructure ? load.loadInfrastructure(options.infrastructure, loadOptions) : Promise.resolve(undefined),
  ] as const);
  const distribution = options.distribution
    ? await load.loadDistribution(options.distribution, { ...loadOptions, ...(infrastructure ? { infrastructure } : {}), services })
    : undefined;
  const result = assignIds({
    services,
    resources,
    previous,
    distribution,
    serviceProperty: options.serviceProperty,
    resourcesFile: options.idResources,
  });
  for (const warning of result.warnings.slice(0, MAX_WARNINGS)) process.stderr.write(`dydisnix-id-assign: warning: ${warning}\n`);
  if (result.warnings.length > MAX_WARNINGS) {
    process.stderr.write(`dydisnix-id-assign: warning: … and ${result.warnings.length - MAX_WARNINGS} more warnings\n`);
  }
  const text = await formatIds(result.ids, outputFormatOf(options));
  try {
    await emit(text.endsWith('\n') ? text : `${text}\n`, options.outputFile);
  } catch (error) {
    if (options.outputFile === undefined || !(error instanceof DydisnixError)) throw error;
    // The original's message; the status is the contract's (a path problem is a usage error).
    const message = `Cannot write to output file: ${error.message.replace(/^cannot write /, '')}`;
    throw error instanceof UsageError ? new UsageError(message) : new OutputError(message);
  }
}

/** Collisions after a scope change can be many; the first ones say enough. */
const MAX_WARNINGS = 50;

/** Like Promise.all, but when several fail the error reported is the first in list order. */
async function settleInOrder<T extends readonly Promise<unknown>[]>(promises: T): Promise<{ -readonly [K in keyof T]: Awaited<T[K]> }> {
  const results = await Promise.allSettled(promises);
  const failed = results.find((result) => result.status === 'rejected');
  if (failed) throw failed.reason;
  return results.map((result) => (result as PromiseFulfilledResult<unknown>).value) as { -readonly [K in keyof T]: Awaited<T[K]> };
}
