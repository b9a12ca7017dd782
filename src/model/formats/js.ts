/**
 * JS/MJS models: an ES module whose default export is the model, or a function returning it,
 * called with the arguments the Nix function would get.
 */
import { pathToFileURL } from 'node:url';
import path from 'node:path';
import { ModelError } from '../../errors.js';
import { plainCopy } from '../plain.js';

/**
 * The model a JS module exports, as plain data (`plainCopy`: a getter or Proxy that throws, a cycle or
 * too deep a nesting is a ModelError naming the file and the model path under `root`).
 */
export async function importJsModel(file: string, args: Record<string, unknown>, root = 'model'): Promise<unknown> {
  return plainCopy(await evaluateJsModel(file, args), file, root, argumentObjects(args));
}

/**
 * The objects a model function was given (the arguments and their entries, such as the targets of
 * `infrastructure`) are ours: a result that refers to them keeps them by identity, which is how a
 * JS distribution's target objects are mapped back to names.
 */
function argumentObjects(args: Record<string, unknown>): Set<object> {
  const kept = new Set<object>();
  for (const value of Object.values(args)) {
    if (value === null || typeof value !== 'object') continue;
    kept.add(value);
    for (const entry of Object.values(value)) if (entry !== null && typeof entry === 'object') kept.add(entry);
  }
  return kept;
}

async function evaluateJsModel(file: string, args: Record<string, unknown>): Promise<unknown> {
  let module: { default?: unknown };
  try {
    module = (await import(pathToFileURL(path.resolve(file)).href)) as { default?: unknown };
  } catch (error) {
    throw new ModelError(file, undefined, `cannot load JS module: ${(error as Error).message}`);
  }
  if (!('default' in module) || module.default === undefined) throw new ModelError(file, undefined, 'a JS model must have a default export (the model, or a function returning it)');
  const exported = module.default;
  if (typeof exported !== 'function') return exported;
  try {
    return await (exported as (args: Record<string, unknown>) => unknown)(args);
  } catch (error) {
    throw new ModelError(file, undefined, `the model function failed: ${(error as Error).message}`);
  }
}

/** The `system` string Nix would pass (builtins.currentSystem). */
export function currentSystem(): string {
  const arch = process.arch === 'x64' ? 'x86_64' : process.arch === 'arm64' ? 'aarch64' : process.arch;
  return `${arch}-${process.platform}`;
}
