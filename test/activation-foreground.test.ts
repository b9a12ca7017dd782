/**
 * The process module with foreground processes and supervision (docs/activation.md, "Foreground
 * processes" and "Supervision"): real processes, run through our module executable. Every process
 * carries a marker in its environment; afterEach KILLs whatever still carries it.
 */
import { execFile } from 'node:child_process';
import { promises as fs, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OUR_MODULES_DIR } from '../src/activation/lookup.js';
import { isAlive, pollUntil, readStat } from '../src/activation/proc.js';
import { readRecord } from '../src/activation/state.js';
import { readSupervisorStatus } from '../src/activation/supervision.js';
import { MARKER_VAR, markedProcesses, newMarker, reap } from '../src/activation/reaper.js';
import { tempDir } from './helpers.js';

let marker = '';
const dirs: string[] = [];

beforeEach(() => {
  marker = newMarker();
});

afterEach(async () => {
  await reap(marker);
  for (const dir of dirs.splice(0)) await fs.rm(dir, { recursive: true, force: true });
});

interface Setup {
  component: string;
  stateDir: string;
  runtimeDir: string;
  env: NodeJS.ProcessEnv;
}

/** A component whose single executable bin/<name> is `script` (sh). */
async function setup(name: string, script: string, config?: string): Promise<Setup> {
  const root = await tempDir('dydisnix-foreground-');
  dirs.push(root);
  const component = path.join(root, name);
  await fs.mkdir(path.join(component, 'bin'), { recursive: true });
  await fs.writeFile(path.join(component, 'bin', name), `#!/bin/sh\n${script}\n`, { mode: 0o755 });
  if (config !== undefined) {
    await fs.mkdir(path.join(component, 'etc', 'dysnomia'), { recursive: true });
    await fs.writeFile(path.join(component, 'etc', 'dysnomia', 'process'), config);
  }
  const stateDir = path.join(root, 'state');
  const runtimeDir = path.join(root, 'run');
  return { component, stateDir, runtimeDir, env: { DYSNOMIA_STATEDIR: stateDir, runtimeDir, [MARKER_VAR]: marker, DYSNOMIA_MODULES_PATH: '' } };
}

function processModule(s: Setup, operation: string, extraEnv: NodeJS.ProcessEnv = {}): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile(path.join(OUR_MODULES_DIR, 'process'), [operation, s.component, 'process'], { env: { ...process.env, ...s.env, ...extraEnv } }, (error, _stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stderr });
    });
  });
}

const names = (s: Setup) => ({ stateDir: s.stateDir, component: path.basename(s.component), container: 'process' });
const readPid = (file: string) => Number(readFileSync(file, 'utf8').trim());

