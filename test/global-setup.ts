/**
 * The CLI tests run the real bin files: bundle dist/ once before the suite (scripts/build.mjs, under
 * a second). Type errors are not its business: `npm run typecheck` reports them.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export default function setup(): void {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const result = spawnSync(process.execPath, [path.join(root, 'scripts', 'build.mjs')], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`test build failed:\n${result.stdout}${result.stderr}`);
}
