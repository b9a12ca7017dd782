import { execa } from 'execa';
import { mkdtempSync, rmSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { remoteCommand } from '../../src/remote/quote.js';
import { SshConnections, parseAddress } from '../../src/remote/ssh.js';
import { existsSync, readdirSync } from 'node:fs';
import { installModules } from '../../src/remote/modules.js';
import { SshShell } from '../../src/remote/shell.js';

const script = path.resolve(__dirname, 'testnet.sh');
const canRun = process.getuid?.() === 0;

describe.skipIf(!canRun)('test/net/testnet.sh', () => {
  let dir: string;
  const ssh = (target: string, ...command: string[]) => execa('ssh', ['-F', path.join(dir, 'ssh_config'), target, '--', ...command], { reject: false });
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'dydisnix-testnet-'));
    await execa(script, ['up', '2', dir]);
  }, 60_000);
  afterAll(async () => {
    if (dir) {
      await execa(script, ['down', dir], { reject: false });
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reaches every target over ssh, each with its own loopback-only namespace and root folder', async () => {
    const t1 = await ssh('t1', 'printenv', 'DYDISNIX_TARGET_ROOT');
    const t2 = await ssh('t2', 'printenv', 'DYDISNIX_TARGET_ROOT');
    expect(t1.exitCode).toBe(0);
    expect(t2.exitCode).toBe(0);
    expect(t1.stdout).toBe(path.join(dir, 't1', 'root'));
    expect(t2.stdout).toBe(path.join(dir, 't2', 'root'));
    const links = await ssh('t1', 'ip', '-o', 'link');
    expect(links.stdout.trim().split('\n').map((l) => l.split(':')[1]!.trim().replace(/@.*/, ''))).toEqual(['lo', 'eth0']);
    const addresses = await ssh('t2', 'ip', '-o', '-4', 'addr', 'show', 'eth0');
    expect(addresses.stdout).toContain('10.77.0.2/24');
    // The private LAN joins the targets and nothing else.
    // (sshd listens on loopback only, so t2 answers with a reset: the packet got there)
    const probe = await ssh('t1', 'bash', '-c', "exec 3<>/dev/tcp/10.77.0.2/22", 'x');
    expect(probe.stderr).toMatch(/Connection refused/);
  }, 60_000);

  it('an argument array quoted by remoteCommand arrives over ssh word for word', async () => {
    const words = ['', "it's", '$(id)', '`id`', 'a b', '*', '\\', 'x;y|z&', 'a\nb'];
    const result = await execa('ssh', ['-F', path.join(dir, 'ssh_config'), 't1', '--', remoteCommand(['printf', '%s\\0', ...words])], { stripFinalNewline: false });
    expect(result.stdout.split('\0').slice(0, -1)).toEqual(words);
  }, 60_000);

  it('SshConnections: one master per target, reused, closed with its control folder', async () => {
    const ssh = new SshConnections({ extra: ['-F', path.join(dir, 'ssh_config')] });
    let control = '';
    try {
      const a = await ssh.run({ name: 't1', host: 't1' }, ['true']);
      const b = await ssh.run({ name: 't1', host: 't1' }, ['cat'], 'piped');
      expect(a.exitCode).toBe(0);
      expect(b.stdout).toBe('piped');
      control = await ssh.controlDir();
      expect(readdirSync(control).filter((f) => !f.endsWith('.log'))).toHaveLength(1); // one master socket, used by both commands
    } finally {
      await ssh.close();
    }
    expect(existsSync(control)).toBe(false);
    const left = await execa('pgrep', ['-f', `ControlPath=${control}`], { reject: false });
    expect(left.stdout).toBe('');
    expect(parseAddress('h:2222', 'x')).toEqual({ host: 'h', port: 2222 });
    expect(() => parseAddress('-oProxyCommand=x', 'x')).toThrow(/invalid address/);
  }, 60_000);

  it('installModules: our modules reach the target once, under their content hash', async () => {
    const ssh = new SshConnections({ extra: ['-F', path.join(dir, 'ssh_config')] });
    try {
      const root = path.join(dir, 't1', 'root');
      const shell = new SshShell(ssh, { name: 't1', host: 't1' });
      const first = await installModules(shell, root);
      const second = await installModules(shell, root);
      expect(first.installed).toBe(true);
      expect(first.bytes).toBeGreaterThan(0);
      expect(second).toEqual({ dir: first.dir, installed: false, bytes: 0 });
      const run = await ssh.run({ name: 't1', host: 't1' }, [`${first.dir}/echo`, 'lock', '/x', 'c']);
      expect(run.exitCode).toBe(0);
      expect(run.stdout).toContain('Echo module: Lock service: /x');
      expect(readdirSync(path.join(root, 'modules'))).toEqual([path.basename(first.dir)]);
    } finally {
      await ssh.close();
    }
  }, 60_000);

  it('refuses a changed host key', async () => {
    const file = path.join(dir, 'known_hosts');
    const pinned = readFileSync(file, 'utf8');
    const t2Key = pinned.split('\n').find((l) => l.startsWith('t2 '))!.split(' ').slice(1).join(' ');
    writeFileSync(file, pinned.replace(/^t1 .*$/m, `t1 ${t2Key}`));
    try {
      const result = await ssh('t1', 'true');
      expect(result.exitCode).toBe(255);
      expect(result.stderr).toMatch(/HOST IDENTIFICATION HAS CHANGED|Host key verification failed/);
    } finally {
      writeFileSync(file, pinned);
    }
  }, 60_000);

  it('kill stops every process of one target; down removes every namespace', async () => {
    await execa(script, ['kill', dir, 't2']);
    expect((await ssh('t2', 'true')).exitCode).toBe(255);
    expect((await ssh('t1', 'true')).exitCode).toBe(0);
    const namespaces = readFileSync(path.join(dir, 'namespaces'), 'utf8').trim().split('\n');
    await execa(script, ['down', dir]);
    const { stdout } = await execa('ip', ['netns', 'list']);
    for (const ns of namespaces) expect(stdout).not.toContain(ns);
  }, 60_000);
});
