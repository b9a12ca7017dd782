/**
 * A supervised process service end to end (docs/activation.md, "Supervision"): deployed with
 * dydisnix-processes-switch, its process killed, restarted by the supervisor on the target side, and
 * the restart count shown by dydisnix-query. Every process mentions the test's temp dir; afterEach
 * kills what is left and removes the dir.
 */
import { promises as fs, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { pollUntil } from '../src/activation/proc.js';
import { readSupervisorStatus } from '../src/activation/supervision.js';
import { runBin, tempDir } from './helpers.js';

const dirs: string[] = [];

function processesUnder(dir: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const text = readFileSync(`/proc/${entry}/cmdline`, 'utf8') + readFileSync(`/proc/${entry}/environ`, 'utf8');
      if (text.includes(dir)) found.push(Number(entry));
    } catch {
      // gone, or not ours to read
    }
  }
  return found;
}

afterEach(async () => {
  for (const dir of dirs.splice(0)) {
    for (const pid of processesUnder(dir)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await fs.rm(dir, { recursive: true, force: true });
  }
});

describe('supervised process services', () => {
  it('restart=on-failure brings a killed process back, dydisnix-query counts the restart, undeploy leaves nothing', async () => {
    const dir = await tempDir('dydisnix-supervision-');
    dirs.push(dir);
    await fs.mkdir(path.join(dir, 'web', 'bin'), { recursive: true });
    await fs.writeFile(path.join(dir, 'web', 'bin', 'web'), '#!/bin/sh\nexec sleep 1000\n', { mode: 0o755 });
    const model = path.join(dir, 'processes.json');
    await fs.writeFile(model, JSON.stringify({ web: { pkg: 'web', foregroundProcess: true, restart: 'on-failure', restartDelay: 0.05 } }));
    const state = ['--state-dir', path.join(dir, 'state'), '-p', 'test'];
    const up = await runBin('dydisnix-processes-switch', [...state, model]);
    expect(up.code, up.stderr).toBe(0);

    const names = { stateDir: path.join(dir, 'state', 'test', 'dysnomia', 'localhost'), component: 'web', container: 'process' };
    expect(await pollUntil(() => readSupervisorStatus(names)?.state === 'running', 10_000)).toBe(true);
    const first = readSupervisorStatus(names)!.pid!;
    process.kill(first, 'SIGKILL');
    expect(await pollUntil(() => {
      const status = readSupervisorStatus(names);
      return status?.state === 'running' && status.pid !== first;
    }, 10_000)).toBe(true);

    const query = await runBin('dydisnix-query', [...state, '--output-json']);
    expect(query.code, query.stderr).toBe(0);
    const service = JSON.parse(query.stdout).targets[0].services[0];
    expect(service).toMatchObject({ service: 'web', status: 'running', restarts: 1 });
    const table = await runBin('dydisnix-query', state);
    expect(table.stdout).toMatch(/service +type +container +status +restarts +component/);
    expect(table.stdout).toMatch(/web +process +process +running \(pid \d+.*\) +1 +/);

    const down = await runBin('dydisnix-processes-switch', [...state, '--undeploy']);
    expect(down.code, down.stderr).toBe(0);
    expect(processesUnder(path.join(dir, 'web'))).toEqual([]);
  });
});
