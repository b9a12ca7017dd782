/** dydisnix-env: generate the infrastructure and distribution, assign IDs, then deploy transactionally. */
import type { EnvOptions } from '../deploy/env.js';
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
import { addModelInputOptions, createProgram, runProgram } from './program.js';

interface EnvCliOptions extends DeployCliOptions, GenerationCliOptions, Omit<EnvOptions, 'generation' | 'maxMoves'> {
  maxMoves?: string;
  switchGeneration?: string;
  idsServiceProperty?: string;
  clientInterface?: string;
  targetProperty?: string;
  connectTimeout?: string;
}

export async function main(argv: readonly string[] = process.argv): Promise<void> {
  const program = createProgram({
    name: 'dydisnix-env',
    description:
      'Deploy a system into a network of machines (over SSH) or on this machine: capture the infrastructure (or read -i), augment it, generate a distribution with the QoS model (or take -d), ' +
      'assign IDs, then run the transition (obsolete services stopped in reverse dependency order, new ones started in dependency order, ' +
      'everything rolled back on every target on a failure). Targets are reached through their client interface (docs/remote.md).',
    examples: [
      'dydisnix-env -s services.js -i infrastructure.json -q qos.json',
      'dydisnix-env -s services.js --geninfra ./geninfra.sh -a augment.json -q qos.json --id-resources idresources.json --ids ids.json',
      'dydisnix-env -s services.js -i infrastructure.json -q qos.json --dry-run',
      'SSH_OPTS="-F ssh_config" dydisnix-env -s services.js -i infrastructure.json -d distribution.json --client-interface ssh',
      'dydisnix-env --rollback',
      'dydisnix-env --list-generations',
      'dydisnix-env --delete-generations old',
      'dydisnix-env --undeploy -p demo',
    ],
    notes: [
      NO_ROLLBACK_HELP,
      'State: <state-dir>/<profile>/manifest.json (current), generations/<N>.json, lock, transition.json (docs/deploy.md).',
      'With --ids, the services model is re-read after the IDs file was updated; during evaluation $DYDISNIX_IDS names the IDs file.',
      'Environment: DYDISNIX_GENINFRA (default --geninfra), DYSNOMIA_MODULES_PATH (extra module folders), XDG_STATE_HOME, ' +
        'DISNIX_CLIENT_INTERFACE, DISNIX_TARGET_PROPERTY, SSH_USER, SSH_OPTS (extra ssh arguments).',
      'Exit status: 0 deployed, 1 the deployment failed (rolled back) or the profile is locked, 2 usage error or invalid model.',
    ].join('\n'),
  });
  addGenerationOptions(addTransitionOptions(
    addStateOptions(
      addModelInputOptions(program)
        .option('-s, --services <file>', 'services model (required unless --undeploy/--rollback)')
        .option('-q, --qos <file>', 'QoS model (required unless -d, --undeploy or --rollback)')
        .option('-d, --distribution <file>', 'deploy this hand-written distribution model (skips gendist and ID assignment)')
        .option('--client-interface <name>', 'how targets without their own clientInterface are reached: ssh (disnix-ssh-client), local, or a client program path (default $DISNIX_CLIENT_INTERFACE, else local)')
        .option('--target-property <name>', 'target property holding a target\'s address (default $DISNIX_TARGET_PROPERTY, else hostname)')
        .option('--connect-timeout <seconds>', 'seconds to wait when connecting to a remote target (default 10)')
        .option('-i, --infrastructure <file>', 'infrastructure model (instead of capturing it)')
        .option('--geninfra <command>', 'shell command printing the infrastructure model (JSON, Nix or XML)')
        .option('-a, --augment <file>', 'augmentation model applied to the infrastructure')
        .option('-F, --filters <file>', 'custom filters catalogue for the QoS model')
        .option('--id-resources <file>', 'ID resources model (with --ids)')
        .option('--ids <file>', 'IDs model, updated atomically (created when missing)')
        .option('--ids-service-property <name>', 'service property listing the resources a service needs IDs from (default requiresUniqueIdsFor)')
        .option('--undeploy', 'stop every service of the profile')
        .option('--rollback', 'switch back to the previous generation')
        .option('--switch-generation <n>', 'switch to generation N')
        .option('--max-moves <n>', 'move budget of the dynamic planners: keep services where they are unless more than N must move (docs/gendist.md)'),
    ),
  )).action(async (options: EnvCliOptions) => {
    const deployOptions = deployOptionsOf(options, 'dydisnix-env');
    if (await runGenerationOptions(options, deployOptions)) return;
    const { runEnv } = await import('../deploy/env.js');
    const { switchGeneration, maxMoves, clientInterface, targetProperty, connectTimeout, listGenerations: _list, deleteGenerations: _delete, ...rest } = options;
    const { maxMovesOption } = await import('../planners/moves.js');
    const result = await runEnv(
      {
        ...rest,
        ...(switchGeneration !== undefined ? { generation: positiveInt(switchGeneration, '--switch-generation') } : {}),
        ...(maxMoves !== undefined ? { maxMoves: await maxMovesOption(maxMoves) } : {}),
      },
      {
        ...deployOptions,
        network: {
          ...(clientInterface !== undefined ? { clientInterface } : {}),
          ...(targetProperty !== undefined ? { targetProperty } : {}),
          ...(connectTimeout !== undefined ? { connectTimeoutS: positiveInt(connectTimeout, '--connect-timeout') } : {}),
        },
      },
    );
    if ((options.rollback || switchGeneration !== undefined) && result.status !== 'dry-run') reportSwitch(result.generation);
  });
  await runProgram(program, normaliseArgv(argv));
}
