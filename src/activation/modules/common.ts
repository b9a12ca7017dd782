/**
 * Shared plumbing of our own modules. A module is an executable called as
 * `MODULE OP COMPONENT CONTAINER` with container properties in its environment; these helpers turn
 * that into a typed context and map failures to exit 1. Keep imports light: module processes start for
 * every operation.
 */
import path from 'node:path';
import { componentName, containerName, isOperation, stateDir, type Names, type Operation } from '../state.js';

export interface ModuleContext {
  /** basename of the module executable (`typeIdentifier`) */
  type: string;
  operation: Operation;
  /** absolute component path */
  component: string;
  /** the container argument as given (may be empty) */
  containerArg: string;
  names: Names;
  env: NodeJS.ProcessEnv;
  out: (line: string) => void;
  err: (line: string) => void;
}

/** A failure the module reports with a message and exit 1 (no stack trace). */
export class ModuleFailure extends Error {
  override name = 'ModuleFailure';
}

export function parseModuleArgs(type: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): ModuleContext {
  const [operation, component, container = ''] = args;
  if (!operation || !component) {
    throw new ModuleFailure(`usage: ${type} OPERATION COMPONENT [CONTAINER]`);
  }
  if (!isOperation(operation)) {
    throw new ModuleFailure(`unknown operation "${operation}"`);
  }
  const absolute = path.resolve(component);
  return {
    type,
    operation,
    component: absolute,
    containerArg: container,
    names: { stateDir: stateDir(env), component: componentName(absolute), container: containerName(container, type) },
    env,
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
  };
}

/** Run a module's main with `process.argv`, printing failures and setting the exit status. */
export async function runModule(type: string, body: (context: ModuleContext) => Promise<number | void>): Promise<void> {
  try {
    const context = parseModuleArgs(type, process.argv.slice(2));
    const code = await body(context);
    process.exitCode = code ?? 0;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`${type}: ${message}\n`);
    if (!(error instanceof ModuleFailure) && process.env.DYSNOMIA_DEBUG && error instanceof Error) {
      process.stderr.write(`${error.stack}\n`);
    }
    process.exitCode = 1;
  }
}
