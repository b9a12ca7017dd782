/**
 * Readiness checks in a real deployment (docs/deploy.md, "Readiness"): dydisnix-processes-switch with
 * real processes on loopback. Every process a test starts mentions its temp dir in its command line or
 * environment; afterEach kills them all and removes the dir.
 */
import { promises as fs, readFileSync, readdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
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

async function workDir(): Promise<string> {
  const dir = await tempDir('dydisnix-readiness-');
  dirs.push(dir);
  return dir;
}

/** A loopback port that was free a moment ago. */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function component(dir: string, name: string, script: string): Promise<string> {
  const pkg = path.join(dir, 'pkgs', name);
  await fs.mkdir(path.join(pkg, 'bin'), { recursive: true });
  await fs.writeFile(path.join(pkg, 'bin', name), `#!/bin/sh\n${script}\n`, { mode: 0o755 });
  return pkg;
}

const node = JSON.stringify(process.execPath);

/** A foreground server that starts listening on `port` only after `delayMs`. */
const slowServer = (port: number, delayMs: number) =>
  `exec ${node} -e "setTimeout(() => require('net').createServer().listen(${port}, '127.0.0.1'), ${delayMs})"`;

/** A foreground process that first writes whether `port` answers ("up"/"down") to `file`. */
const probeThenRun = (port: number, file: string) =>
  `${node} -e "const s = require('net').connect(${port}, '127.0.0.1'); const w = (t) => { require('fs').writeFileSync('${file}', t); process.exit(0); }; s.on('connect', () => w('up')); s.on('error', () => w('down'));"\nexec sleep 1000`;

async function switchTo(dir: string, model: unknown, extra: string[] = []) {
  const file = path.join(dir, `processes-${Math.random().toString(16).slice(2)}.json`);
  await fs.writeFile(file, JSON.stringify(model, null, 2));
  return runBin('dydisnix-processes-switch', ['--state-dir', path.join(dir, 'state'), '-p', 'test', ...extra, file]);
}

describe('readiness checks', () => {
  it('orders a slow starter before its dependent: the dependent starts only once the port answers', async () => {
    const dir = await workDir();
    const port = await freePort();
    const seen = path.join(dir, 'seen');
    const slow = await component(dir, 'slow', slowServer(port, 1500));
    const web = await component(dir, 'web', probeThenRun(port, seen));
    const result = await switchTo(dir, {
      slow: { pkg: slow, foregroundProcess: true, readiness: { kind: 'tcp', port, timeout: 60 } },
      web: { pkg: web, foregroundProcess: true, dependencies: ['slow'] },
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain(`Waiting for service slow to be ready (tcp 127.0.0.1:${port}, up to 60 s)`);
    expect(result.stderr).toMatch(/Service slow is ready \(tcp 127\.0\.0\.1:\d+: connected/);
    // web checked the port when it started: the wait on state is the file it writes.
    for (let i = 0; i < 500 && !(await fs.stat(seen).catch(() => undefined)); i++) await new Promise((r) => setTimeout(r, 20));
    expect(await fs.readFile(seen, 'utf8')).toBe('up');
    expect((await runBin('dydisnix-processes-switch', ['--state-dir', path.join(dir, 'state'), '-p', 'test', '--undeploy'])).code).toBe(0);
    expect(processesUnder(path.join(dir, 'pkgs'))).toEqual([]);
  });

  it('a check that never passes fails the activation, names the check and its last result, and rolls back', async () => {
    const dir = await workDir();
    const port = await freePort();
    const db = await component(dir, 'db', 'exec sleep 1000');
    const web = await component(dir, 'web', 'exec sleep 1000');
    const result = await switchTo(dir, {
      db: { pkg: db, foregroundProcess: true, readiness: { kind: 'http', url: `http://127.0.0.1:${port}/health`, timeout: 0.5 } },
      web: { pkg: web, foregroundProcess: true, dependencies: ['db'] },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      new RegExp(`service db did not become ready within 0\\.5 s: readiness check http http://127\\.0\\.0\\.1:${port}/health failed \\d+ time\\(s\\), last result: connect ECONNREFUSED 127\\.0\\.0\\.1:${port}`),
    );
    expect(result.stderr).toContain('rolled back');
    expect(result.stderr).not.toMatch(/Activating service web/);
    // db was stopped again: nothing of the deployment runs, and nothing was committed.
    expect(processesUnder(path.join(dir, 'pkgs'))).toEqual([]);
    await expect(fs.access(path.join(dir, 'state', 'test', 'manifest.json'))).rejects.toThrow();
  });

  it('a command check runs in the component with the service environment', async () => {
    const dir = await workDir();
    const flag = path.join(dir, 'flag');
    const db = await component(dir, 'db', `touch "$FLAG"\nexec sleep 1000`);
    await fs.writeFile(path.join(db, 'check'), '#!/bin/sh\n[ -e "$FLAG" ] || { echo "no flag yet"; exit 1; }\n', { mode: 0o755 });
    const result = await switchTo(dir, {
      db: { pkg: db, foregroundProcess: true, environment: { FLAG: flag }, readiness: { kind: 'command', command: './check', timeout: 30 } },
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('Service db is ready (command ./check: exit status 0');
    expect((await runBin('dydisnix-processes-switch', ['--state-dir', path.join(dir, 'state'), '-p', 'test', '--undeploy'])).code).toBe(0);
  });

  it('a readiness check of an unknown kind is a model error (exit 2) naming the model path', async () => {
    const dir = await workDir();
    const db = await component(dir, 'db', 'exec sleep 1000');
    const result = await switchTo(dir, { db: { pkg: db, readiness: { kind: 'smoke-signal' } } });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/processes\.db\.readiness\.kind: unknown readiness check kind "smoke-signal": expected one of tcp, http, command/);
    expect(processesUnder(path.join(dir, 'pkgs'))).toEqual([]);
  });
});
