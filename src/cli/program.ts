/**
 * Shared commander plumbing: every command gets `--help` with a real example, `--version`, `--debug`,
 * and the single place where typed errors become exit codes (0 ok, 1 job failed, 2 usage/model error).
 */
import { readFileSync } from 'node:fs';
import { packagePath } from '../package-root.js';
import { Command, CommanderError, Option } from 'commander';
import { DydisnixError, PlanningError, UsageError, exitCodeFor } from '../errors.js';
import type { OutputFormat } from '../model/types.js';

export interface ProgramSpec {
  name: string;
  description: string;
  /** Copy-pasteable example lines shown under "Examples:". */
  examples: string[];
  /** Extra help text (environment variables, notes). */
  notes?: string;
}

export function packageVersion(): string {
  const pkgFile = packagePath('package.json');
  return (JSON.parse(readFileSync(pkgFile, 'utf8')) as { version: string }).version;
}

export function createProgram(spec: ProgramSpec): Command {
  const program = new Command(spec.name);
  program
    .description(spec.description)
    .version(packageVersion(), '--version', 'print the version and exit')
    .helpOption('-h, --help', 'show this help and exit')
    .option('--debug', 'print stack traces of errors')
    .allowExcessArguments(false)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  const examples = spec.examples.map((line) => `  $ ${line}`).join('\n');
  program.addHelpText('after', `\nExamples:\n${examples}\n${spec.notes ? `\n${spec.notes}\n` : ''}`);
  return program;
}

/** `--output-xml` / `--output-json`; Nix is the default like the original tools. */
export function addOutputFormatOptions(program: Command): Command {
  return program
    .option('--output-xml', 'write the XML form instead of a Nix expression')
    .option('--output-json', 'write the JSON form instead of a Nix expression');
}

export function outputFormatOf(options: { outputXml?: boolean; outputJson?: boolean }): OutputFormat {
  if (options.outputJson && options.outputXml) throw new UsageError('--output-xml and --output-json exclude each other: choose one');
  if (options.outputJson) return 'json';
  if (options.outputXml) return 'xml';
  return 'nix';
}

/** Options every model-reading command accepts for compatibility with the original tools. */
export function addModelInputOptions(program: Command): Command {
  return program
    .option('--extra-params <expr>', 'extra parameters for the model functions (a Nix attrset literal or JSON object)')
    .addOption(new Option('--xml', 'compatibility flag: inputs are XML (detected automatically anyway)'))
    .addOption(new Option('--show-trace', 'pass --show-trace to Nix evaluations'))
    .option('--strict', 'a misspelt model key (e.g. dependson) is an error instead of a warning')
    .addOption(new Option('--no-out-link', 'compatibility flag, ignored').hideHelp());
}

/**
 * Parse argv and run the action, mapping every failure to an exit code. Never throws; sets
 * process.exitCode so that pending output is flushed before node exits.
 */
export async function runProgram(program: Command, argv: readonly string[] = process.argv): Promise<void> {
  const debug = argv.includes('--debug');
  // `dydisnix-gendist … | head`: a reader that went away is not an error of ours; end quietly with
  // the status a SIGPIPE'd Unix tool has.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(141);
    throw error;
  });
  try {
    await program.parseAsync([...argv]);
  } catch (error) {
    process.exitCode = reportError(program.name(), error, debug);
  }
}

export function reportError(command: string, error: unknown, debug: boolean): number {
  if (error instanceof CommanderError) {
    // Commander already printed help/version/the parse error.
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') {
      return 0;
    }
    return 2;
  }
  if ((error as NodeJS.ErrnoException | undefined)?.code === 'EPIPE') return 141;
  if (error instanceof PlanningError && error.partialOutput) {
    process.stderr.write(`Partial result:\n${error.partialOutput}`);
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`${command}: ${message}\n`);
  if (debug && error instanceof Error && error.stack) {
    process.stderr.write(`${error.stack}\n`);
  } else if (!(error instanceof DydisnixError)) {
    process.stderr.write(`${command}: (internal error; run with --debug for a stack trace)\n`);
  }
  return exitCodeFor(error);
}
