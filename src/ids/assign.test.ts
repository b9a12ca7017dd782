import { describe, expect, it } from 'vitest';
import { ModelError, PlanningError } from '../errors.js';
import type { Distribution, IdResources, Ids, Services } from '../model/types.js';
import { assignIds } from './assign.js';

function services(spec: Record<string, string[] | undefined>, property = 'requiresUniqueIdsFor'): Services {
  const out: Services = {};
  for (const [name, resources] of Object.entries(spec)) {
    out[name] = { name, type: 'process', dependsOn: [], connectsTo: [], activatesAfter: [], properties: resources ? { [property]: resources } : {} };
  }
  return out;
}
const global = (min: number, max: number, step = 1) => ({ min, max, scope: 'global' as const, step });
const machine = (min: number, max: number, step = 1) => ({ min, max, scope: 'machine' as const, step });
const ids = (partial: Partial<Ids>): Ids => ({ ids: {}, lastAssignments: {}, lastAssignmentsPerTarget: {}, ...partial });
const dist = (spec: Record<string, string[]>): Distribution =>
  Object.fromEntries(Object.entries(spec).map(([name, targets]) => [name, targets.map((target) => ({ target }))]));

const webappResources: IdResources = { ports: global(5000, 6000), uids: global(2000, 3000), gids: global(2000, 3000) };
const all = ['ports', 'uids', 'gids'];

describe('assignIds: the announcement story', () => {
  it('gives webapp1 and webapp2 ports, UIDs and GIDs, then webapp3 the next ones', () => {
    const first = assignIds({ services: services({ webapp1: all, webapp2: all }), resources: webappResources });
    expect(first.ids).toEqual({
      ids: { gids: { webapp1: 2000, webapp2: 2001 }, ports: { webapp1: 5000, webapp2: 5001 }, uids: { webapp1: 2000, webapp2: 2001 } },
      lastAssignments: { gids: 2001, ports: 5001, uids: 2001 },
      lastAssignmentsPerTarget: {},
    });
    expect(first.warnings).toEqual([]);
    expect(first.stats).toEqual({ retained: 0, dropped: 0, assigned: 6 });

    const second = assignIds({ services: services({ webapp2: all, webapp3: all }), resources: webappResources, previous: first.ids });
    expect(second.ids).toEqual({
      ids: { gids: { webapp2: 2001, webapp3: 2002 }, ports: { webapp2: 5001, webapp3: 5002 }, uids: { webapp2: 2001, webapp3: 2002 } },
      lastAssignments: { gids: 2002, ports: 5002, uids: 2002 },
      lastAssignmentsPerTarget: {},
    });
    expect(second.stats).toEqual({ retained: 3, dropped: 3, assigned: 3 });
  });

  it('in distribution mode assigns only deployed services, and keeps IDs of services still deployed', () => {
    const svcs = services({ webapp1: all, webapp2: all, webapp3: all });
    const first = assignIds({ services: svcs, resources: webappResources, distribution: dist({ webapp1: ['test1'], webapp2: ['test2'], webapp3: [] }) });
    expect(first.ids.ids.ports).toEqual({ webapp1: 5000, webapp2: 5001 });
    const second = assignIds({ services: svcs, resources: webappResources, previous: first.ids, distribution: dist({ webapp2: ['test2', 'test1'], webapp3: ['test1'] }) });
    // webapp2 is now on two targets and still keeps its IDs; webapp1 is no longer deployed.
    expect(second.ids.ids.ports).toEqual({ webapp2: 5001, webapp3: 5002 });
  });

  it('prints every resource, even without assignments, and output keys are sorted', () => {
    const result = assignIds({ services: services({ b: ['ports'], a: ['ports'], c: undefined }), resources: { uids: global(1, 9), ports: global(1, 9) } });
    expect(result.ids.ids).toEqual({ ports: { a: 1, b: 2 }, uids: {} });
    expect(Object.keys(result.ids.ids)).toEqual(['ports', 'uids']);
    expect(Object.keys(result.ids.ids.ports!)).toEqual(['a', 'b']);
    expect(result.ids.lastAssignments).toEqual({ ports: 2 });
  });
});

