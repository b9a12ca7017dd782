import { describe, expect, it } from 'vitest';
import { distributionFromRaw, servicesFromRaw } from './schemas.js';

const messageOf = (run: () => unknown): string => {
  try {
    run();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected a failure');
};

describe('schema error messages', () => {
  it('point into the alternative of a union that got furthest', () => {
    const dist = (raw: unknown) => messageOf(() => distributionFromRaw(raw, 'd.json'));
    expect(dist({ web: [5] })).toBe('d.json: distribution.web[0]: expected a target name or { "target": …, "container": … }, got integer 5');
    expect(dist({ web: ['t1', { target: 't1', container: 5 }] })).toBe('d.json: distribution.web[1].container: expected a string, got integer 5');
    expect(dist({ web: { targets: [3] } })).toBe('d.json: distribution.web.targets[0]: expected a target name or { "target": …, "container": … }, got integer 3');
    // Every alternative fails at the same place: the union's own message.
    expect(dist({ web: 't1' })).toBe('d.json: distribution.web: expected a list of targets or { "targets": [...] }, got string "t1"');
  });

  it('name undefined (a JS model) plainly', () => {
    expect(messageOf(() => servicesFromRaw({ a: { name: 'a', f: undefined, g: () => 1 } }, 's.mjs'))).toBe(
      's.mjs: services.a.f: expected a string, number, boolean, list or attrset, got undefined',
    );
  });
});
