/** Options shared by the deploying commands (env, processes-switch, self-adapt). */
import { Option, type Command } from 'commander';
import { UsageError } from '../errors.js';
import type { DeployOptions } from './deploy.js';
import { StatusLine } from './progress.js';
import { DEFAULT_PROFILE, checkProfileName, defaultStateDir } from './state.js';

export interface DeployCliOptions {
  stateDir?: string;
  profile?: string;
  maxConcurrentTransfers?: string;
  rollbackOnFailure?: boolean;
  dryRun?: boolean;
  timeout?: string;
  /** false with --no-progress */
  progress?: boolean;
}

export function addStateOptions(program: Command, defaultProfile = DEFAULT_PROFILE): Command {
  return program
    .option('--state-dir <dir>', 'deployment state folder (default $XDG_STATE_HOME/dydisnix, else ~/.local/state/dydisnix)')
    .option('-p, --profile <name>', `deployment profile (default ${defaultProfile})`);
}

export function addTransitionOptions(program: Command): Command {
  return program
    .option('-m, --max-concurrent-transfers <n>', 'jobs at once per target (default: the target\'s numOfCores, else 1)')
    // `--no-rollback` is rewritten to this (see normaliseArgv): commander would merge it with `--rollback`.
    .addOption(new Option('--no-rollback-on-failure', 'on a failure, stop at once instead of restoring the previous deployment').hideHelp())
    .option('--timeout <seconds>', 'kill an activation step that takes longer than this')
    .option('--dry-run', 'print the transition plan and change nothing')
    .option('--no-progress', 'no live status line on a terminal (plain progress lines only)');
}

export const NO_ROLLBACK_HELP = '--no-rollback: on a failure, stop at once instead of restoring the previous deployment (the next run settles the state).';

/** `--no-rollback` → `--no-rollback-on-failure` (only before a `--` separator). */
export function normaliseArgv(argv: readonly string[]): string[] {
  const end = argv.indexOf('--');
  return argv.map((arg, i) => (arg === '--no-rollback' && (end < 0 || i < end) ? '--no-rollback-on-failure' : arg));
}

function positiveInt(text: string, option: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new UsageError(`${option} expects a positive integer, got "${text}"`);
  return value;
}

export function deployOptionsOf(options: DeployCliOptions, command: string, defaultProfile = DEFAULT_PROFILE): DeployOptions {
  const profile = checkProfileName(options.profile ?? defaultProfile);
  return {
    stateDir: options.stateDir ?? defaultStateDir(),
    profile,
    command: `${command} (profile ${profile})`,
    ...(options.maxConcurrentTransfers !== undefined ? { maxConcurrent: positiveInt(options.maxConcurrentTransfers, '-m') } : {}),
    ...(options.rollbackOnFailure === false ? { noRollback: true } : {}),
    ...(options.dryRun ? { dryRun: true } : {}),
    ...(options.timeout !== undefined ? { timeoutMs: positiveInt(options.timeout, '--timeout') * 1000 } : {}),
    ...progressOutput(options.progress !== false && process.stderr.isTTY === true),
    print: (line: string) => process.stdout.write(`${line}\n`),
  };
}

/** Progress lines on stderr; on a terminal, through the live status line (docs/deploy.md, "Progress"). */
function progressOutput(live: boolean): Pick<DeployOptions, 'log' | 'statusLine'> {
  if (!live) return { log: (line: string) => process.stderr.write(`${line}\n`) };
  const statusLine = new StatusLine(process.stderr);
  return { log: (line: string) => statusLine.print(line), statusLine };
}

export { positiveInt };

export interface GenerationCliOptions {
  listGenerations?: boolean;
  deleteGenerations?: string;
}

/** `--list-generations`, `--delete-generations SPEC` (docs/deploy.md, "Generations"). */
export function addGenerationOptions(program: Command): Command {
  return program
    .option('--list-generations', 'list the generations of the profile (the current one marked) and exit')
    .option('--delete-generations <spec>', 'delete generations: "old" (all but the current), "+N" (keep the N newest) or numbers (1,2)');
}

/** Runs --list-generations / --delete-generations when given; true when it did (nothing else to do). */
export async function runGenerationOptions(options: GenerationCliOptions, deploy: DeployOptions): Promise<boolean> {
  if (options.listGenerations && options.deleteGenerations !== undefined) throw new UsageError('--list-generations and --delete-generations exclude each other');
  const { generationsOf, formatGenerations, deleteGenerations } = await import('./generations.js');
  if (options.listGenerations) {
    process.stdout.write(formatGenerations(await generationsOf(deploy.stateDir, deploy.profile)));
    return true;
  }
  if (options.deleteGenerations !== undefined) {
    const deleted = await deleteGenerations(deploy.stateDir, deploy.profile, options.deleteGenerations, deploy.command ?? 'dydisnix');
    deploy.log?.(deleted.length > 0 ? `Deleted generation${deleted.length === 1 ? '' : 's'} ${deleted.join(', ')}` : 'No generation to delete');
    return true;
  }
  return false;
}

/** What `--rollback` / `--switch-generation N` print when they succeeded. */
export function reportSwitch(generation: number): void {
  process.stdout.write(`Switched to generation ${generation}\n`);
}
