/** dydisnix-dysnomia: run a Dysnomia module operation on a component (the activation layer). */
import { Option } from 'commander';
import { UsageError } from '../errors.js';
import type { ActivationRequest } from '../activation/run.js';
import { OPERATIONS, isOperation } from '../activation/state.js';
import { createProgram, runProgram } from './program.js';

interface DysnomiaOptions {
  type?: string;
  operation?: string;
  component?: string;
  container?: string;
  environment?: boolean;
  shell?: boolean;
  serviceEnv: string[];
  timeout?: string;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export async function main(argv: readonly string[] = process.argv): Promise<void> {
  const program = createProgram({
    name: 'dydisnix-dysnomia',
    description:
      'Run a Dysnomia module: MODULE OPERATION COMPONENT CONTAINER, with the container properties in the environment. ' +
      'The module exit status becomes ours.',
    examples: [
      'dydisnix-dysnomia --type echo --operation activate --component /nix/store/...-web --environment',
      'runtimeDir=$HOME/run dydisnix-dysnomia -t process -o activate -c ./result --environment',
      'dydisnix-dysnomia -t process -o deactivate -c ./result --environment -e PORT=8080',
      'DYSNOMIA_CONTAINERS_PATH=./containers dydisnix-dysnomia -o activate -c ./result -C process',
    ],
    notes: [
      `Operations: ${OPERATIONS.join(', ')}. Our modules: process, echo, wrapper.`,
      'Environment: DYSNOMIA_MODULES_PATH (colon-separated module folders, searched before ours),',
      '  DYSNOMIA_CONTAINERS_PATH (container configs; default /etc/dysnomia/containers),',
      '  DYSNOMIA_STATEDIR (default /var/state/dysnomia for root, else ~/.dysnomia),',
      '  process module: runtimeDir, timeout (s, default 1), stopTimeout (s, default 10), startTimeout (s, default 10),',
      '  foregroundProcess (1, or the command to daemonise), restart (no|on-failure|always), restartDelay, restartLimit.',
      'See docs/activation.md.',
    ].join('\n'),
  });
  program
    .option('-t, --type <type>', 'module name, or path to a module executable (default: the container config type)')
    .addOption(new Option('-o, --operation <operation>', 'operation to run').choices([...OPERATIONS]))
    .option('-c, --component <path>', 'component (package) path')
    .option('-C, --container <name>', 'container name; without --environment, a config file in DYSNOMIA_CONTAINERS_PATH')
    .option('-E, --environment', 'take container properties from the current environment; the container name defaults to the type')
    .option('--shell', 'same as --operation shell')
    .option('-e, --service-env <KEY=VALUE>', "a variable of the service's environment for the daemon (repeatable)", collect, [])
    .option('--timeout <seconds>', 'kill the module after this many seconds')
    .action(async (options: DysnomiaOptions) => {
      const request = await toRequest(options);
      const { runActivationStreaming } = await import('../activation/run.js');
      const result = await runActivationStreaming(request);
      if (result.exitCode !== 0) {
        process.stderr.write(`dydisnix-dysnomia: ${request.operation} of ${request.component} with module ${result.module} failed (exit status ${result.exitCode})\n`);
      }
      process.exitCode = result.exitCode;
    });
  await runProgram(program, argv);
}

async function toRequest(options: DysnomiaOptions): Promise<ActivationRequest> {
  const operation = options.shell ? 'shell' : options.operation;
  if (!operation) throw new UsageError('specify an operation: --operation OP');
  if (!isOperation(operation)) throw new UsageError(`unknown operation "${operation}"`);
  if (!options.component) throw new UsageError('specify the component: --component PATH');
  const environment: Record<string, string> = {};
  for (const entry of options.serviceEnv) {
    const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(entry);
    if (!match) throw new UsageError(`--service-env expects KEY=VALUE, got "${entry}"`);
    environment[match[1]!] = match[2]!;
  }
  let timeoutMs: number | undefined;
  if (options.timeout !== undefined) {
    const seconds = Number(options.timeout);
    if (!Number.isFinite(seconds) || seconds <= 0) throw new UsageError(`--timeout expects a positive number of seconds, got "${options.timeout}"`);
    timeoutMs = Math.round(seconds * 1000);
  }
  const common = { operation, component: options.component, environment, ...(timeoutMs !== undefined ? { timeoutMs } : {}) };
  if (options.environment) {
    if (!options.type) throw new UsageError('specify the module: --type T');
    return { ...common, type: options.type, ...(options.container ? { container: { name: options.container } } : {}) };
  }
  if (!options.container) throw new UsageError('specify a container config with --container NAME, or use --environment to take the properties from the environment');
  const { readContainerConfig } = await import('../activation/containers.js');
  const config = await readContainerConfig(options.container);
  const type = options.type ?? config.type;
  if (!type) throw new UsageError(`specify the module with --type T (container config ${config.file} has no type=)`);
  return { ...common, type, container: { name: config.name, properties: config.properties } };
}
