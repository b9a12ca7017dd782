/**
 * The one integration point with the activation layer (src/activation): runs a Dysnomia operation for a
 * deployment unit on a target that is this machine; each local target gets its own DYSNOMIA_STATEDIR under
 * the profile so that the same component on two targets never shares process records. Remote targets
 * go through the same `TargetTransport` interface (below; src/deploy/network.ts picks one per target).
 */
import path from 'node:path';
import { ActivationError } from '../errors.js';
import type { Unit } from './manifest.js';
import type { Liveness, LivenessProbe } from './liveness.js';
import type { Activator, Operation } from './transition.js';

export interface DysnomiaActivatorOptions {
  /** `<state-dir>/<profile>`: module state goes to `<profileDir>/dysnomia/<target>`. */
  profileDir: string;
  /** Colon-separated extra module folders (DYSNOMIA_MODULES_PATH). */
  modulesPath?: string;
  /** Per operation, in milliseconds. */
  timeoutMs?: number;
  /** Module output (stderr/stdout of successful runs) goes here, prefixed by the target. */
  log?: (line: string) => void;
  /** Told when a module process starts and ends, so that a killed deployer's modules can be found. */
  onModule?: (pid: number, running: boolean) => void;
}

export function dysnomiaStateDir(profileDir: string, target: string): string {
  return path.join(profileDir, 'dysnomia', target);
}

export function dysnomiaActivator(options: DysnomiaActivatorOptions): Activator {
  return {
    async run(operation: Operation, unit: Unit): Promise<void> {
      const { runActivation } = await import('../activation/run.js');
      const request = {
        type: unit.type,
        operation,
        component: unit.pkg,
        // The service's module settings (src/activation/process-settings.ts) override its container's.
        container: { name: unit.container, properties: unit.settings ? { ...unit.containerProperties, ...unit.settings } : unit.containerProperties },
        environment: unit.environment,
        stateDir: dysnomiaStateDir(options.profileDir, unit.target),
        ...(options.modulesPath !== undefined ? { modulesPath: options.modulesPath } : {}),
        ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      };
      let pid: number | undefined;
      const onSpawn = (spawned: number) => {
        pid = spawned;
        options.onModule?.(spawned, true);
      };
      const result = await runActivation({ ...request, onSpawn }).finally(() => {
        if (pid !== undefined) options.onModule?.(pid, false);
      });
      if (options.log) {
        for (const line of `${result.stdout}${result.stderr}`.split('\n')) {
          if (line.trim() !== '') options.log(`[target: ${unit.target}]: ${unit.service}: ${line}`);
        }
      }
      if (result.exitCode !== 0) {
        // The module's verdict is its last line; what the daemon printed before it is in the log lines above.
        const detail = lastLine(result.stderr) || lastLine(result.stdout);
        throw new ActivationError(
          `${operation} of ${unit.pkg} (type ${unit.type}) ${result.timedOut ? 'timed out' : `failed with exit status ${result.exitCode}`}${detail ? `: ${detail}` : ''}`,
        );
      }
    },
  };
}

function lastLine(text: string): string {
  return text.split('\n').filter((line) => line.trim() !== '').at(-1)?.trim() ?? '';
}

/**
 * One target machine as the deployer drives it (docs/remote.md): the local one (this machine, through
 * src/activation) and remote ones (src/remote/target.ts) implement the same interface, so the
 * transition, the journal and recovery never know the difference.
 */
export interface TargetTransport {
  readonly name: string;
  readonly kind: 'local' | 'ssh' | 'client';
  /** Connect (first contact installs the modules); the error when the target cannot be reached. */
  reachable(): Promise<Error | undefined>;
  /** The target's own profile lock (taken before anything changes; every operation takes it too). */
  lockProfile(): Promise<void>;
  unlockProfile(): Promise<void>;
  /** Put the units' components on the target (only what it lacks, at most `limit` at once); bytes sent. */
  distribute(units: Unit[], limit?: number): Promise<number>;
  /** One Dysnomia operation on a unit of this target. */
  operate(operation: Operation, unit: Unit): Promise<void>;
  probe(unit: Unit): Promise<Liveness>;
  /** Record on the target what is deployed there (after a successful transition). */
  record(units: Unit[], generation: number): Promise<void>;
  close(): Promise<void>;
  /** Component bytes sent in this run, and the components copied. */
  readonly bytesSent: number;
  readonly copied: string[];
}

/** This machine: today's behaviour (docs/deploy.md), no copies, no target-side lock or record. */
export function localTransport(name: string, activator: Activator, probe: LivenessProbe): TargetTransport {
  return {
    name,
    kind: 'local',
    reachable: async () => undefined,
    lockProfile: async () => {},
    unlockProfile: async () => {},
    distribute: async () => 0,
    operate: (operation, unit) => activator.run(operation, unit),
    probe: (unit) => probe.probe(unit),
    record: async () => {},
    close: async () => {},
    bytesSent: 0,
    copied: [],
  };
}
