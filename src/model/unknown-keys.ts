/**
 * Misspelt keys in models (docs/ARCHITECTURE.md, "Unknown keys"). A service (or a process of a
 * processes model) may carry any property, so an unknown key is not wrong in itself; it is reported
 * when it is close to a key the tools know, which is what a typo looks like: `dependson`,
 * `activateAfter`, `conectsTo`. The report is a warning naming the model path and the nearest known
 * key; with `--strict` it is a ModelError (exit 2).
 */
import { ModelError } from '../errors.js';
import { modelPath } from './path.js';
import { isAttrs, sortedKeys } from './value.js';

/** Keys of a service that some part of dydisnix reads (the model, deployment, the process module). */
export const SERVICE_KEYS = [
  'name', 'type', 'pkg', 'dependsOn', 'connectsTo', 'activatesAfter', 'group', 'description', 'stateful', 'deployState',
  'providesContainer', 'providesContainers', 'requiresUniqueIdsFor', 'environment', 'readiness',
  'foregroundProcess', 'restart', 'restartDelay', 'restartMaxDelay', 'restartLimit', 'restartReset', 'startTimeout', 'stopTimeout', 'timeout',
] as const;

/** A processes model (dydisnix-processes-switch) also knows nix-processmgmt's `dependencies`. */
export const PROCESS_KEYS = [...SERVICE_KEYS, 'dependencies'] as const;

export interface UnknownKey {
  /** e.g. `services.web.dependson` */
  path: string;
  key: string;
  suggestion: string;
}

/** Levenshtein distance, stopping early above `limit`. */
export function editDistance(a: string, b: string, limit = Number.POSITIVE_INFINITY): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      best = Math.min(best, current[j]!);
    }
    if (best > limit) return limit + 1;
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * The known key `key` is probably a misspelling of, or undefined. Any key differing only in case
 * counts; otherwise up to two edits, and only for known keys of six letters or more (short ones such
 * as `pkg` or `name` are too close to ordinary property names).
 */
export function nearestKnownKey(key: string, known: readonly string[]): string | undefined {
  if (known.includes(key)) return undefined;
  const lower = key.toLowerCase();
  const sameCase = known.find((candidate) => candidate.toLowerCase() === lower);
  if (sameCase) return sameCase;
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of known) {
    if (candidate.length < 6) continue;
    const distance = editDistance(lower, candidate.toLowerCase(), 2);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** Misspelt keys of the entries of a services-like model (`{ name: { key: value } }`), in sorted order. */
export function findUnknownKeys(root: string, model: unknown, known: readonly string[]): UnknownKey[] {
  if (!isAttrs(model as never)) return [];
  const found: UnknownKey[] = [];
  for (const name of sortedKeys(model as object)) {
    const entry = (model as Record<string, unknown>)[name];
    if (!isAttrs(entry as never)) continue;
    for (const key of sortedKeys(entry as object)) {
      const suggestion = nearestKnownKey(key, known);
      if (suggestion) found.push({ path: modelPath(root, [name, key]), key, suggestion });
    }
  }
  return found;
}

export interface UnknownKeyOptions {
  /** `--strict`: the first unknown key is a ModelError. */
  strict?: boolean;
  /** Where warnings go (default: stderr). */
  warn?: (line: string) => void;
}

/** Warn about (or, strict, refuse) misspelt keys. */
export function reportUnknownKeys(found: UnknownKey[], file: string | undefined, options: UnknownKeyOptions = {}): void {
  if (found.length === 0) return;
  const detail = (u: UnknownKey) => `unknown key "${u.key}"; did you mean ${u.suggestion}?`;
  if (options.strict) throw new ModelError(file, found[0]!.path, `${detail(found[0]!)} (--strict)`);
  const warn = options.warn ?? warnOnce;
  for (const u of found) warn(`warning: ${[file, u.path, detail(u)].filter((part) => part !== undefined && part !== '').join(': ')}`);
}

/** A model read twice in one run (dydisnix-env reads the services again after assigning IDs) warns once. */
const warned = new Set<string>();
function warnOnce(line: string): void {
  if (warned.has(line)) return;
  warned.add(line);
  process.stderr.write(`${line}\n`);
}
