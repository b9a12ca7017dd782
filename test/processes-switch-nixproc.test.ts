/**
 * The nixproc-disnix-switch options of dydisnix-processes-switch (docs/deploy.md): the folders given to
 * the processes function and created before the switch, --force-disable-user-change, --extra-params,
 * -o/--old-profile, and nixproc-style dependencies. Real processes where something is deployed; every
 * process mentions the test's temp dir, and afterEach kills what is left and removes the dir.
 */
import { spawnSync } from 'node:child_process';
import { promises as fs, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runBin, tempDir } from './helpers.js';

const dirs: string[] = [];
const hasNix = spawnSync('nix-instantiate', ['--version']).status === 0;

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

async function workDir(files: Record<string, string> = {}): Promise<string> {
  const dir = await tempDir('dydisnix-nixproc-');
  dirs.push(dir);
  for (const [name, content] of Object.entries(files)) {
    await fs.mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await fs.writeFile(path.join(dir, name), content, { mode: name.includes('/bin/') ? 0o755 : 0o644 });
  }
  return dir;
}

const sw = (dir: string, args: string[]) => runBin('dydisnix-processes-switch', ['--state-dir', path.join(dir, 'state'), '-p', 'test', ...args]);

/** A JS processes function that hands its arguments to the daemon's environment. */
const JS_MODEL = `export default ({ stateDir, runtimeDir, logDir, tmpDir, cacheDir, forceDisableUserChange, port }) => ({
  web: {
    pkg: 'web',
    foregroundProcess: true,
    environment: { STATE: stateDir, RUNTIME: runtimeDir, LOGS: logDir, TMP: tmpDir, CACHE: cacheDir, NOCHANGE: forceDisableUserChange, PORT: port ?? 'none' },
  },
});
`;

