/** dydisnix-logs: print (and follow) a deployed service's log, wherever it is deployed. */
import { addStateOptions, positiveInt } from '../deploy/cli-options.js';
import { createProgram, runProgram } from './program.js';

interface LogsCliOptions {
  stateDir?: string;
  profile?: string;
  target?: string;
  follow?: boolean;
  lines?: string;
}

export async function main(argv: readonly string[] = process.argv): Promise<void> {
  const program = createProgram({
    name: 'dydisnix-logs',
    description:
      'Print the log of a deployed service (what its daemon wrote to stdout and stderr, rotated files included), ' +
      'on every target it is deployed to; -f keeps following it, across rotations, until interrupted.',
    examples: ['dydisnix-logs web', 'dydisnix-logs -p processes -f -n 20 web', 'dydisnix-logs --target test1 webapp1'],
    notes: [
      'A service deployed to several targets gets its lines prefixed with "[target: T]: ".',
      'Log files: <state-dir>/<profile>/dysnomia/<target>/logs/<container>/<component>.log (docs/deploy.md, "Logs").',
      'Exit status: 0, 1 when the service is not deployed, 2 usage error.',
    ].join('\n'),
  });
  addStateOptions(program)
    .argument('<service>', 'the service whose log to print')
    .option('-f, --follow', 'keep printing what is appended (Ctrl-C ends)')
    .option('-n, --lines <n>', 'only the last N lines (default: all)')
    .option('-t, --target <name>', 'only the log on this target')
    .action(async (service: string, options: LogsCliOptions) => {
      const { checkProfileName, defaultStateDir, DEFAULT_PROFILE } = await import('../deploy/state.js');
      const { serviceLogs, readLog, followLog } = await import('../deploy/logs.js');
      const lines = options.lines === undefined ? undefined : options.lines === '0' ? 0 : positiveInt(options.lines, '-n');
      const logs = await serviceLogs(options.stateDir ?? defaultStateDir(), checkProfileName(options.profile ?? DEFAULT_PROFILE), service, options.target);
      const prefixed = logs.length > 1;
      const writer = (target: string) => {
        let partial = '';
        return (text: string) => {
          if (!prefixed) return void process.stdout.write(text);
          const all = (partial + text).split('\n');
          partial = all.pop()!;
          for (const line of all) process.stdout.write(`[target: ${target}]: ${line}\n`);
        };
      };
      const positions = [];
      for (const log of logs) {
        const read = await readLog(log.file, lines);
        const write = writer(log.unit.target);
        // Without -f, a last line that has no newline yet is printed whole (with one).
        write(options.follow || read.text === '' || read.text.endsWith('\n') ? read.text : `${read.text}\n`);
        positions.push({ log, read, write });
      }
      if (!options.follow) return;
      const stop = new AbortController();
      const end = () => stop.abort();
      process.once('SIGINT', end);
      process.once('SIGTERM', end);
      await Promise.all(positions.map(({ log, read, write }) => followLog(log.file, read, write, stop.signal)));
    });
  await runProgram(program, argv);
}
