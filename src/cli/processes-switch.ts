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
  runtimeDir?: string;
  logDir?: string;
  tmpDir?: string;
  cacheDir?: string;
  forceDisableUserChange?: boolean;
  extraParams?: string;
  oldProfile?: string;
  strict?: boolean;
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
      'Folders (as nixproc-disnix-switch): the processes get stateDir = --state-dir (else $NIXPROC_STATE_DIR, else the default state folder),',
      'runtimeDir = <stateDir>/run (PID files), logDir = <stateDir>/log, tmpDir = <stateDir>/tmp, cacheDir = <stateDir>/cache, each changed',
      'by its option or $NIXPROC_<NAME>_DIR; they are created before the switch. The deployment records stay in <state-dir>/<profile>.',
      NO_ROLLBACK_HELP,
    ].join('\n'),
  });
  addGenerationOptions(addTransitionOptions(addStateOptions(program, DEFAULT_PROFILE)))
    .argument('[processes]', 'processes model (.json, .js/.mjs or .nix)')
    .option('--undeploy', 'stop every process of the profile')
    .option('--rollback', 'switch back to the previous generation')
    .option('--switch-generation <n>', 'switch to generation N')
    .option('--show-trace', 'pass --show-trace to Nix evaluations')
    .option('--runtime-dir <dir>', 'where the PID files are stored (default <state-dir>/run)')
    .option('--log-dir <dir>', 'where the processes store their log files (default <state-dir>/log)')
    .option('--tmp-dir <dir>', 'where the processes store temp files (default <state-dir>/tmp)')
    .option('--cache-dir <dir>', 'where the processes store cache files (default <state-dir>/cache)')
    .option('--force-disable-user-change', 'create no users or groups and change no user permissions, even as root')
    .option('--extra-params <expr>', 'an attrset (Nix expression or JSON) of extra arguments for the processes function')
    .option('--strict', 'a misspelt key in the processes model (e.g. dependencie) is an error instead of a warning')
    .option('-o, --old-profile <path>', 'the deployment to switch from (a manifest file, or a profile folder holding manifest.json) instead of the current one')
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
      const { processesManifest, initProcessDirs } = await import('../deploy/processes.js');
      const { extraParamsAsJs } = await import('../model/load.js');
      const { profileDir } = await import('../deploy/state.js');
      const env = process.env;
      const { manifest, args } = await processesManifest(processes, deployOptions.stateDir, {
        ...definedOnly({
          stateDir: options.stateDir ?? env.NIXPROC_STATE_DIR,
          runtimeDir: options.runtimeDir ?? env.NIXPROC_RUNTIME_DIR,
          logDir: options.logDir ?? env.NIXPROC_LOG_DIR,
          tmpDir: options.tmpDir ?? env.NIXPROC_TMP_DIR,
          cacheDir: options.cacheDir ?? env.NIXPROC_CACHE_DIR,
        }),
        ...(options.forceDisableUserChange || env.NIXPROC_FORCE_DISABLE_USER_CHANGE === '1' ? { forceDisableUserChange: true } : {}),
        showTrace: options.showTrace ?? false,
        profileDir: profileDir(deployOptions.stateDir, deployOptions.profile),
        ...(deployOptions.dryRun ? { dryRun: true } : {}),
        ...(deployOptions.log ? { log: deployOptions.log } : {}),
        ...(options.strict ? { strict: true } : {}),
        extraParams: await extraParamsAsJs(options.extraParams !== undefined ? { extraParams: options.extraParams } : {}),
      });
      if (options.oldProfile !== undefined) {
        const { readOldProfile } = await import('../deploy/state.js');
        deployOptions.from = await readOldProfile(options.oldProfile);
      }
      if (!deployOptions.dryRun) await initProcessDirs(args);
      await deploy({ kind: 'switch', manifest }, deployOptions);
    });
  await runProgram(program, normaliseArgv(argv));
}

function definedOnly<T extends Record<string, string | undefined>>(values: T): { [K in keyof T]?: string } {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined && value !== '')) as { [K in keyof T]?: string };
}
