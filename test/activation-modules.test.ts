/**
 * End-to-end tests of `dydisnix-dysnomia` module lookup and calling convention (echo, wrapper,
 * external modules, container configs) and of the library API (runActivation).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runActivation, assertActivated } from '../src/activation/run.js';
import { isAlive } from '../src/activation/proc.js';
import { MARKER_VAR, markedProcesses, newMarker, reap } from '../src/activation/reaper.js';
import { fixture, runBin, tempDir } from './helpers.js';

const RECORD = fixture('activation', 'record-module.sh');

let marker = '';
let root = '';

beforeEach(async () => {
  marker = newMarker();
  root = await tempDir('dydisnix-activation-modules-');
});

afterEach(async () => {
  await reap(marker);
  await fs.rm(root, { recursive: true, force: true });
});

async function writeExecutable(file: string, text: string): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, text, { mode: 0o755 });
}

function env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { DYSNOMIA_STATEDIR: path.join(root, 'state'), DYSNOMIA_MODULES_PATH: '', [MARKER_VAR]: marker, ...extra };
}

function parseRecord(text: string): Record<string, string> {
  return Object.fromEntries(text.trim().split('\n').map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]));
}

describe('dydisnix-dysnomia: command line', () => {
  it('--help shows examples and the environment variables', async () => {
    const result = await runBin('dydisnix-dysnomia', ['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Examples:');
    expect(result.stdout).toContain('DYSNOMIA_MODULES_PATH');
  });

  it('missing options are usage errors (exit 2)', async () => {
    expect((await runBin('dydisnix-dysnomia', ['-t', 'echo', '-c', root, '-E'])).code).toBe(2);
    expect((await runBin('dydisnix-dysnomia', ['-t', 'echo', '-o', 'activate', '-E'])).code).toBe(2);
    const noContainer = await runBin('dydisnix-dysnomia', ['-t', 'echo', '-o', 'activate', '-c', root]);
    expect(noContainer.code).toBe(2);
    expect(noContainer.stderr).toContain('--environment');
    expect((await runBin('dydisnix-dysnomia', ['-t', 'echo', '-o', 'bogus', '-c', root, '-E'])).code).toBe(2);
  });

  it('an unknown module exits 1 and says where it looked', async () => {
    const result = await runBin('dydisnix-dysnomia', ['-t', 'no-such-module', '-o', 'activate', '-c', root, '-E'], { env: env() });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('no Dysnomia module "no-such-module"');
    expect(result.stderr).toContain('libexec/dysnomia');
  });
});

describe('echo and wrapper modules', () => {
  it('echo prints the operation, the component and the environment', async () => {
    const component = path.join(root, 'comp');
    await fs.mkdir(component);
    const result = await runBin('dydisnix-dysnomia', ['-t', 'echo', '-o', 'snapshot', '-c', component, '-E'], { env: env({ myProperty: 'hello' }) });
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n')[0]).toBe(`Echo module: Snapshot state of service: ${component}`);
    expect(result.stdout).toContain('\nmyProperty=hello\n');
  });

  it('wrapper runs <component>/bin/wrapper OP CONTAINER and reports its exit status', async () => {
    const component = path.join(root, 'comp');
    const out = path.join(root, 'wrapper.out');
    await writeExecutable(path.join(component, 'bin', 'wrapper'), `#!/bin/sh\necho "wrapper $1 $2" >> ${out}\n[ "$1" = lock ] && exit 4\nexit 0\n`);
    const up = await runBin('dydisnix-dysnomia', ['-t', 'wrapper', '-o', 'activate', '-c', component, '-E', '-C', 'mycontainer'], { env: env() });
    expect(up.code).toBe(0);
    const lock = await runBin('dydisnix-dysnomia', ['-t', 'wrapper', '-o', 'lock', '-c', component, '-E'], { env: env() });
    expect(lock.code).toBe(4);
    expect(lock.stderr).toContain('failed (exit status 4)');
    expect(await fs.readFile(out, 'utf8')).toBe('wrapper activate mycontainer\nwrapper lock wrapper\n');
    expect(await fs.stat(path.join(root, 'state', 'activated', 'mycontainer', 'comp'))).toBeTruthy();
  });
});

describe('external modules', () => {
  it('a module on DYSNOMIA_MODULES_PATH comes first and receives the arguments and container properties (container config)', async () => {
    const modules = path.join(root, 'modules');
    await fs.mkdir(modules);
    // Shadow our own echo module: DYSNOMIA_MODULES_PATH is searched first.
    await fs.symlink(RECORD, path.join(modules, 'echo'));
    const containers = path.join(root, 'containers');
    await fs.mkdir(containers);
    await fs.writeFile(path.join(containers, 'web'), 'type=echo\nport=8080\nenabled=1\nhosts="a b"\n');
    const component = path.join(root, 'comp');
    await fs.mkdir(component);
    const out = path.join(root, 'record.out');
    const result = await runBin('dydisnix-dysnomia', ['-o', 'activate', '-c', component, '--container', 'web'], {
      env: env({ DYSNOMIA_MODULES_PATH: `/nonexistent:${modules}`, DYSNOMIA_CONTAINERS_PATH: containers, RECORD_OUT: out }),
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('record-module: activate done\n');
    expect(parseRecord(await fs.readFile(out, 'utf8'))).toEqual({ args: `activate ${component} web`, name: 'echo', port: '8080', enabled: '1', hosts: 'a b', label: '' });
  });

  it('a path to an executable is used directly; its exit status is reported', async () => {
    const out = path.join(root, 'record.out');
    const result = await runBin('dydisnix-dysnomia', ['-t', RECORD, '-o', 'lock', '-c', root, '-E'], { env: env({ RECORD_OUT: out, label: 'x y' }) });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('record-module: cannot lock');
    expect(parseRecord(await fs.readFile(out, 'utf8'))).toMatchObject({ args: `lock ${root} record-module.sh`, label: 'x y' });
  });

  it('a container-providing service folder provides its module in libexec/dysnomia', async () => {
    const provider = path.join(root, 'provider');
    await fs.mkdir(path.join(provider, 'libexec', 'dysnomia'), { recursive: true });
    await fs.symlink(RECORD, path.join(provider, 'libexec', 'dysnomia', 'mydb'));
    const out = path.join(root, 'record.out');
    const result = await runBin('dydisnix-dysnomia', ['-t', provider, '-o', 'deactivate', '-c', root, '-E'], { env: env({ RECORD_OUT: out }) });
    expect(result.code).toBe(0);
    expect(parseRecord(await fs.readFile(out, 'utf8')).args).toBe(`deactivate ${root} mydb`);
  });
});

describe('library API: runActivation', () => {
  it('encodes typed container properties and captures the logs', async () => {
    const out = path.join(root, 'record.out');
    const result = await runActivation({
      type: RECORD,
      operation: 'activate',
      component: root,
      container: { name: 'db', properties: { port: 5432, enabled: false, hosts: ['h1', 'h2'], label: 'a label' } },
      env: { ...process.env, ...env({ RECORD_OUT: out, enabled: 'stale' }) },
    });
    expect(result).toMatchObject({ exitCode: 0, stdout: 'record-module: activate done\n', stderr: '', module: RECORD, timedOut: false });
    expect(parseRecord(await fs.readFile(out, 'utf8'))).toEqual({ args: `activate ${root} db`, name: 'record-module.sh', port: '5432', enabled: '', hosts: 'h1 h2', label: 'a label' });
  });

  it('reports failures with the exit code and stderr; assertActivated turns them into ActivationError', async () => {
    const request = { type: RECORD, operation: 'lock' as const, component: root, env: { ...process.env, ...env({ RECORD_OUT: path.join(root, 'o') }) } };
    const result = await runActivation(request);
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toBe('record-module: cannot lock\n');
    expect(() => assertActivated(request, result)).toThrow(/lock of .* failed with exit status 3:\nrecord-module: cannot lock/);
  });

  it('a per-call timeout kills a hanging module', async () => {
    const slow = path.join(root, 'slow');
    await writeExecutable(slow, '#!/bin/sh\necho starting\nexec sleep 1000\n');
    const result = await runActivation({ type: slow, operation: 'activate', component: root, timeoutMs: 300, env: { ...process.env, ...env() } });
    expect(result.timedOut).toBe(true);
    expect(result.exitCode).toBe(124);
    expect(result.stdout).toBe('starting\n');
    expect(result.stderr).toContain('timed out after 300 ms');
  });

  it('does not hang when a module leaves a child holding its output open', async () => {
    const leaky = path.join(root, 'leaky');
    await writeExecutable(leaky, '#!/bin/sh\necho before\nsleep 1000 &\necho after\n');
    const result = await runActivation({ type: leaky, operation: 'activate', component: root, env: { ...process.env, ...env() } });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe('before\nafter\n');
    expect(markedProcesses(marker)).toHaveLength(1);
  });

  it('passes the service environment as JSON and, while the module runs, as a file of NAME=VALUE entries', async () => {
    const module = path.join(root, 'env-module');
    const out = path.join(root, 'env');
    await writeExecutable(module, `#!/bin/sh\ncp "$DYSNOMIA_SERVICE_ENVIRONMENT_FILE" ${out}.file\nprintf %s "$DYSNOMIA_SERVICE_ENVIRONMENT_FILE" > ${out}.path\nprintf %s "$DYSNOMIA_SERVICE_ENVIRONMENT" > ${out}.json\n`);
    const environment = { A: 'x y', B: 'line 1\nline 2', C: '' };
    const result = await runActivation({ type: module, operation: 'activate', component: root, environment, env: { ...process.env, ...env() } });
    expect(result).toMatchObject({ exitCode: 0, stderr: '' });
    expect(await fs.readFile(`${out}.file`, 'utf8')).toBe('A=x y\0B=line 1\nline 2\0C=\0');
    expect(JSON.parse(await fs.readFile(`${out}.json`, 'utf8'))).toEqual(environment);
    // removed once the module has exited
    await expect(fs.access(await fs.readFile(`${out}.path`, 'utf8'))).rejects.toThrow();
  });

  it('names no service environment file without a service environment, even when one is inherited', async () => {
    const result = await runActivation({ type: 'echo', operation: 'lock', component: root, env: { ...process.env, ...env({ DYSNOMIA_SERVICE_ENVIRONMENT_FILE: '/nonexistent' }) } });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).not.toContain('DYSNOMIA_SERVICE_ENVIRONMENT_FILE');
    await expect(runActivation({ type: 'echo', operation: 'lock', component: root, environment: { A: 'a\0b' } })).rejects.toThrow(/contains a NUL character/);
  });

  it('runs the process module with the service environment and stops the daemon again', async () => {
    const component = path.join(root, 'comp');
    await writeExecutable(path.join(component, 'bin', 'svc'), `#!/bin/sh\nexec ${fixture('activation', 'daemon.sh')} "$@"\n`);
    const envOut = path.join(root, 'env.out');
    const base = { ...process.env, ...env({ ENV_OUT: envOut }) };
    const runtimeDir = path.join(root, 'run');
    const request = { type: 'process', component, container: { name: 'process', properties: { runtimeDir } }, environment: { GREETING: 'hi' }, env: base };
    const up = await runActivation({ ...request, operation: 'activate' });
    assertActivated({ ...request, operation: 'activate' }, up);
    const pid = Number((await fs.readFile(path.join(runtimeDir, 'svc.pid'), 'utf8')).trim());
    expect(isAlive(pid)).toBe(true);
    await expect.poll(async () => (await fs.readFile(envOut, 'utf8').catch(() => '')).includes('GREETING=hi')).toBe(true);
    const down = await runActivation({ ...request, operation: 'deactivate' });
    expect(down.exitCode).toBe(0);
    expect(isAlive(pid)).toBe(false);
  });
});
