/**
 * JS/MJS models: an ES module whose default export is the model, or a function returning it,
 * called with the arguments the Nix function would get.
 */
import { pathToFileURL } from 'node:url';
import path from 'node:path';
import { ModelError } from '../../errors.js';

export async function importJsModel(file: string, args: Record<string, unknown>): Promise<unknown> {
  let module: { default?: unknown };
  try {
    module = (await import(pathToFileURL(path.resolve(file)).href)) as { default?: unknown };
  } catch (error) {
    throw new ModelError(file, undefined, `cannot load JS module: ${(error as Error).message}`);
  }
  if (!('default' in module)) throw new ModelError(file, undefined, 'a JS model must have a default export (the model, or a function returning it)');
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