describe('assignIds: pools and steps', () => {
  const pools: IdResources = { httpPorts: global(8080, 8085), postgresqlPorts: global(5432, 5532), influxdbPorts: global(8086, 8096, 3), uids: global(2000, 3000) };

  it('draws each service type from its own pool, InfluxDB on the step-3 lattice', () => {
    const result = assignIds({
      services: services({
        apache: ['httpPorts', 'uids'],
        postgresql: ['postgresqlPorts', 'uids'],
        influxdb1: ['influxdbPorts', 'uids'],
        influxdb2: ['influxdbPorts', 'uids'],
        influxdb3: ['influxdbPorts', 'uids'],
      }),
      resources: pools,
    });
    expect(result.ids.ids).toEqual({
      httpPorts: { apache: 8080 },
      influxdbPorts: { influxdb1: 8086, influxdb2: 8089, influxdb3: 8092 },
      postgresqlPorts: { postgresql: 5432 },
      uids: { apache: 2000, influxdb1: 2001, influxdb2: 2002, influxdb3: 2003, postgresql: 2004 },
    });
  });

  it('ends with "depleted" when the lattice is full, naming the resource and the pool size', () => {
    const five = services({ i1: ['influxdbPorts'], i2: ['influxdbPorts'], i3: ['influxdbPorts'], i4: ['influxdbPorts'], i5: ['influxdbPorts'] });
    const error = (() => {
      try {
        assignIds({ services: five, resources: pools });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(PlanningError);
    expect((error as Error).message).toContain('resource "influxdbPorts" (pool 8086..8096 step 3: 4 IDs)');
    expect((error as Error).message).toContain('service "i5"');
  });

  it('finds the one free lattice point after a wrap instead of looping (original quirk b)', () => {
    const previous = ids({ ids: { p: { a: 10, b: 20 } }, lastAssignments: { p: 20 } });
    const result = assignIds({ services: services({ a: ['p'], b: ['p'], c: ['p'] }), resources: { p: global(10, 22, 5) }, previous });
    expect(result.ids.ids.p).toEqual({ a: 10, b: 20, c: 15 });
    expect(() => assignIds({ services: services({ a: ['p'], b: ['p'], c: ['p'], d: ['p'] }), resources: { p: global(10, 22, 5) }, previous })).toThrow(
      /depleted.*"p" \(pool 10\.\.22 step 5: 3 IDs\).*"d"/,
    );
  });

  it('drops retained IDs that are off the lattice and continues at the next lattice point', () => {
    const previous = ids({ ids: { p: { a: 8087 } }, lastAssignments: { p: 8087 } });
    const result = assignIds({ services: services({ a: ['p'] }), resources: { p: global(8086, 8096, 3) }, previous });
    expect(result.ids.ids.p).toEqual({ a: 8089 });
  });

  it('never hands out an ID below min when the last assignment lies below the pool (B10)', () => {
    const previous = ids({ lastAssignments: { ports: 100 } });
    const result = assignIds({ services: services({ a: ['ports'], b: ['ports'] }), resources: { ports: global(3000, 4000) }, previous });
    expect(result.ids.ids.ports).toEqual({ a: 3000, b: 3001 });
  });

  it('wraps to min past max and skips taken IDs', () => {
    const previous = ids({ ids: { ports: { a: 3000 } }, lastAssignments: { ports: 3002 } });
    const result = assignIds({ services: services({ a: ['ports'], b: ['ports'], c: ['ports'] }), resources: { ports: global(3000, 3002) }, previous });
    expect(result.ids.ids.ports).toEqual({ a: 3000, b: 3001, c: 3002 });
    expect(result.ids.lastAssignments).toEqual({ ports: 3002 });
  });

  it('keeps lastAssignments when nothing new is assigned (quirk c)', () => {
    const previous = ids({ ids: { ports: { a: 3000 } }, lastAssignments: { ports: 3500 } });
    const result = assignIds({ services: services({ a: ['ports'] }), resources: { ports: global(3000, 4000) }, previous });
    expect(result.ids.lastAssignments).toEqual({ ports: 3500 });
  });
});

describe('assignIds: invalidation', () => {
  it('invalidates IDs outside a shrunk pool and gives those services new ones', () => {
    const previous = ids({ ids: { ports: { a: 3000, b: 3005 } }, lastAssignments: { ports: 3005 } });
    const result = assignIds({ services: services({ a: ['ports'], b: ['ports'] }), resources: { ports: global(3000, 3003) }, previous });
    expect(result.ids.ids.ports).toEqual({ a: 3000, b: 3001 });
    expect(result.stats).toEqual({ retained: 1, dropped: 1, assigned: 1 });
  });

  it('drops the assignments and lastAssignments entry of a removed resource', () => {
    const previous = ids({ ids: { ports: { a: 3000 }, gids: { a: 2000 } }, lastAssignments: { ports: 3000, gids: 2000 } });
    const result = assignIds({ services: services({ a: ['ports', 'gids'] }), resources: { ports: global(3000, 4000) }, previous });
    expect(result.ids).toEqual({ ids: { ports: { a: 3000 } }, lastAssignments: { ports: 3000 }, lastAssignmentsPerTarget: {} });
    expect(result.warnings).toEqual(['resource "gids" is not in the ID resources model; no IDs for it are assigned to service "a"']);
  });

  it('drops the ID of a service that no longer requires the resource', () => {
    const previous = ids({ ids: { ports: { a: 3000 }, uids: { a: 2000 } } });
    const result = assignIds({ services: services({ a: ['ports'] }), resources: { ports: global(3000, 4000), uids: global(2000, 3000) }, previous });
    expect(result.ids.ids).toEqual({ ports: { a: 3000 }, uids: {} });
  });

  it('gives the later of two retained services with the same ID a fresh one, with a warning', () => {
    // e.g. after switching ports from machine to global scope.
    const previous = ids({ ids: { ports: { b: 3000, a: 3000 } }, lastAssignments: { ports: 3001 } });
    const result = assignIds({ services: services({ a: ['ports'], b: ['ports'] }), resources: { ports: global(3000, 4000) }, previous });
    expect(result.ids.ids.ports).toEqual({ a: 3000, b: 3002 });
    expect(result.warnings).toEqual(['ports: services "a" and "b" both held ID 3000; "b" gets a fresh ID']);
  });

  it('drops lastAssignmentsPerTarget entirely in services mode', () => {
    const previous = ids({ lastAssignmentsPerTarget: { t1: { ports: 3000 } } });
    const result = assignIds({ services: services({ a: ['ports'] }), resources: { ports: global(3000, 4000) }, previous });
    expect(result.ids.lastAssignmentsPerTarget).toEqual({});
  });

  it('prunes per-target memory of targets without services and of removed resources (B9)', () => {
    const previous = ids({
      ids: { ports: { a: 3007 } },
      lastAssignmentsPerTarget: { t1: { ports: 3007, old: 5 }, t2: { old: 1 }, gone: { ports: 3100 } },
    });
    const result = assignIds({
      services: services({ a: ['ports'], b: ['ports'] }),
      resources: { ports: machine(3000, 3999) },
      previous,
      distribution: dist({ a: ['t1'], b: ['t2'] }),
    });
    expect(result.ids).toEqual({
      ids: { ports: { a: 3007, b: 3000 } },
      lastAssignments: {},
      lastAssignmentsPerTarget: { t1: { ports: 3007 }, t2: { ports: 3000 } },
    });
  });
});

describe('assignIds: machine scope', () => {
  const resources: IdResources = { ports: machine(3000, 3999), uids: global(2000, 2999) };
  const svcs = services({ a: ['ports', 'uids'], b: ['ports', 'uids'], c: ['ports', 'uids'], d: ['ports'] });

  it('gives two services on one target different IDs, and on two targets the same ID', () => {
    const result = assignIds({ services: svcs, resources, distribution: dist({ a: ['t1'], b: ['t1'], c: ['t2'], d: [] }) });
    expect(result.ids).toEqual({
      ids: { ports: { a: 3000, b: 3001, c: 3000 }, uids: { a: 2000, b: 2001, c: 2002 } },
      lastAssignments: { uids: 2002 },
      lastAssignmentsPerTarget: { t1: { ports: 3001 }, t2: { ports: 3000 } },
    });
  });

  it('continues after each target\'s own last assignment', () => {
    const first = assignIds({ services: svcs, resources, distribution: dist({ a: ['t1'], c: ['t2'] }) });
    const second = assignIds({ services: svcs, resources, previous: first.ids, distribution: dist({ b: ['t1'], c: ['t2'], d: ['t2'] }) });
    expect(second.ids.ids.ports).toEqual({ b: 3001, c: 3000, d: 3001 });
    expect(second.ids.lastAssignmentsPerTarget).toEqual({ t1: { ports: 3001 }, t2: { ports: 3001 } });
  });

  it('gives a service on two targets an ID that is free on both', () => {
    const result = assignIds({ services: svcs, resources, distribution: dist({ a: ['t1'], b: ['t2'], c: ['t1', 't2'] }) });
    expect(result.ids.ids.ports).toEqual({ a: 3000, b: 3000, c: 3001 });
  });

  it('resolves same-target collisions of retained IDs (the later service gets a fresh one)', () => {
    const previous = ids({ ids: { ports: { a: 3000, b: 3000, c: 3000 } } });
    const result = assignIds({ services: svcs, resources, previous, distribution: dist({ a: ['t1'], b: ['t1'], c: ['t2'] }) });
    expect(result.ids.ids.ports).toEqual({ a: 3000, b: 3001, c: 3000 });
    expect(result.warnings).toEqual(['ports: services "a" and "b" both held ID 3000 on target "t1"; "b" gets a fresh ID']);
  });

  it('reports depletion per target', () => {
    expect(() =>
      assignIds({ services: svcs, resources: { ports: machine(1, 2) }, distribution: dist({ a: ['t1'], b: ['t1'], c: ['t1'] }) }),
    ).toThrow(/depleted! resource "ports" \(pool 1\.\.2: 2 IDs\) has no free ID left for service "c" on target "t1"/);
  });

  it('is refused in services mode with an explanation (exit 2)', () => {
    let error: unknown;
    try {
      assignIds({ services: svcs, resources, resourcesFile: 'idresources.json' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ModelError);
    expect((error as ModelError).exitCode).toBe(2);
    expect((error as Error).message).toMatch(/^idresources\.json: idresources\.ports\.scope: scope "machine" needs a distribution/);
  });
});

describe('assignIds: the service property', () => {
  it('reads a custom property; a non-list value means no IDs (with a warning)', () => {
    const svcs = services({ a: ['ports'], b: ['ports'] }, 'needsIds');
    svcs.c = { name: 'c', dependsOn: [], connectsTo: [], activatesAfter: [], properties: { needsIds: 'ports' } };
    const result = assignIds({ services: svcs, resources: { ports: global(1, 10) }, serviceProperty: 'needsIds' });
    expect(result.ids.ids.ports).toEqual({ a: 1, b: 2 });
    expect(result.warnings).toEqual(['property "needsIds" is not a list in service "c"; such services get no IDs']);
    expect(assignIds({ services: svcs, resources: { ports: global(1, 10) } }).ids.ids.ports).toEqual({});
  });
});
