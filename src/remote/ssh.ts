/**
 * OpenSSH as the transport (docs/remote.md): one multiplexed connection per target per run
 * (ControlMaster in a private control folder), commands always as argument arrays quoted by
 * remoteCommand, and every master closed by `close()` (callers do it in a finally block).
 */
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

export interface SshOptions {
  /** Extra ssh arguments ($SSH_OPTS, split into words without a shell). */
  extra?: string[];
  /** Default user ($SSH_USER). */
  user?: string;
  connectTimeoutS?: number;
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

  private async args(target: SshTarget): Promise<string[]> {
    const dir = await this.controlDir();
    const user = target.user ?? this.options.user;
    return [
      ...(this.options.extra ?? []),
      '-o', 'ControlMaster=auto',
      '-o', `ControlPath=${path.join(dir, '%C')}`,
      '-o', 'ControlPersist=yes',
      '-o', `ConnectTimeout=${this.options.connectTimeoutS ?? 10}`,
      '-o', 'BatchMode=yes',
      ...(target.port !== undefined ? ['-p', String(target.port)] : []),
      ...(user ? ['-l', user] : []),
    ];
  }

  /** Run argv on the target (through its master connection, opened on first use). */
  async run(target: SshTarget, argv: readonly string[], input?: string | Buffer): Promise<SshResult> {
    const { execa } = await import('execa');
    const args = await this.args(target);
    this.opened.set(`${target.user ?? ''}@${target.host}:${target.port ?? ''}`, target);
    const result = await execa('ssh', [...args, '--', target.host, remoteCommand(argv)], {
      reject: false,
      stripFinalNewline: false,
      ...(input !== undefined ? { input } : { stdin: 'ignore' }),
    });
    return { exitCode: result.exitCode ?? 255, stdout: String(result.stdout), stderr: String(result.stderr) };
  }

  /** Close every master connection and remove the control folder. */
  async close(): Promise<void> {
    if (!this.dir) return;
    const { execa } = await import('execa');
    const args = await Promise.all([...this.opened.values()].map(async (target) => [target, await this.args(target)] as const));
    await Promise.all(args.map(([target, a]) => execa('ssh', [...a, '-O', 'exit', '--', target.host], { reject: false, stdin: 'ignore' })));
    this.opened.clear();
    await fs.rm(await this.dir, { recursive: true, force: true });
    this.dir = undefined;
  }
}
