import { describe, expect, it } from 'vitest';
import { ModelError } from '../errors.js';
import { editDistance, findUnknownKeys, nearestKnownKey, reportUnknownKeys, SERVICE_KEYS } from './unknown-keys.js';

describe('unknown keys', () => {
  it('edit distance (hand-checked)', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('dependson', 'dependsOn'.toLowerCase())).toBe(0);
    expect(editDistance('abc', 'abcdef', 2)).toBe(3);
  });

  it('suggests the nearest known key for a case slip or a typo of a long key, not for ordinary properties', () => {
    expect(nearestKnownKey('dependson', SERVICE_KEYS)).toBe('dependsOn');
    expect(nearestKnownKey('DependsOn', SERVICE_KEYS)).toBe('dependsOn');
    expect(nearestKnownKey('activateAfter', SERVICE_KEYS)).toBe('activatesAfter');
    expect(nearestKnownKey('conectsTo', SERVICE_KEYS)).toBe('connectsTo');
    expect(nearestKnownKey('Type', SERVICE_KEYS)).toBe('type');
    for (const ordinary of ['dependsOn', 'port', 'mem', 'names', 'pkgs', 'requireMem', 'homeDir']) expect(nearestKnownKey(ordinary, SERVICE_KEYS)).toBeUndefined();
  });

  it('finds them with model paths, sorted', () => {
    const model = { web: { name: 'web', dependson: ['db'], port: 80 }, db: { Type: 'process' } };
    expect(findUnknownKeys('services', model, SERVICE_KEYS)).toEqual([
      { path: 'services.db.Type', key: 'Type', suggestion: 'type' },
      { path: 'services.web.dependson', key: 'dependson', suggestion: 'dependsOn' },
    ]);
  });

  it('warns, or with strict refuses (exit 2)', () => {
    const found = [{ path: 'services.web.dependson', key: 'dependson', suggestion: 'dependsOn' }];
    const lines: string[] = [];
    reportUnknownKeys(found, 's.json', { warn: (line) => lines.push(line) });
    expect(lines).toEqual(['warning: s.json: services.web.dependson: unknown key "dependson"; did you mean dependsOn?']);
    const error = (() => {
      try {
        reportUnknownKeys(found, 's.json', { strict: true });
      } catch (e) {
        return e;
      }
    })() as ModelError;
    expect(error).toBeInstanceOf(ModelError);
    expect(error.message).toBe('s.json: services.web.dependson: unknown key "dependson"; did you mean dependsOn? (--strict)');
  });
});
