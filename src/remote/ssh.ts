/**
 * OpenSSH as the transport (docs/remote.md): one multiplexed connection per target per run
 * (ControlMaster in a private control folder), commands always as argument arrays quoted by
 * remoteCommand, and every master closed by `close()` (callers do it in a finally block).
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { UsageError } from '../errors.js';
import { splitWords } from '../activation/properties.js';
import { remoteCommand } from './quote.js';

export interface SshTarget {
  /** Target name, for messages. */
  name: string;
  host: string;
  port?: number;
  user?: string;
}

/** `host`, `host:port` or `[v6]:port` → host and port. */
export function parseAddress(address: string, name: string): { host: string; port?: number } {
  const match = /^\[([^\]]+)\](?::(\d+))?$/.exec(address) ?? /^([^:[\]]+)(?::(\d+))?$/.exec(address);
  if (!match || match[1]!.startsWith('-')) throw new UsageError(`target ${name}: invalid address "${address}" (expected host or host:port)`);
  const port = match[2] === undefined ? undefined : Number(match[2]);
  if (port !== undefined && (port < 1 || port > 65535)) throw new UsageError(`target ${name}: invalid port in "${address}"`);
  return { host: match[1]!, ...(port !== undefined ? { port } : {}) };
}

/** The control socket's name of a target: a hash of the user, host (as given) and port. */
function socketName(target: SshTarget, user: string | undefined): string {
  return createHash('sha256').update(`${user ?? ''}\0${target.host}\0${target.port ?? ''}`).digest('hex').slice(0, 20);
}

export interface SshOptions {
  /** Extra ssh arguments ($SSH_OPTS, split into words without a shell). */
  extra?: string[];
  /** Default user ($SSH_USER). */
  user?: string;
  connectTimeoutS?: number;
  /** Seconds of silence after which a live connection counts as dead (ServerAliveInterval × 3). */
  aliveIntervalS?: number;
}

export interface SshResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export class SshConnections {
  private dir: Promise<string> | undefined;
  private readonly opened = new Map<string, SshTarget>();
  constructor(private readonly options: SshOptions = {}) {}

  static fromEnv(env: NodeJS.ProcessEnv = process.env, connectTimeoutS?: number): SshConnections {
    return new SshConnections({
      extra: splitWords(env.SSH_OPTS ?? ''),
      ...(env.SSH_USER ? { user: env.SSH_USER } : {}),
      ...(connectTimeoutS !== undefined ? { connectTimeoutS } : {}),
    });
  }

  /** The private folder of the control sockets (created on first use). */
  controlDir(): Promise<string> {
    // mkdtemp creates the folder with mode 0700: nobody else can plant or reach a control socket.
    this.dir ??= fs.mkdtemp(path.join(os.tmpdir(), 'dydisnix-ssh-'));
    return this.dir;
  }

  private async args(target: SshTarget, master = false): Promise<string[]> {
    const dir = await this.controlDir();
    const user = target.user ?? this.options.user;
    return [
      ...(this.options.extra ?? []),
      // Only the explicit master (below) is a master: a command that became one would fork a master
      // holding its output pipes open, and the command would seem to run until the master exits.
      '-o', `ControlMaster=${master ? 'yes' : 'no'}`,
      // One socket per target as named here: OpenSSH's %C hashes the resolved HostName, so two aliases
      // of one address (as in test/net/testnet.sh, every HostName 127.0.0.1) would share a master.
      '-o', `ControlPath=${path.join(dir, socketName(target, user))}`,
      // A master whose coordinator was killed (kill -9) exits by itself once idle for 5 minutes; a
      // command that finds no master connects directly.
      '-o', 'ControlPersist=300',
      '-o', `ConnectTimeout=${this.options.connectTimeoutS ?? 10}`,
      '-o', `ServerAliveInterval=${this.options.aliveIntervalS ?? 5}`,
      '-o', 'ServerAliveCountMax=3',
      '-o', 'BatchMode=yes',
      ...(target.port !== undefined ? ['-p', String(target.port)] : []),
      ...(user ? ['-l', user] : []),
    ];
  }

  private readonly masters = new Map<string, Promise<SshResult | undefined>>();

  /**
   * Open the target's master connection once (`ssh -f -N`: it goes to the background once
   * authenticated). Its stderr goes to a file in the control folder, so no pipe of ours stays open.
   * Resolves to the failure (exit 255 and ssh's message) when the target cannot be reached.
   */
  private master(target: SshTarget): Promise<SshResult | undefined> {
    const key = `${target.user ?? ''}@${target.host}:${target.port ?? ''}`;
    let opening = this.masters.get(key);
    if (!opening) {
      opening = (async () => {
        const { execa } = await import('execa');
        const dir = await this.controlDir();
        const log = path.join(dir, `${socketName(target, target.user ?? this.options.user)}.log`);
        this.opened.set(key, target);
        const result = await execa('ssh', [...(await this.args(target, true)), '-f', '-N', '--', target.host], {
          reject: false,
          stdin: 'ignore',
          stdout: 'ignore',
          stderr: { file: log },
        });
        if (result.exitCode === 0) return undefined;
        const message = await fs.readFile(log, 'utf8').catch(() => '');
        return { exitCode: 255, stdout: '', stderr: message || `ssh exited with status ${result.exitCode ?? result.signal}` };
      })();
      this.masters.set(key, opening);
      // A failed connection is tried again by the next command (the machine may be back).
      void opening.then((failure) => {
        if (failure && this.masters.get(key) === opening) this.masters.delete(key);
      });
    }
    return opening;
  }

  /** Run argv on the target (through its master connection, opened on first use). */
  async run(target: SshTarget, argv: readonly string[], input?: string | Buffer, options: { timeoutMs?: number } = {}): Promise<SshResult> {
    const { execa } = await import('execa');
    const failure = await this.master(target);
    if (failure) return failure;
    const args = await this.args(target);
    const result = await execa('ssh', [...args, '--', target.host, remoteCommand(argv)], {
      reject: false,
      stripFinalNewline: false,
      ...(input !== undefined ? { input } : { stdin: 'ignore' }),
      ...(options.timeoutMs !== undefined ? { timeout: options.timeoutMs, forceKillAfterDelay: 2000 } : {}),
    });
    if (result.timedOut) return { exitCode: 255, stdout: String(result.stdout ?? ''), stderr: `${String(result.stderr ?? '')}ssh: timed out after ${options.timeoutMs} ms\n` };
    return { exitCode: result.exitCode ?? 255, stdout: String(result.stdout ?? ''), stderr: String(result.stderr ?? '') };
  }

  /** Is the master connection to the target up (after a command exited 255)? */
  async check(target: SshTarget): Promise<boolean> {
    const { execa } = await import('execa');
    const result = await execa('ssh', [...(await this.args(target)), '-O', 'check', '--', target.host], { reject: false, stdin: 'ignore' });
    return result.exitCode === 0;
  }

  /** Close every master connection and remove the control folder. */
  async close(): Promise<void> {
    if (!this.dir) return;
    const { execa } = await import('execa');
    const args = await Promise.all([...this.opened.values()].map(async (target) => [target, await this.args(target)] as const));
    await Promise.all(args.map(([target, a]) => execa('ssh', [...a, '-O', 'exit', '--', target.host], { reject: false, stdin: 'ignore' })));
    this.opened.clear();
    this.masters.clear();
    await fs.rm(await this.dir, { recursive: true, force: true });
    this.dir = undefined;
  }
}
