/**
 * The CLI tests run the compiled bin files: build once before the suite. tsc still emits when some
 * file has a type error, so a type error elsewhere is reported here but does not stop the run
 * (`npm ci` / `npm run build` are where type errors fail the build).
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export default function setup(): void {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const result = spawnSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.build.json')], {
    encoding: 'utf8',
  });
  if (result.status !== 0) process.stderr.write(`test build reported type errors:\n${result.stdout}${result.stderr}`);
}
