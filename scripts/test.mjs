#!/usr/bin/env node
/**
 * `npm test`: run both stages (the parallel suite, then the real-process deploy/activation files one
 * at a time) and fail if either failed. Both always run, so a failure in the first stage never hides
 * the second one's results. Extra arguments go to both vitest runs.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const vitest = path.join(root, 'node_modules', 'vitest', 'vitest.mjs');
const extra = process.argv.slice(2);
const stages = [
  { name: 'parallel suite', args: ['run', '--exclude', 'test/deploy*.test.ts', '--exclude', 'test/activation*.test.ts', ...extra] },
  { name: 'deploy/activation (one file at a time)', args: ['run', '--no-file-parallelism', 'test/deploy', 'test/activation', ...extra] },
];
const failed = [];
for (const stage of stages) {
  process.stderr.write(`\n== npm test: ${stage.name} ==\n`);
  const result = spawnSync(process.execPath, [vitest, ...stage.args], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) failed.push(`${stage.name} (exit ${result.status ?? result.signal})`);
}
if (failed.length > 0) {
  process.stderr.write(`\nnpm test: failed: ${failed.join(', ')}\n`);
  process.exitCode = 1;
}
