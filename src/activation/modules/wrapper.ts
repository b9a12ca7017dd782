/**
 * The `wrapper` module: delegates every operation to `<component>/bin/wrapper OP CONTAINER` (no shell;
 * output streams through; its exit status is ours). activate/deactivate also mark the component as
 * active/inactive, as the original does.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import { markActive, unmarkActive } from '../state.js';
import { ModuleFailure, runModule, type ModuleContext } from './common.js';

export function runChild(file: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: 'inherit', env });
    child.on('error', reject);
    child.on('exit', (code, sig) => resolve(code ?? (sig ? 128 + signalNumber(sig) : 1)));
  });
}

function signalNumber(sig: NodeJS.Signals): number {
  const numbers: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGKILL: 9, SIGSEGV: 11, SIGPIPE: 13, SIGTERM: 15 };
  return numbers[sig] ?? 0;
}

export async function wrapperModule(context: ModuleContext): Promise<number> {
  const wrapper = path.join(context.component, 'bin', 'wrapper');
  try {
    accessSync(wrapper, constants.X_OK);
  } catch {
    throw new ModuleFailure(`${wrapper} does not exist or is not executable`);
  }
  const code = await runChild(wrapper, [context.operation, context.containerArg], context.env);
  if (code !== 0) return code;
  if (context.operation === 'activate') await markActive(context.names);
  if (context.operation === 'deactivate') await unmarkActive(context.names);
  return 0;
}

export async function main(): Promise<void> {
  await runModule('wrapper', wrapperModule);
}
