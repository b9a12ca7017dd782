/** dydisnix-previous-distribution: the distribution of the current deployment of a profile. */
import { ActivationError } from '../errors.js';
import { addOutputFormatOptions, createProgram, outputFormatOf, runProgram } from './program.js';

interface PreviousOptions {
  stateDir?: string;
  profile?: string;
  outputXml?: boolean;
  outputJson?: boolean;
}

export async function main(argv: readonly string[] = process.argv): Promise<void> {
  const program = createProgram({
    name: 'dydisnix-previous-distribution',
    description:
      'Print the distribution of the current deployment: from the deployment state (--state-dir, -p) or from a manifest.json file. ' +
      'Items carry their container when any mapping\'s container differs from its service\'s type, else they are plain target names.',
    examples: [
      'dydisnix-previous-distribution',
      'dydisnix-previous-distribution --state-dir /tmp/state -p demo --output-json',
      'dydisnix-previous-distribution ~/.local/state/dydisnix/default/manifest.json',
    ],
    notes: 'Default state dir: $XDG_STATE_HOME/dydisnix (else ~/.local/state/dydisnix); default profile: default.\nExit status: 1 when nothing was ever deployed in the profile.',
  });
  addOutputFormatOptions(program)
    .argument('[manifest]', 'a manifest.json file (instead of the state folder)')
    .option('--state-dir <dir>', 'deployment state folder')
    .option('-p, --profile <name>', 'deployment profile', 'default')
    .action(async (file: string | undefined, options: PreviousOptions) => {
      const state = await import('../deploy/state.js');
      const { manifestDistribution, parseManifest } = await import('../deploy/manifest.js');
      let distribution;
      if (file !== undefined) {
        const { readText } = await import('../io/input.js');
        distribution = manifestDistribution(parseManifest(await readText(file), file));
      } else {
        const stateDir = options.stateDir ?? state.defaultStateDir();
        const profile = options.profile ?? state.DEFAULT_PROFILE;
        distribution = await state.previousDistributionFromState(stateDir, profile);
        if (distribution === null) throw new ActivationError(`no deployment in profile "${profile}": ${state.manifestFile(stateDir, profile)} does not exist`);
      }
      const { formatDistribution } = await import('../model/write.js');
      const text = await formatDistribution(distribution, outputFormatOf(options));
      process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
    });
  await runProgram(program, argv);
}
