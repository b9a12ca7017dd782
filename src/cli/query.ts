/** dydisnix-query: what a profile deploys on each target and whether its daemons run (as disnix-query). */
import { addStateOptions } from '../deploy/cli-options.js';
import { createProgram, runProgram } from './program.js';

interface QueryCliOptions {
  stateDir?: string;
  profile?: string;
  target?: string[];
  outputJson?: boolean;
}

export async function main(argv: readonly string[] = process.argv): Promise<void> {
  const program = createProgram({
    name: 'dydisnix-query',
    description:
      'Show what a profile deploys: per target, every service with its type, container and component, and for process services ' +
      'whether the daemon runs (PID and start time, checked against the process module\'s record), plus the generation.',
    examples: ['dydisnix-query', 'dydisnix-query -p processes --output-json', 'dydisnix-query -p demo --target test1'],
    notes: 'Exit status: 0 everything that should run runs, 1 a service is not running (or the profile was never deployed), 2 usage error.',
  });
  addStateOptions(program)
    .option('-t, --target <name>', 'only this target (repeatable)', (value: string, previous: string[] = []) => [...previous, value])
    .option('--output-json', 'print the status as JSON (docs/deploy.md, "Query")')
    .action(async (options: QueryCliOptions) => {
      const { checkProfileName, defaultStateDir, DEFAULT_PROFILE } = await import('../deploy/state.js');
      const { queryProfile, formatQuery } = await import('../deploy/query.js');
      const result = await queryProfile({
        stateDir: options.stateDir ?? defaultStateDir(),
        profile: checkProfileName(options.profile ?? DEFAULT_PROFILE),
        ...(options.target ? { targets: options.target } : {}),
      });
      process.stdout.write(options.outputJson ? `${JSON.stringify(result, null, 2)}\n` : formatQuery(result));
      if (!result.healthy) process.exitCode = 1;
    });
  await runProgram(program, argv);
}
