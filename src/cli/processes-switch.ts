/** dydisnix-processes-switch: deploy a processes model on this machine, like nixproc-disnix-switch. */
import {
  addGenerationOptions,
  addStateOptions,
  addTransitionOptions,
  deployOptionsOf,
  normaliseArgv,
  positiveInt,
  reportSwitch,
  runGenerationOptions,
  NO_ROLLBACK_HELP,
  type DeployCliOptions,
  type GenerationCliOptions,
} from '../deploy/cli-options.js';
import { UsageError } from '../errors.js';
import { createProgram, runProgram } from './program.js';

interface SwitchCliOptions extends DeployCliOptions, GenerationCliOptions {
  undeploy?: boolean;
  rollback?: boolean;
  switchGeneration?: string;
  showTrace?: boolean;
}

const DEFAULT_PROFILE = 'processes';

export async function main(argv: readonly string[] = process.argv): Promise<void> {
  const program = createProgram({
    name: 'dydisnix-processes-switch',
    description:
      'Deploy a processes model on this machine: every process becomes a service of type "process" (its dependencies are started first), ' +
      'on one "localhost" target whose runtimeDir is <state-dir>/<profile>/run, then the transition runs as in dydisnix-env.',
    examples: [
      'dydisnix-processes-switch processes.json',
      'dydisnix-processes-switch --dry-run processes.js',
      'dydisnix-processes-switch --rollback',
      'dydisnix-processes-switch --list-generations',
      'dydisnix-processes-switch --undeploy',
    ],
    notes: [
      'PROCESSES: .json { "name": { "pkg": "dir", "dependencies": ["other"], "environment": {…} } }, a .js module exporting that (or a function',
      'of {stateDir, runtimeDir, logDir, tmpDir, cacheDir, system, processManager, forceDisableUserChange}), or the same as a .nix function.',
      'The file may also come from $NIXPROC_PROCESSES. Default profile: processes.',
      NO_ROLLBACK_HELP,
    ].join('\n'),
  });
  addGenerationOptions(addTransitionOptions(addStateOptions(program, DEFAULT_PROFILE)))
    .argument('[processes]', 'processes model (.json, .js/.mjs or .nix)')
    .option('--undeploy', 'stop every process of the profile')
    .option('--rollback', 'switch back to the previous generation')
    .option('--switch-generation <n>', 'switch to generation N')
    .option('--show-trace', 'pass --show-trace to Nix evaluations')
    .action(async (file: string | undefined, options: SwitchCliOptions) => {
      const deployOptions = deployOptionsOf(options, 'dydisnix-processes-switch', DEFAULT_PROFILE);
      if (await runGenerationOptions(options, deployOptions)) return;
      const { deploy } = await import('../deploy/deploy.js');
      if (options.undeploy && options.rollback) throw new UsageError('--undeploy and --rollback exclude each other');
      if (options.undeploy) return void (await deploy({ kind: 'undeploy' }, deployOptions));
      if (options.rollback || options.switchGeneration !== undefined) {
        const generation = options.switchGeneration !== undefined ? positiveInt(options.switchGeneration, '--switch-generation') : undefined;
        const result = await deploy({ kind: 'rollback', ...(generation !== undefined ? { generation } : {}) }, deployOptions);
        if (result.status !== 'dry-run') reportSwitch(result.generation);
        return;
      }
      const processes = file ?? process.env.NIXPROC_PROCESSES;
      if (!processes) throw new UsageError('a processes model must be given: dydisnix-processes-switch PROCESSES (or set NIXPROC_PROCESSES)');
      const { processesManifest } = await import('../deploy/processes.js');
      const { profileDir } = await import('../deploy/state.js');
      const manifest = await processesManifest(processes, profileDir(deployOptions.stateDir, deployOptions.profile), options.showTrace ?? false, {
        ...(deployOptions.dryRun ? { dryRun: true } : {}),
        ...(deployOptions.log ? { log: deployOptions.log } : {}),
      });
      await deploy({ kind: 'switch', manifest }, deployOptions);
    });
  await runProgram(program, normaliseArgv(argv));
}
