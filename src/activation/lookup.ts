/**
 * Module lookup: a path is used directly (an executable, or a container-providing service's folder
 * whose module is `<folder>/libexec/dysnomia/<one executable>`); a name is searched in the folders of
 * DYSNOMIA_MODULES_PATH (colon-separated) first, then among our own modules (libexec/dysnomia).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { packagePath } from '../package-root.js';
import { ActivationError } from '../errors.js';

/** Our modules: `<package>/libexec/dysnomia`. */
export const OUR_MODULES_DIR = packagePath('libexec', 'dysnomia');

export function isExecutable(file: string): boolean {
  try {
    const stat = statSync(file);
    return stat.isFile() && (stat.mode & 0o111) !== 0;
  } catch {
    return false;
  }
}

export interface ResolvedModule {
  /** absolute path of the executable */
  file: string;
  /** its basename, the `typeIdentifier` */
  name: string;
}

export function searchPath(modulesPath: string | undefined): string[] {
  return [...(modulesPath ?? '').split(':').filter(Boolean).map((dir) => path.resolve(dir)), OUR_MODULES_DIR];
}

export function resolveModule(type: string, modulesPath: string | undefined = process.env.DYSNOMIA_MODULES_PATH): ResolvedModule {
  if (type === '') throw new ActivationError('the module type is empty');
  if (type.includes('/')) {
    const target = path.resolve(type);
    let stat;
    try {
      stat = statSync(target);
    } catch {
      throw new ActivationError(`module ${target} does not exist`);
    }
    if (stat.isDirectory()) {
      const dir = path.join(target, 'libexec', 'dysnomia');
      const found = (existsSync(dir) ? readdirSync(dir) : []).sort().filter((name) => isExecutable(path.join(dir, name)));
      if (found.length !== 1) {
        throw new ActivationError(
          found.length === 0
            ? `${target} is a folder without a module: expected one executable in ${dir}`
            : `${target} provides more than one module in ${dir} (${found.join(', ')}): name the executable directly`,
        );
      }
      return { file: path.join(dir, found[0]!), name: found[0]! };
    }
    if (!isExecutable(target)) throw new ActivationError(`module ${target} is not executable`);
    return { file: target, name: path.basename(target) };
  }
  const dirs = searchPath(modulesPath);
  for (const dir of dirs) {
    const file = path.join(dir, type);
    if (isExecutable(file)) return { file, name: type };
  }
  throw new ActivationError(`no Dysnomia module "${type}" found (looked in ${dirs.join(', ')}; set DYSNOMIA_MODULES_PATH to add folders)`);
}
