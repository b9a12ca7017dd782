/**
 * Generations of a profile (docs/deploy.md, "Generations"), as `nix-env --list-generations` and
 * `--delete-generations` treat a Nix profile: every committed deployment is `generations/<N>.json`;
 * the current one can be switched to another (`--switch-generation`, in deploy.ts) but never deleted.
 */
import { promises as fs } from 'node:fs';
import { PlanningError, UsageError } from '../errors.js';
import { acquireLock } from './lock.js';
import { generationFile, listGenerations, profileDir, readCurrentManifest, readGeneration } from './state.js';

export interface GenerationInfo {
  generation: number;
  deployedAt?: string;
  services: number;
  current: boolean;
}

export async function generationsOf(stateDir: string, profile: string): Promise<GenerationInfo[]> {
  const current = await readCurrentManifest(stateDir, profile);
  const numbers = await listGenerations(stateDir, profile);
  return Promise.all(
    numbers.map(async (generation) => {
      const manifest = await readGeneration(stateDir, profile, generation);
      return {
        generation,
        ...(manifest?.deployedAt ? { deployedAt: manifest.deployedAt } : {}),
        services: new Set(manifest?.mappings.map((m) => m.service) ?? []).size,
        current: current?.generation === generation,
      };
    }),
  );
}

/** `nix-env --list-generations` layout (times in UTC, so the output does not depend on the zone), plus the service count. */
export function formatGenerations(generations: GenerationInfo[]): string {
  return generations
    .map((g) => {
      const when = g.deployedAt ? g.deployedAt.replace('T', ' ').replace(/\.\d+Z$|Z$/, '') : '?';
      return `${String(g.generation).padStart(4)}   ${when}   ${g.services} service${g.services === 1 ? '' : 's'}${g.current ? '   (current)' : ''}\n`;
    })
    .join('');
}

/**
 * Which generations a `--delete-generations` argument names: `old` (all but the current), `+N` (all
 * but the N newest and the current), or numbers separated by commas or blanks.
 */
export function selectGenerations(spec: string, generations: number[], current: number | undefined): number[] {
  const text = spec.trim();
  if (text === 'old') return generations.filter((n) => n !== current);
  const keep = /^\+(\d+)$/.exec(text);
  if (keep) {
    const newest = new Set(generations.slice(Math.max(0, generations.length - Number(keep[1]))));
    return generations.filter((n) => n !== current && !newest.has(n));
  }
  const parts = text.split(/[\s,]+/).filter((p) => p !== '');
  if (parts.length === 0 || !parts.every((p) => /^\d+$/.test(p))) {
    throw new UsageError(`--delete-generations expects "old", "+N" or generation numbers (e.g. 3 or 1,2), got "${spec}"`);
  }
  const wanted = [...new Set(parts.map(Number))].sort((a, b) => a - b);
  const missing = wanted.filter((n) => !generations.includes(n));
  if (missing.length > 0) throw new PlanningError(`no generation ${missing.join(', ')} (generations: ${generations.join(', ') || 'none'})`);
  if (current !== undefined && wanted.includes(current)) throw new PlanningError(`generation ${current} is the current one and cannot be deleted; switch to another generation first`);
  return wanted;
}

/** Delete generations under the profile's lock (a deployment may be committing one). Returns those deleted. */
export async function deleteGenerations(stateDir: string, profile: string, spec: string, command: string): Promise<number[]> {
  const lock = await acquireLock(profileDir(stateDir, profile), command);
  try {
    const current = (await readCurrentManifest(stateDir, profile))?.generation;
    const chosen = selectGenerations(spec, await listGenerations(stateDir, profile), current);
    for (const n of chosen) await fs.rm(generationFile(stateDir, profile, n), { force: true });
    return chosen;
  } finally {
    await lock.release();
  }
}
