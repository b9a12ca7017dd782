/**
 * The targets of a deployment (docs/remote.md): picks each target's client interface from the
 * infrastructure, and routes every Dysnomia operation, liveness check, copy, lock and profile record to
 * that target's `TargetTransport`. It is itself the `Activator` and `LivenessProbe` the transition and
 * recovery use, so a deployment over SSH runs the same code as a local one.
 *
 * Unreachable targets (docs/remote.md, "A machine that is gone"): deactivating, locking or unlocking on
 * one is skipped with a warning naming the target, as Disnix does; activating fails (and the
 * transition rolls back). `prepare` refuses to start when a target that must receive services cannot
 * be reached, before anything changed.
 */
import os from 'node:os';
import { accessSync, constants } from 'node:fs';
import { UsageError } from '../errors.js';
import { isAttrs, type Value } from '../model/value.js';
import { dysnomiaActivator, localTransport, type DysnomiaActivatorOptions, type TargetTransport } from './activator.js';
import { localProbe, type Liveness, type LivenessProbe } from './liveness.js';
import type { Manifest, Unit } from './manifest.js';
import type { Activator, Operation } from './transition.js';
import { ClientShell, SshShell, UnreachableError } from '../remote/shell.js';
import { SshConnections, parseAddress } from '../remote/ssh.js';
import { RemoteTarget } from '../remote/target.js';

export interface NetworkSettings {
  /** `--client-interface` (else $DISNIX_CLIENT_INTERFACE): used for targets without their own `clientInterface`. */
  clientInterface?: string;
  /** `--target-property` (else $DISNIX_TARGET_PROPERTY, else `hostname`): the property holding a target's address. */
  targetProperty?: string;
  /** Seconds to wait for a connection (ssh ConnectTimeout); default 10. */
  connectTimeoutS?: number;
}

export type ClientChoice =
  | { kind: 'local' }
  | { kind: 'ssh'; host: string; port?: number; user?: string }
  | { kind: 'client'; program: string; address: string };

const SSH_NAMES = new Set(['ssh', 'disnix-ssh-client']);
const LOCAL_NAMES = new Set(['local']);

/** Does this address name the machine the coordinator runs on? */
export function namesThisMachine(host: string): boolean {
  const lower = host.toLowerCase();
  return lower === 'localhost' || lower === '127.0.0.1' || lower === '::1' || lower === os.hostname().toLowerCase() || lower.endsWith('.localhost');
}

/**
 * The client interface and address of one target (docs/remote.md, "Choosing the client interface"):
 * the target's `clientInterface`, else the setting, else $DISNIX_CLIENT_INTERFACE, else `local`; a
 * target naming this machine stays local unless its own `clientInterface` says otherwise.
 */
