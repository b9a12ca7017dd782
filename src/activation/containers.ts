/**
 * Container configs (`--container NAME`): `key=value` files found in the folders of
 * DYSNOMIA_CONTAINERS_PATH (colon-separated; default /etc/dysnomia/containers). The `type` key names
 * the module; all other keys are the container's properties.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { ActivationError } from '../errors.js';
import { parseKeyValue } from './properties.js';

export const DEFAULT_CONTAINERS_PATH = '/etc/dysnomia/containers';

export interface ContainerConfig {
  name: string;
  file: string;
  type?: string;
  properties: Record<string, string>;
}

export async function readContainerConfig(name: string, containersPath: string | undefined = process.env.DYSNOMIA_CONTAINERS_PATH): Promise<ContainerConfig> {
  const dirs = (containersPath || DEFAULT_CONTAINERS_PATH).split(':').filter(Boolean);
  const candidates = name.includes('/') ? [path.resolve(name)] : dirs.map((dir) => path.resolve(dir, name));
  for (const file of candidates) {
    let text: string;
    try {
      text = await fs.readFile(file, 'utf8');
    } catch {
      continue;
    }
    let values: Record<string, string>;
    try {
      values = parseKeyValue(text, { file });
    } catch (error) {
      throw new ActivationError((error as Error).message);
    }
    const { type, ...properties } = values;
    return { name: path.basename(name), file, ...(type ? { type } : {}), properties };
  }
  throw new ActivationError(`no container config "${name}" (looked for ${candidates.join(', ')}; set DYSNOMIA_CONTAINERS_PATH, or use --environment)`);
}
