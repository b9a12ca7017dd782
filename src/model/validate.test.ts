import { describe, expect, it } from 'vitest';
import { ModelError } from '../errors.js';
import { distributionFromRaw, idResourcesFromRaw, infrastructureFromRaw, servicesFromRaw } from './schemas.js';
import { findOrderingCycle, validateDistribution, validateIdResources, validateServices } from './validate.js';

const services = (raw: unknown) => {
  const typed = servicesFromRaw(raw, 'services.json');
  validateServices(typed, 'services.json');
  return typed;
};

function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ModelError);
    return (error as Error).message;
  }
  throw new Error('expected a ModelError');
}

describe('services validation', () => {
  it('accepts a valid model and fills defaults', () => {
    const s = services({ web: { type: 'process', dependsOn: ['db'] }, db: { name: 'db' } });
    expect(s.web).toEqual({ name: 'web', type: 'process', dependsOn: ['db'], connectsTo: [], activatesAfter: [], properties: {} });
  });

  it('names the file, the model path and the unknown service', () => {
    expect(messageOf(() => services({ web: { dependsOn: ['db'] } }))).toBe('services.json: services.web.dependsOn[0]: unknown service "db"');
    expect(messageOf(() => services({ web: { connectsTo: [] , activatesAfter: ['x'] } }))).toContain('services.web.activatesAfter[0]: unknown service "x"');
  });

  it('reports a dependency cycle through dependsOn and activatesAfter', () => {
    const message = messageOf(() => services({ a: { dependsOn: ['b'] }, b: { activatesAfter: ['c'] }, c: { dependsOn: ['a'] } }));
    expect(message).toContain('dependency cycle');
    expect(message).toContain('a -> b -> c -> a');
  });

  it('ignores connectsTo for cycles (no ordering)', () => {
    expect(() => services({ a: { connectsTo: ['b'] }, b: { connectsTo: ['a'] } })).not.toThrow();
  });

  it('rejects a number where text is required and text where a number is required', () => {
    expect(messageOf(() => services({ web: { type: 3 } }))).toBe('services.json: services.web.type: expected a string, got integer 3');
    expect(messageOf(() => idResourcesFromRaw({ ports: { min: '3000', max: 4000 } }, 'r.json'))).toBe('r.json: idresources.ports.min: expected a number, got string "3000"');
    expect(messageOf(() => infrastructureFromRaw({ t1: { numOfCores: 'two' } }, 'i.json'))).toContain('infrastructure.t1.numOfCores: expected a number');
  });

  it('rejects a name that differs from its key, duplicates and unsafe names', () => {
    expect(messageOf(() => services({ web: { name: 'www' } }))).toContain('services.web.name: name "www" must equal');
    expect(messageOf(() => services({ web: { dependsOn: ['db', 'db'] }, db: {} }))).toContain('services.web.dependsOn[1]: duplicate dependency "db"');
    expect(messageOf(() => services({ '../etc': {} }))).toContain('not safe as a file name');
    expect(messageOf(() => services({ 'a b': {} }))).toContain('services["a b"]');
  });

  it('keeps custom properties and drops nulls', () => {
    const s = services({ web: { requireMem: 3, environment: { A: 'x', B: null }, tags: ['a', null] } });
    expect(s.web!.properties).toEqual({ requireMem: 3, environment: { A: 'x' }, tags: ['a'] });
  });

  it('findOrderingCycle is undefined for a DAG', () => {
    expect(findOrderingCycle(services({ a: { dependsOn: ['b', 'c'] }, b: { dependsOn: ['c'] }, c: {} }))).toBeUndefined();
  });
});

describe('infrastructure, distribution and ID resources', () => {
  const infrastructure = infrastructureFromRaw({ t1: { properties: { hostname: 't1' } }, t2: {} }, 'i.json');

  it('rejects unknown target attributes', () => {
    expect(messageOf(() => infrastructureFromRaw({ t1: { hostname: 't1' } }, 'i.json'))).toBe('i.json: infrastructure.t1: unknown attribute "hostname"');
  });

  it('reads both distribution forms and checks names', () => {
    const d = distributionFromRaw({ web: ['t1', { target: 't2', container: 'c' }], db: { targets: ['t2'] } }, 'd.json');
    expect(d).toEqual({ web: [{ target: 't1' }, { target: 't2', container: 'c' }], db: [{ target: 't2' }] });
    const s = services({ web: {}, db: {} });
    expect(() => validateDistribution(d, 'd.json', { services: s, infrastructure })).not.toThrow();
    expect(messageOf(() => validateDistribution({ api: [] }, 'd.json', { services: s, infrastructure }))).toBe('d.json: distribution.api: unknown service "api"');
    expect(messageOf(() => validateDistribution({ web: [{ target: 't9' }] }, 'd.json', { infrastructure }))).toBe('d.json: distribution.web[0]: unknown target "t9"');
    expect(messageOf(() => validateDistribution({ web: [{ target: 't1' }, { target: 't1' }] }, 'd.json', { infrastructure }))).toContain('duplicate mapping');
  });

  it('rejects a pool with min > max and applies the original defaults', () => {
    const r = idResourcesFromRaw({ ports: { min: 5, max: 1 }, uids: { min: 1, max: 9, scope: '', step: 0 } }, 'r.json');
    expect(r.uids).toEqual({ min: 1, max: 9, scope: 'global', step: 1 });
    expect(messageOf(() => validateIdResources(r, 'r.json'))).toBe('r.json: idresources.ports: empty pool: min (5) is greater than max (1)');
    expect(messageOf(() => idResourcesFromRaw({ ports: { min: 1, max: 2, scope: 'galaxy' } }, 'r.json'))).toContain('idresources.ports.scope: expected one of');
    // The original's defaults: a missing bound is 0.
    expect(idResourcesFromRaw({ ports: { max: 5 } }, 'r.json').ports).toEqual({ min: 0, max: 5, scope: 'global', step: 1 });
  });
});