describe('process module: foreground processes', () => {
  it('daemonises a component declared foreground (foregroundProcess=1) and writes its PID file', async () => {
    const s = await setup('fg', 'echo "fg: running in the foreground"\nexec sleep 1000');
    const up = await processModule(s, 'activate', { foregroundProcess: '1' });
    expect(up.code, up.stderr).toBe(0);
    const pid = readPid(path.join(s.runtimeDir, 'fg.pid'));
    expect(isAlive(pid)).toBe(true);
    // The daemon leads a session of its own and is what the record names.
    expect(readStat(pid)?.session).toBe(pid);
    expect((await readRecord(names(s)))?.pid).toBe(pid);
    // Its output goes to the log; the module does not wait for it to print, so wait on the log.
    const log = path.join(s.stateDir, 'logs', 'process', 'fg.log');
    expect(await pollUntil(() => readFileSync(log, 'utf8').includes('fg: running in the foreground'), 10_000)).toBe(true);
    const down = await processModule(s, 'deactivate', { foregroundProcess: '1' });
    expect(down.code, down.stderr).toBe(0);
    expect(isAlive(pid)).toBe(false);
    expect(markedProcesses(marker)).toEqual([]);
  });

  it('foregroundProcess= in the component config names the command to daemonise', async () => {
    const s = await setup('svc', 'exit 7', 'foregroundProcess=/bin/sleep 1000\n');
    const up = await processModule(s, 'activate');
    expect(up.code, up.stderr).toBe(0);
    // The module writes the PID file, named after the component.
    const pid = readPid(path.join(s.runtimeDir, 'svc.pid'));
    expect(readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')).toEqual(['/bin/sleep', '1000', '']);
    expect((await processModule(s, 'deactivate')).code).toBe(0);
    expect(markedProcesses(marker)).toEqual([]);
  });

  it('a component that should daemonise but stays in the foreground fails with "did not daemonise within N s" last', async () => {
    const s = await setup('stuck', 'echo "stuck: serving in the foreground"\nexec sleep 1000');
    const up = await processModule(s, 'activate', { startTimeout: '0.3' });
    expect(up.code).toBe(1);
    const lines = up.stderr.trim().split('\n');
    expect(lines.at(-1)).toBe(`${path.join(s.component, 'bin', 'stuck')} did not daemonise within 0.3 s`);
    expect(up.stderr).toContain('Declare it a foreground process (foregroundProcess)');
    expect(markedProcesses(marker)).toEqual([]);
  });
});

describe('process module: supervision (restart=on-failure)', () => {
  it('restarts a failing process with exponential back-off up to the limit, and records the count', async () => {
    const s = await setup('crash', 'echo "crash: run $$"\nexit 3');
    const env = { foregroundProcess: '1', restart: 'on-failure', restartDelay: '0.02', restartLimit: '3' };
    const up = await processModule(s, 'activate', env);
    expect(up.code, up.stderr).toBe(0);
    const supervisor = readPid(path.join(s.runtimeDir, 'crash.pid'));
    // Wait on state: the supervisor gives up after three restarts in a row.
    expect(await pollUntil(() => readSupervisorStatus(names(s))?.state === 'gave-up', 20_000)).toBe(true);
    const status = readSupervisorStatus(names(s))!;
    expect(status).toMatchObject({ policy: 'on-failure', supervisorPid: supervisor, restarts: 3, streak: 3, lastExitStatus: 3 });
    // Back-off doubles: 20, 40, 80 ms.
    expect(status.backoffMs).toEqual([20, 40, 80]);
    const log = readFileSync(path.join(s.stateDir, 'logs', 'process', 'crash.log'), 'utf8');
    expect(log.match(/crash: run \d+/g)).toHaveLength(4);
    expect(log).toContain('giving up after 3 restarts in a row (restartLimit 3)');
    expect(await pollUntil(() => !isAlive(supervisor), 5_000)).toBe(true);
    expect((await processModule(s, 'deactivate', env)).code).toBe(0);
    expect(readSupervisorStatus(names(s))).toBeUndefined();
    expect(markedProcesses(marker)).toEqual([]);
  });

  it('keeps a process running: a killed process comes back, and deactivate stops both', async () => {
    const s = await setup('svc', 'exec sleep 1000');
    const env = { foregroundProcess: '1', restart: 'on-failure', restartDelay: '0.01' };
    expect((await processModule(s, 'activate', env)).code).toBe(0);
    expect(await pollUntil(() => readSupervisorStatus(names(s))?.state === 'running', 5_000)).toBe(true);
    const first = readSupervisorStatus(names(s))!.pid!;
    process.kill(first, 'SIGKILL');
    expect(await pollUntil(() => {
      const status = readSupervisorStatus(names(s));
      return status?.state === 'running' && status.pid !== first;
    }, 10_000)).toBe(true);
    const status = readSupervisorStatus(names(s))!;
    expect(status.restarts).toBe(1);
    expect(status.lastExitStatus).toBe(128 + 9);
    expect(isAlive(status.pid!)).toBe(true);
    const down = await processModule(s, 'deactivate', env);
    expect(down.code, down.stderr).toBe(0);
    expect(markedProcesses(marker)).toEqual([]);
  });

  it('is stoppable while it waits to restart (a long back-off), and nothing is left behind', async () => {
    const s = await setup('crash', 'exit 1');
    const env = { foregroundProcess: '1', restart: 'always', restartDelay: '600' };
    expect((await processModule(s, 'activate', env)).code).toBe(0);
    expect(await pollUntil(() => readSupervisorStatus(names(s))?.state === 'backing-off', 10_000)).toBe(true);
    const down = await processModule(s, 'deactivate', { ...env, stopTimeout: '30' });
    expect(down.code, down.stderr).toBe(0);
    // Stopped by TERM, not by the KILL that follows stopTimeout.
    expect(down.stderr).not.toContain('sending KILL');
    expect(markedProcesses(marker)).toEqual([]);
  });

  it('restart without a foreground process is a configuration error', async () => {
    const s = await setup('svc', 'exec sleep 1000');
    const up = await processModule(s, 'activate', { restart: 'on-failure' });
    expect(up.code).toBe(1);
    expect(up.stderr).toContain('restart=on-failure needs a process that stays in the foreground');
    const bad = await processModule(s, 'activate', { foregroundProcess: '1', restart: 'sometimes' });
    expect(bad.stderr).toContain('restart must be no, on-failure or always, got "sometimes"');
    expect(markedProcesses(marker)).toEqual([]);
  });
});
