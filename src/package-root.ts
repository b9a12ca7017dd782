/**
 * The installed package's root folder (where package.json, nix/, libexec/ and share/ ship). This
 * module's code runs from sources (vitest: src/…) and inside bundles (dist/src/cli/…, dist/bench/…)
 * at different depths, so walk up from it instead of using a fixed relative URL
 * (docs/ARCHITECTURE.md, "Bundled commands").
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

/** The package root, or undefined when this is not a complete installation (no nix/load.nix). */
export function packageRoot(): string | undefined {
  if (root !== undefined) return root;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'nix', 'load.nix'))) return (root = dir);
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** A path inside the package (`packagePath('share', 'dydisnix', 'style.css')`). */
export function packagePath(...parts: string[]): string {
  return path.join(packageRoot() ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..'), ...parts);
}