describe('dydisnix-processes-switch: nixproc options', () => {
  it('--state-dir and the --*-dir options reach the processes function, are created, and runtimeDir holds the PID files', async () => {
    const dir = await workDir({ 'processes.js': JS_MODEL, 'web/bin/web': '#!/bin/sh\nexec sleep 1000\n' });
    const runtime = path.join(dir, 'pids');
    const logs = path.join(dir, 'logs');
    const result = await sw(dir, ['--runtime-dir', runtime, '--log-dir', logs, '--extra-params', '{ port = 8080; }', '--force-disable-user-change', path.join(dir, 'processes.js')]);
    expect(result.code, result.stderr).toBe(0);
    const manifest = JSON.parse(await fs.readFile(path.join(dir, 'state', 'test', 'manifest.json'), 'utf8'));
    const state = path.join(dir, 'state');
    expect(manifest.services.web.environment).toEqual({ STATE: state, RUNTIME: runtime, LOGS: logs, TMP: path.join(state, 'tmp'), CACHE: path.join(state, 'cache'), NOCHANGE: '1', PORT: '8080' });
    expect(manifest.infrastructure.localhost.containers.process).toEqual({ runtimeDir: runtime, forceDisableUserChange: true });
    for (const folder of [runtime, logs, path.join(state, 'tmp'), path.join(state, 'cache')]) expect((await fs.stat(folder)).isDirectory()).toBe(true);
    expect(Number((await fs.readFile(path.join(runtime, 'web.pid'), 'utf8')).trim())).toBeGreaterThan(1);
    expect((await sw(dir, ['--undeploy'])).code).toBe(0);
    expect(processesUnder(path.join(dir, 'web'))).toEqual([]);
  });

  it('without options the folders follow --state-dir as in nix-processmgmt, and a dry run creates nothing', async () => {
    const dir = await workDir({ 'processes.js': JS_MODEL, 'web/bin/web': '#!/bin/sh\nexec sleep 1000\n' });
    const result = await sw(dir, ['--dry-run', path.join(dir, 'processes.js')]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('Activate service web (process)');
    await expect(fs.access(path.join(dir, 'state'))).rejects.toThrow();
  });

  it('--force-disable-user-change creates no users, even as root', async () => {
    const dir = await workDir({
      'processes.json': JSON.stringify({ web: { pkg: 'web', foregroundProcess: true } }),
      'web/bin/web': '#!/bin/sh\nexec sleep 1000\n',
      'web/dysnomia-support/users/dydisnix-nixproc-test': 'uid=4243\n',
    });
    const result = await sw(dir, ['--force-disable-user-change', path.join(dir, 'processes.json')]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/Skipped creating the users and groups of .*dysnomia-support: (forceDisableUserChange is set|not running as root)/);
    expect(readFileSync('/etc/passwd', 'utf8')).not.toContain('dydisnix-nixproc-test');
    expect((await sw(dir, ['--undeploy'])).code).toBe(0);
  });

  it('-o/--old-profile plans the switch from another deployment', async () => {
    const dir = await workDir({
      'a.json': JSON.stringify({ web: { pkg: 'web', foregroundProcess: true } }),
      'b.json': JSON.stringify({ web: { pkg: 'web', foregroundProcess: true }, db: { pkg: 'db', foregroundProcess: true } }),
      'web/bin/web': '#!/bin/sh\nexec sleep 1000\n',
      'db/bin/db': '#!/bin/sh\nexec sleep 1000\n',
    });
    expect((await sw(dir, [path.join(dir, 'b.json')])).code).toBe(0);
    expect((await sw(dir, [path.join(dir, 'a.json')])).code).toBe(0);
    // Against the current deployment (a) nothing changes; against generation 1 (b), db goes.
    const current = await sw(dir, ['--dry-run', path.join(dir, 'a.json')]);
    expect(current.stdout).toContain('Deactivate (reverse dependency order): 0');
    const fromB = await sw(dir, ['--dry-run', '-o', path.join(dir, 'state', 'test', 'generations', '1.json'), path.join(dir, 'a.json')]);
    expect(fromB.code, fromB.stderr).toBe(0);
    expect(fromB.stdout).toMatch(/Deactivate \(reverse dependency order\): 1\n {2}step 1: \[target: localhost\]: Deactivate service db/);
    const missing = await sw(dir, ['--dry-run', '--old-profile', path.join(dir, 'nowhere'), path.join(dir, 'a.json')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--old-profile:');
    expect((await sw(dir, ['--undeploy'])).code).toBe(0);
  });

  it.runIf(hasNix)('nixproc-style dependencies (dependencies = [ db ]) order a Nix model; a wrong one names the process and the form', async () => {
    const dir = await workDir({
      'named.nix': '{ port ? 1 }: rec {\n  db = { name = "db"; pkg = ./db; inherit port; };\n  web = { pkg = ./web; dependencies = [ db ]; };\n}\n',
      'anonymous.nix': '{ }: rec {\n  db = { pkg = ./db; };\n  web = { pkg = ./web; dependencies = [ db ]; };\n}\n',
      'wrong.nix': '{ }: {\n  db = { pkg = ./db; };\n  web = { pkg = ./web; dependencies = [ 42 ]; };\n}\n',
      'web/bin/web': '#!/bin/sh\nexec sleep 1000\n',
      'db/bin/db': '#!/bin/sh\nexec sleep 1000\n',
    });
    for (const model of ['named.nix', 'anonymous.nix']) {
      const result = await sw(dir, ['--dry-run', '--extra-params', '{ port = 5; }', path.join(dir, model)]);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toMatch(/step 1: .*service db .*\n {2}step 2: .*service web /);
    }
    const wrong = await sw(dir, ['--dry-run', path.join(dir, 'wrong.nix')]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('processes.web.dependencies[0]: a dependency of process web: expected a process name ("db") or a process, i.e. an attribute set with a name');
    expect(wrong.stderr).toContain('got an integer');
  });
});
