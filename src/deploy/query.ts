/**
 * What is deployed in a profile and whether it runs (`dydisnix-query`, as `disnix-query`; docs/deploy.md,
 * "Query"). The current manifest names every unit; each process unit's daemon is checked through a
 * `LivenessProbe` per target, so that a remote transport can answer for a target on another machine.
 *
 * The record format (`QueryResult`, also the `--output-json` document) is the interface: other tools
 * and later work (restart counts of supervised services) extend `ServiceStatus` with optional keys.
 */
import { PlanningError } from '../errors.js';
import { compareNames } from '../model/value.js';
import { localProbe, type LivenessProbe } from './liveness.js';
import { manifestUnits, type Unit } from './manifest.js';
import { profileDir, readCurrentManifest } from './state.js';

export interface ServiceStatus {
  service: string;
  type: string;
  container: string;
  /** The deployed component (absolute path, a Nix store path for built components). */
  component: string;
  /**
   * `running`: the daemon recorded by the process module runs (same PID, same start time);
   * `dead`: it does not (killed, crashed, or its PID reused), `why` says how;
   * `unchecked`: nothing to check (not a process service, or its daemon cannot be told).
   */
  status: 'running' | 'dead' | 'unchecked';
  pid?: number;
  /** ISO time the daemon started (second precision). */
  since?: string;
  why?: string;
  /** Restarts by the supervisor of a service with `restart` set (docs/activation.md, "Supervision"). */
  restarts?: number;
}

export interface TargetStatus {
  target: string;
  services: ServiceStatus[];
}

export interface QueryResult {
  profile: string;
  generation: number;
  deployedAt?: string;
  /** Sorted by target name; each target's services by (service, container). */
  targets: TargetStatus[];
  /** False when a service that should run does not (exit status 1). */
  healthy: boolean;
}

export interface QueryOptions {
  stateDir: string;
  profile: string;
  /** Only these targets (default: all). */
  targets?: string[];
  /** Default: the local process records of the profile (`localProbe`). */
  probeFor?: (target: string) => LivenessProbe;
}

async function statusOf(unit: Unit, probe: LivenessProbe): Promise<ServiceStatus> {
  const base = { service: unit.service, type: unit.type, container: unit.container, component: unit.pkg };
  const liveness = await probe.probe(unit);
  const restarts = liveness.state !== 'unknown' && liveness.restarts !== undefined ? { restarts: liveness.restarts } : {};
  if (liveness.state === 'running') {
    return { ...base, status: 'running', pid: liveness.pid, ...(liveness.since ? { since: liveness.since.toISOString().replace('.000Z', 'Z') } : {}), ...restarts };
  }
  if (liveness.state === 'dead') return { ...base, status: 'dead', why: liveness.why, ...restarts };
  return { ...base, status: 'unchecked' };
}

export async function queryProfile(options: QueryOptions): Promise<QueryResult> {
  const manifest = await readCurrentManifest(options.stateDir, options.profile);
  if (!manifest) throw new PlanningError(`profile "${options.profile}" in ${options.stateDir} was never deployed`);
  const local = localProbe(profileDir(options.stateDir, options.profile));
  const probeFor = options.probeFor ?? (() => local);
  const known = new Set(manifest.mappings.map((m) => m.target));
  for (const target of options.targets ?? []) {
    if (!known.has(target)) throw new PlanningError(`profile "${options.profile}" deploys nothing to target "${target}" (targets: ${[...known].sort(compareNames).join(', ') || 'none'})`);
  }
  const wanted = options.targets ? new Set(options.targets) : undefined;
  const units = manifestUnits(manifest).filter((unit) => !wanted || wanted.has(unit.target));
  const statuses = await Promise.all(units.map(async (unit) => ({ target: unit.target, status: await statusOf(unit, probeFor(unit.target)) })));
  const byTarget = new Map<string, ServiceStatus[]>();
  for (const { target, status } of statuses) {
    const list = byTarget.get(target) ?? [];
    list.push(status);
    byTarget.set(target, list);
  }
  const targets = [...byTarget.keys()].sort(compareNames).map((target) => ({
    target,
    services: byTarget.get(target)!.sort((a, b) => compareNames(a.service, b.service) || compareNames(a.container, b.container)),
  }));
  return {
    profile: options.profile,
    generation: manifest.generation,
    ...(manifest.deployedAt ? { deployedAt: manifest.deployedAt } : {}),
    targets,
    healthy: statuses.every(({ status }) => status.status !== 'dead'),
  };
}

function statusText(s: ServiceStatus): string {
  if (s.status === 'running') return `running (pid ${s.pid}${s.since ? `, since ${s.since}` : ''})`;
  if (s.status === 'dead') return `NOT RUNNING (${s.why})`;
  return '-';
}

/** The human-readable report: a header, then per target a table of its services. */
export function formatQuery(result: QueryResult): string {
  const lines = [`Profile "${result.profile}", generation ${result.generation}${result.deployedAt ? ` (deployed ${result.deployedAt})` : ''}`];
  if (result.targets.length === 0) lines.push('', 'Nothing is deployed.');
  for (const { target, services } of result.targets) {
    lines.push('', `[target: ${target}]`);
    const rows = [
      ['service', 'type', 'container', 'status', 'restarts', 'component'],
      ...services.map((s) => [s.service, s.type, s.container, statusText(s), s.restarts !== undefined ? String(s.restarts) : '-', s.component]),
    ];
    const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
    for (const row of rows) lines.push(`  ${row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ')}`);
  }
  const dead = result.targets.flatMap((t) => t.services.filter((s) => s.status === 'dead').map((s) => `${s.service} on ${t.target}`));
  if (dead.length > 0) lines.push('', `Not running: ${dead.join(', ')}`);
  return `${lines.join('\n')}\n`;
}
