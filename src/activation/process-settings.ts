/**
 * Service properties that tune how the `process` module runs a service (docs/activation.md, "Foreground
 * processes" and "Supervision"). The deployment hands them to the module the way container properties
 * go (as variables of its environment), so a service can say `foregroundProcess = true; restart =
 * "on-failure";` without a config file in its component. They override the container's properties of
 * the same name; a config file in the component (`etc/dysnomia/process`) still overrides both.
 */
import { encodeProperty } from './properties.js';
import type { Value } from '../model/value.js';

export const PROCESS_SETTINGS = [
  'foregroundProcess',
  'restart',
  'restartDelay',
  'restartMaxDelay',
  'restartLimit',
  'restartReset',
  'startTimeout',
  'stopTimeout',
  'timeout',
] as const;

const MODULES_WITH_SETTINGS = new Set(['process']);

/** The settings among a service's properties, encoded as module variables; undefined when none. */
export function processSettingsOf(type: string, properties: Record<string, Value> | undefined): Record<string, string> | undefined {
  if (!MODULES_WITH_SETTINGS.has(type) || !properties) return undefined;
  const settings: Record<string, string> = {};
  for (const name of PROCESS_SETTINGS) {
    const value = properties[name];
    if (value !== undefined && value !== null) settings[name] = encodeProperty(value);
  }
  return Object.keys(settings).length > 0 ? settings : undefined;
}