export function chooseClient(name: string, entry: unknown, settings: NetworkSettings = {}, env: NodeJS.ProcessEnv = process.env): ClientChoice {
  const target = (isAttrs(entry as Value) ? entry : {}) as Record<string, unknown>;
  const properties = (isAttrs(target.properties as Value) ? target.properties : {}) as Record<string, unknown>;
  const own = typeof target.clientInterface === 'string' && target.clientInterface !== '' ? target.clientInterface : undefined;
  const chosen = own ?? settings.clientInterface ?? (env.DISNIX_CLIENT_INTERFACE || undefined);
  if (chosen === undefined || LOCAL_NAMES.has(chosen)) return { kind: 'local' };
  const property =
    (typeof target.targetProperty === 'string' && target.targetProperty !== '' ? target.targetProperty : undefined) ?? settings.targetProperty ?? (env.DISNIX_TARGET_PROPERTY || 'hostname');
  const raw = properties[property];
  if (typeof raw !== 'string' && typeof raw !== 'number') {
    throw new UsageError(`target ${name}: no address: infrastructure.${name}.properties.${property} is missing (the target property names the machine; set it or choose another with targetProperty / --target-property)`);
  }
  const address = String(raw);
  if (SSH_NAMES.has(chosen)) {
    const { host, port } = parseAddress(address, name);
    if (own === undefined && namesThisMachine(host)) return { kind: 'local' };
    const sshPort = properties.sshPort;
    const sshUser = properties.sshUser;
    if (sshPort !== undefined && !(Number.isInteger(Number(sshPort)) && Number(sshPort) >= 1 && Number(sshPort) <= 65535)) {
      throw new UsageError(`target ${name}: infrastructure.${name}.properties.sshPort: expected a port number, got ${JSON.stringify(sshPort)}`);
    }
    if (sshUser !== undefined && (typeof sshUser !== 'string' || !/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(sshUser))) {
      throw new UsageError(`target ${name}: infrastructure.${name}.properties.sshUser: expected a user name, got ${JSON.stringify(sshUser)}`);
    }
    const chosenPort = sshPort !== undefined ? Number(sshPort) : port;
    return { kind: 'ssh', host, ...(chosenPort !== undefined ? { port: chosenPort } : {}), ...(typeof sshUser === 'string' ? { user: sshUser } : {}) };
  }
  if (chosen.includes('/')) {
    try {
      accessSync(chosen, constants.X_OK);
    } catch {
      throw new UsageError(`target ${name}: the client interface ${chosen} is not an executable file`);
    }
    if (address.startsWith('-')) throw new UsageError(`target ${name}: invalid address "${address}"`);
    return { kind: 'client', program: chosen, address };
  }
  throw new UsageError(`target ${name}: unknown client interface "${chosen}" (expected ssh, disnix-ssh-client, local or the path of a client program)`);
}


export interface NetworkOptions extends NetworkSettings {
  profile: string;
  profileDir: string;
  /** Identifies the coordinator in target locks. */
  command?: string;
  local: DysnomiaActivatorOptions;
  timeoutMs?: number;
  log?: (line: string) => void;
  env?: NodeJS.ProcessEnv;
}

export class Network implements Activator, LivenessProbe {
  private readonly infrastructure: Record<string, unknown> = {};
  private readonly transports = new Map<string, TargetTransport>();
  private readonly warned = new Set<string>();
  private readonly localActivator: Activator;
  private readonly localProbe: LivenessProbe;
  private ssh: SshConnections | undefined;

  constructor(private readonly options: NetworkOptions) {
    this.localActivator = dysnomiaActivator(options.local);
    this.localProbe = localProbe(options.profileDir);
  }

  /** Remember targets' descriptions (current manifest, journal, new manifest); the first one seen wins. */
  learn(infrastructure: Record<string, unknown> | undefined): void {
    for (const [name, entry] of Object.entries(infrastructure ?? {})) if (!(name in this.infrastructure)) this.infrastructure[name] = entry;
  }

  private log(line: string): void {
    this.options.log?.(line);
  }

  /** The transport of a target (created on first use). A target never described is this machine. */
  transport(name: string): TargetTransport {
    let transport = this.transports.get(name);
    if (transport) return transport;
    const choice = chooseClient(name, this.infrastructure[name], this.options, this.options.env ?? process.env);
    if (choice.kind === 'local') transport = localTransport(name, this.localActivator, this.localProbe);
    else transport = this.remote(name, choice);
    this.transports.set(name, transport);
    return transport;
  }

  private remote(name: string, choice: Exclude<ClientChoice, { kind: 'local' }>): TargetTransport {
    let shell;
    if (choice.kind === 'ssh') {
      this.ssh ??= SshConnections.fromEnv(this.options.env ?? process.env, this.options.connectTimeoutS);
      shell = new SshShell(this.ssh, { name, host: choice.host, ...(choice.port !== undefined ? { port: choice.port } : {}), ...(choice.user ? { user: choice.user } : {}) });
    } else shell = new ClientShell(name, choice.program, choice.address);
    return new RemoteTarget(shell, {
      profile: this.options.profile,
      ownerId: `${os.hostname()}:${this.options.profileDir}`,
      ownerDescription: `${this.options.command ?? 'dydisnix'} pid ${process.pid} on ${os.hostname()} (${this.options.profileDir}) since ${new Date().toISOString()}`,
      ...(this.options.timeoutMs !== undefined ? { timeoutMs: this.options.timeoutMs } : {}),
      ...(this.options.log ? { log: this.options.log } : {}),
    });
  }

