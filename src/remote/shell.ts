/**
 * How a command reaches a target machine (docs/remote.md, "Client interfaces"): a `RemoteShell` runs
 * one argument array on one target, with optional stdin, and returns its exit status and output. Two
 * implementations: OpenSSH through the multiplexed `SshConnections`, and a client program of the
 * user's (`CLIENT --target ADDRESS --run -- ARGV…`). Everything the coordinator does on a target
 * (module install, copies, activation, the target profile) is built on this one operation, so every
 * transport gets all of it.
 *
 * Exit status 255 means the target could not be reached (as with ssh); `reachable()` tells a
 * connection failure from a command that itself exited 255.
 */
import { ActivationError } from '../errors.js';
import type { SshConnections, SshResult, SshTarget } from './ssh.js';

export interface RemoteShell {
  /** The target's name (for messages). */
  readonly name: string;
  /** What the target is called in messages: `ssh root@host:22`, `client /path host`. */
  readonly description: string;
  run(argv: readonly string[], input?: string | Buffer, options?: { timeoutMs?: number }): Promise<SshResult>;
  /** After an exit status of 255: is the connection still there? */
  reachable(): Promise<boolean>;
}

/** Thrown when a target cannot be reached (connection refused, timed out, authentication, host key). */
export class UnreachableError extends ActivationError {
  constructor(
    readonly target: string,
    detail: string,
  ) {
    super(`target ${target} is unreachable: ${detail}`);
  }
}

export class SshShell implements RemoteShell {
  readonly name: string;
  readonly description: string;
  constructor(
    private readonly ssh: SshConnections,
    private readonly target: SshTarget,
  ) {
    this.name = target.name;
    this.description = `ssh ${target.user ? `${target.user}@` : ''}${target.host}${target.port !== undefined ? `:${target.port}` : ''}`;
  }

  run(argv: readonly string[], input?: string | Buffer, options: { timeoutMs?: number } = {}): Promise<SshResult> {
    return this.ssh.run(this.target, argv, input, options);
  }

  reachable(): Promise<boolean> {
    return this.ssh.check(this.target);
  }
}

/**
 * A client program of the user's (docs/remote.md, "The client protocol"): called as
 * `CLIENT --target ADDRESS --run -- WORD…`, it must run the words on the target as one command (no
 * shell interpretation of their content), pass stdin through, print the command's stdout and stderr
 * and exit with its status; 255 when the target cannot be reached. `CLIENT --target ADDRESS --check`
 * exits 0 while the target is reachable.
 */
export class ClientShell implements RemoteShell {
  readonly description: string;
  constructor(
    readonly name: string,
    private readonly client: string,
    private readonly address: string,
  ) {
    this.description = `client ${client} ${address}`;
  }

  async run(argv: readonly string[], input?: string | Buffer, options: { timeoutMs?: number } = {}): Promise<SshResult> {
    const { execa } = await import('execa');
    const result = await execa(this.client, ['--target', this.address, '--run', '--', ...argv], {
      reject: false,
      stripFinalNewline: false,
      ...(input !== undefined ? { input } : { stdin: 'ignore' }),
      ...(options.timeoutMs !== undefined ? { timeout: options.timeoutMs, forceKillAfterDelay: 2000 } : {}),
    });
    if (result.failed && result.exitCode === undefined && !result.timedOut) {
      return { exitCode: 255, stdout: '', stderr: `cannot run the client interface ${this.client}: ${result.shortMessage ?? result.message}` };
    }
    return { exitCode: result.timedOut ? 255 : (result.exitCode ?? 255), stdout: String(result.stdout ?? ''), stderr: String(result.stderr ?? '') };
  }

  async reachable(): Promise<boolean> {
    const { execa } = await import('execa');
    const result = await execa(this.client, ['--target', this.address, '--check'], { reject: false, stdin: 'ignore' });
    return result.exitCode === 0;
  }
}
