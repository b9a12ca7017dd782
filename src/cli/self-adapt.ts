/** dydisnix-self-adapt: redeploy whenever the (augmented) infrastructure changes. */
import { addStateOptions, addTransitionOptions, deployOptionsOf, normaliseArgv, positiveInt, NO_ROLLBACK_HELP, type DeployCliOptions } from '../deploy/cli-options.js';
import type { EnvOptions } from '../deploy/env.js';
import { UsageError } from '../errors.js';
import { addModelInputOptions, createProgram, runProgram } from './program.js';

interface SelfAdaptCliOptions extends DeployCliOptions, Omit<EnvOptions, 'maxMoves'> {
  maxMoves?: string;
  interval: string;
  maxRounds?: string;
}

export async function main(argv: readonly string[] = process.argv): Promise<void> {
  const program = createProgram({
    name: 'dydisnix-self-adapt',
    description:
      'Keep a system deployed while the infrastructure changes: every round capture the infrastructure (--geninfra, or re-read the watched -i file), ' +
      'augment it, and when its hash differs from the last deployed one, generate a new distribution, assign IDs and redeploy. ' +
      'A failed round is logged and the loop goes on.',
    examples: [
      'dydisnix-self-adapt -s services.js --geninfra ./geninfra.sh -a augment.json -q qos.json',
      'dydisnix-self-adapt -s services.js -i infrastructure.json -q qos.json --interval 2 --max-rounds 10',
    ],
    notes: [
      NO_ROLLBACK_HELP,
      'Environment: DYDISNIX_GENINFRA (default --geninfra). SIGINT/SIGTERM end the loop (a running transition is rolled back).',
      'Exit status: 0 when the last round succeeded, 1 when it failed, 2 usage error.',
    ].join('\n'),
  });
  addTransitionOptions(
    addStateOptions(
      addModelInputOptions(program)
        .option('-s, --services <file>', 'services model (required)')
        .option('-q, --qos <file>', 'QoS model (required)')
        .option('--geninfra <command>', 'shell command printing the infrastructure model')
        .option('-i, --infrastructure <file>', 'infrastructure model file to watch (instead of --geninfra)')
        .option('-a, --augment <file>', 'augmentation model applied to the infrastructure')
        .option('-F, --filters <file>', 'custom filters catalogue for the QoS model')
        .option('--id-resources <file>', 'ID resources model (with --ids)')
        .option('--ids <file>', 'IDs model, updated atomically')
        .option('--ids-service-property <name>', 'service property listing the resources a service needs IDs from')
        .option('--interval <seconds>', 'seconds between rounds', '5')
        .option('--max-rounds <n>', 'stop after N rounds (default: run until interrupted)')
        .option('--max-moves <n>', 'move budget of the dynamic planners: keep services where they are unless more than N must move (docs/gendist.md)'),
    ),
  ).action(async (options: SelfAdaptCliOptions) => {
    if (!options.services) throw new UsageError('A services model must be specified! (-s FILE)');
    if (!options.qos) throw new UsageError('A quality of service model must be specified! (-q FILE)');
    if (!options.infrastructure && !options.geninfra && !process.env.DYDISNIX_GENINFRA) {
      throw new UsageError('An infrastructure generator must be specified! (--geninfra CMD, $DYDISNIX_GENINFRA, or a watched -i FILE)');
    }
    const interval = Number(options.interval);
    if (!Number.isFinite(interval) || interval < 0) throw new UsageError(`--interval expects a number of seconds, got "${options.interval}"`);
    if (options.dryRun) throw new UsageError('--dry-run is not supported by self-adapt; use dydisnix-env --dry-run');
    const { selfAdapt } = await import('../deploy/self-adapt.js');
    let stopping = false;
    const stop = () => {
      stopping = true;
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    try {
      const { maxRounds, maxMoves, interval: _interval, ...rest } = options;
      const { maxMovesOption } = await import('../planners/moves.js');
      const summary = await selfAdapt(
        {
          ...rest,
          interval,
          ...(maxRounds !== undefined ? { maxRounds: positiveInt(maxRounds, '--max-rounds') } : {}),
          ...(maxMoves !== undefined ? { maxMoves: await maxMovesOption(maxMoves) } : {}),
        },
        deployOptionsOf(options, 'dydisnix-self-adapt'),
        () => stopping,
      );
      process.stderr.write(`[coordinator]: ${summary.rounds} round(s), ${summary.deployments} deployment(s), ${summary.failures} failed round(s)\n`);
      if (summary.lastRoundFailed) process.exitCode = summary.lastExitCode ?? 1;
    } finally {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    }
  });
  await runProgram(program, normaliseArgv(argv));
}