  private warnUnreachable(target: string, error: Error, what: string): void {
    const key = `${target} ${what}`;
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.log(`[target: ${target}]: warning: ${error.message}: ${what} skipped`);
  }

  async run(operation: Operation, unit: Unit): Promise<void> {
    const transport = this.transport(unit.target);
    try {
      await transport.operate(operation, unit);
    } catch (error) {
      // A machine that is gone: stopping its services cannot be done and need not be (Disnix skips it too).
      if (isUnreachable(error) && operation !== 'activate') {
        this.warnUnreachable(unit.target, error, `${operation} of ${unit.service}`);
        return;
      }
      throw error;
    }
  }

  probe(unit: Unit): Promise<Liveness> {
    return this.transport(unit.target).probe(unit);
  }

  /** The remote targets among these units' targets. */
  private remoteTargets(units: Unit[]): TargetTransport[] {
    const names = [...new Set(units.map((u) => u.target))].sort();
    return names.map((name) => this.transport(name)).filter((t) => t.kind !== 'local');
  }

  /**
   * Before anything changes: reach every target (a target that must receive or keep services has to be
   * reachable; one that only loses services may be gone), take their profile locks, and copy the
   * components of the units to activate, all targets at once, at most `limit(target)` copies per target.
   */
  async prepare(from: Unit[], to: Unit[], activate: Unit[], limit: (target: string) => number): Promise<void> {
    const needed = new Set(to.map((u) => u.target));
    const targets = this.remoteTargets([...from, ...to]);
    const answers = await Promise.all(targets.map(async (t) => [t, await t.reachable()] as const));
    const gone = answers.filter(([t, error]) => error && needed.has(t.name));
    if (gone.length > 0) throw gone[0]![1]!;
    for (const [t, error] of answers) if (error) this.warnUnreachable(t.name, error, 'deactivating its services');
    const reachable = answers.filter(([, error]) => !error).map(([t]) => t);
    const locks = await Promise.allSettled(reachable.map((t) => t.lockProfile()));
    const refused = locks.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (refused) {
      await Promise.all(reachable.map((t) => t.unlockProfile()));
      throw refused.reason;
    }
    await Promise.all(
      reachable.map(async (t) => {
        const units = activate.filter((u) => u.target === t.name);
        if (units.length === 0) return;
        const before = t.copied.length;
        const bytes = await t.distribute(units, limit(t.name));
        this.log(`[target: ${t.name}]: ${t.copied.length - before} component(s) copied (${bytes} bytes), ${new Set(units.map((u) => u.pkg)).size - (t.copied.length - before)} already there`);
      }),
    );
  }

  /** After the commit: every remote target records what is deployed on it (unreachable ones are warned about). */
  async record(manifest: Manifest, units: Unit[], from: Unit[]): Promise<void> {
    const targets = this.remoteTargets([...units, ...from]);
    await Promise.all(
      targets.map(async (t) => {
        try {
          await t.record(
            units.filter((u) => u.target === t.name),
            manifest.generation,
          );
        } catch (error) {
          if (isUnreachable(error)) this.warnUnreachable(t.name, error as Error, 'recording its profile');
          else this.log(`[target: ${t.name}]: warning: recording the target profile failed: ${(error as Error).message}`);
        }
      }),
    );
  }

  /** Bytes of components sent per remote target in this run. */
  bytesSent(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [name, t] of this.transports) if (t.kind !== 'local') out[name] = t.bytesSent;
    return out;
  }

  /** Unlock every target and close every connection (also after a failure). */
  async close(): Promise<void> {
    await Promise.all([...this.transports.values()].map((t) => t.close().catch(() => undefined)));
    await this.ssh?.close();
    this.ssh = undefined;
  }
}

function isUnreachable(error: unknown): error is Error {
  return error instanceof UnreachableError;
}
