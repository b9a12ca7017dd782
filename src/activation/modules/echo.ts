/**
 * The `echo` module: prints the operation, the component and its environment (sorted), and succeeds.
 * Useful to see what a module receives (`dydisnix-dysnomia --type echo …`).
 */
import type { Operation } from '../state.js';
import { runModule, type ModuleContext } from './common.js';

const VERBS: Record<Operation, string> = {
  activate: 'Activate',
  deactivate: 'Deactivate',
  lock: 'Lock',
  unlock: 'Unlock',
  snapshot: 'Snapshot state of',
  restore: 'Restore state of',
  'collect-garbage': 'Collect garbage of',
  shell: 'Shell of',
};

export function echoOutput(context: Pick<ModuleContext, 'operation' | 'component' | 'env'>): string {
  const lines = [`Echo module: ${VERBS[context.operation]} service: ${context.component}`];
  for (const key of Object.keys(context.env).sort()) {
    lines.push(`${key}=${context.env[key] ?? ''}`);
  }
  return `${lines.join('\n')}\n`;
}

export async function echoModule(context: ModuleContext): Promise<number> {
  if (context.operation === 'shell') {
    context.err('The echo module has no state: nothing to inspect. Its environment is:');
  }
  process.stdout.write(echoOutput(context));
  return 0;
}

export async function main(): Promise<void> {
  await runModule('echo', echoModule);
}
