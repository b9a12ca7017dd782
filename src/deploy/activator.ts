/**
 * The one integration point with the activation layer (src/activation): runs a Dysnomia operation for a
 * deployment unit. Every target is on this machine; each target gets its own DYSNOMIA_STATEDIR under the
 * profile so that the same component on two targets never shares process records.
 */
import path from 'node:path';
import { ActivationError } from '../errors.js';
import type { Unit } from './manifest.js';
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
