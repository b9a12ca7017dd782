/**
 * Reading the deployment architecture from a deployment's state: `<state-dir>/<profile>/manifest.json`.
 *
 * What is read (the deployment engineer writes it; anything else in the file is ignored):
 * ```
 * {
 *   "services": { "<name>": { "name": "<name>", "type": "…", "dependsOn": ["…"], "connectsTo": ["…"],
 *                             "activatesAfter": ["…"], "providesContainer": "…" | "providesContainers": {…}, … } },
 *   "infrastructure": { "<target>": { "properties": {…}, "containers": {…}, "targetProperty": "hostname", … } },
 *   "mappings": [ { "service": "<name>", "target": "<target>", "container": "<container>" } ]
 * }
 * ```
 * `services` and `infrastructure` use the JSON shapes of the models (docs/ARCHITECTURE.md), keyed by
 * service name and target name; `mappings` lists every deployed instance (`container` optional).
 * dydisnix-env's manifest (docs/deploy.md) keeps every other service property (`providesContainer(s)`,
 * `group`, `description`, …) in a nested `properties` object: it is lifted to the top level here.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ModelError, UsageError } from '../errors.js';
import { refuseSpecialFile } from '../io/input.js';
import type { DeployedMapping, DeploymentArchitecture } from './deployment.js';

/** `--state-dir` default: `$XDG_STATE_HOME/dydisnix`, else `~/.local/state/dydisnix`. */
export function defaultStateDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_STATE_HOME && path.isAbsolute(env.XDG_STATE_HOME) ? env.XDG_STATE_HOME : path.join(os.homedir(), '.local', 'state');
  return path.join(base, 'dydisnix');
}

export const DEFAULT_PROFILE = 'default';

export function manifestPath(stateDir: string, profile: string): string {
  if (profile === '' || profile.includes('/') || profile === '.' || profile === '..') {
    throw new UsageError(`invalid profile name ${JSON.stringify(profile)}`);
  }
  return path.join(stateDir, profile, 'manifest.json');
}

export async function readManifest(file: string): Promise<DeploymentArchitecture> {
  let text: string;
  try {
    await refuseSpecialFile(file);
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    if (error instanceof ModelError) throw error;
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new UsageError(
        `no deployment state: ${file} does not exist (deploy first with dydisnix-env, choose the deployment with --state-dir/-p, or give -s, -i and -d)`,
      );
    }
    throw new ModelError(file, undefined, `cannot read: ${(error as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ModelError(file, undefined, `not valid JSON: ${(error as Error).message}`);
  }
  const { checkPlain } = await import('../model/plain.js');
  checkPlain(raw, file, 'manifest');
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ModelError(file, 'manifest', 'expected an object');
  const record = raw as Record<string, unknown>;
  const { servicesFromRaw, infrastructureFromRaw } = await import('../model/schemas.js');
  const services = servicesFromRaw(liftProperties(record.services ?? {}), file);
  const infrastructure = infrastructureFromRaw(record.infrastructure ?? {}, file);
  if (!Array.isArray(record.mappings)) throw new ModelError(file, 'manifest.mappings', 'expected a list of {service, target, container} objects');
  const mappings = record.mappings.map((item: unknown, index): DeployedMapping => {
    const at = `manifest.mappings[${index}]`;
    if (typeof item !== 'object' || item === null) throw new ModelError(file, at, 'expected an object {service, target, container}');
    const { service, target, container } = item as Record<string, unknown>;
    if (typeof service !== 'string' || !Object.hasOwn(services, service)) throw new ModelError(file, `${at}.service`, `unknown service ${JSON.stringify(service)}`);
    if (typeof target !== 'string' || !Object.hasOwn(infrastructure, target)) throw new ModelError(file, `${at}.target`, `unknown target ${JSON.stringify(target)}`);
    if (container !== undefined && container !== null && typeof container !== 'string') throw new ModelError(file, `${at}.container`, 'expected a string');
    return typeof container === 'string' ? { service, target, container } : { service, target };
  });
  return { services, infrastructure, mappings };
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * A deployed service as dydisnix-env writes it, `{ name, pkg, type, dependsOn, …, contentHash,
 * environment, properties: { providesContainer, … } }`, in the services JSON shape: the nested
 * properties are lifted (the service's own fields win), the content hash is left out. Services
 * already in the flat shape pass unchanged.
 */
function liftProperties(raw: unknown): unknown {
  if (!isObject(raw)) return raw;
  return Object.fromEntries(
    Object.entries(raw).map(([name, entry]) => {
      if (!isObject(entry) || !isObject(entry.properties)) return [name, entry];
      const { properties, contentHash: _hash, ...fields } = entry;
      return [name, Object.fromEntries([...Object.entries(properties), ...Object.entries(fields)])];
    }),
  );
}
