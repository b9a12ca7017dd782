import { describe, expect, it } from 'vitest';
import { contrastRatio } from '../util/palette.js';
import { propertyList } from './commands.js';
import { liveStatus, mappingKey, type DeploymentArchitecture } from './deployment.js';
import { machineRows } from './infra-dot.js';
import { LOOK } from './look.js';
import { isTextFormat, refuseBinaryToTerminal } from './render.js';

describe('output to a terminal', () => {
  it('knows text formats by their renderer', () => {
    expect(isTextFormat('svg')).toBe(true);
    expect(isTextFormat('svg:cairo')).toBe(true);
    expect(isTextFormat('json')).toBe(true);
    expect(isTextFormat('png')).toBe(false);
    expect(isTextFormat('pdf:cairo')).toBe(false);
    expect(isTextFormat('svgz')).toBe(false);
  });

  it('refuses binary formats only when they would reach a terminal', () => {
    expect(() => refuseBinaryToTerminal('png', undefined, true)).toThrow(/not writing png image data to a terminal: give -o FILE \(e\.g\. -o picture\.png\)/);
    expect(() => refuseBinaryToTerminal('png', '-', true)).toThrow(/terminal/);
    expect(() => refuseBinaryToTerminal('png', 'out.png', true)).not.toThrow();
    expect(() => refuseBinaryToTerminal('png', undefined, false)).not.toThrow();
    expect(() => refuseBinaryToTerminal('svg', undefined, true)).not.toThrow();
  });
});

describe('infrastructure labels', () => {
  const target = { name: 't', properties: { hostname: 'h.lan', mem: 2048, zones: ['eu', 'us'], os: { kernel: 'x', name: 'y' }, long: 'x'.repeat(60) }, containers: {}, system: 'x86_64-linux' };
  it('shows the hostname, then the chosen properties the target has (own fields too)', () => {
    expect(machineRows(target, ['mem', 'cpu', 'system', 'zones', 'os'])).toEqual([
      ['hostname', 'h.lan'],
      ['mem', '2048'],
      ['system', 'x86_64-linux'],
      ['zones', 'eu, us'],
      ['os', '{ kernel, name }'],
    ]);
    expect(machineRows(target, ['long'])[1]![1]).toHaveLength(48);
    expect(machineRows({ ...target, targetProperty: 'mem' }, []).map((row) => row[0])).toEqual(['mem']);
    expect(machineRows(target, '*').map((row) => row[0])).toEqual(['hostname', 'long', 'mem', 'os', 'zones', 'system']);
  });

  it('parses --properties', () => {
    expect(propertyList(undefined)).toBeUndefined();
    expect(propertyList(' * ')).toBe('*');
    expect(propertyList('mem, cpu,,mem')).toEqual(['mem', 'cpu']);
    expect(propertyList('')).toEqual([]);
  });
});

describe('the look', () => {
  it('keeps black text at WCAG AA on every fill', () => {
    for (const fill of [LOOK.machineFill, LOOK.containerFill, LOOK.serviceFill, LOOK.running, LOOK.dead]) expect(contrastRatio(LOOK.text, fill)).toBeGreaterThanOrEqual(4.5);
  });
});

describe('live state', () => {
  it('asks the probe about instances it can check, and marks the rest not checked', async () => {
    const architecture: DeploymentArchitecture = {
      services: {
        api: { name: 'api', type: 'process', pkg: '/nix/store/api', dependsOn: [], connectsTo: [], activatesAfter: [], properties: {} },
        db: { name: 'db', type: 'mysql-database', dependsOn: [], connectsTo: [], activatesAfter: [], properties: {} },
      },
      infrastructure: {},
      mappings: [
        { service: 'api', target: 't', container: 'process' },
        { service: 'db', target: 't', container: 'mysql-database' },
      ],
    };
    const asked: string[] = [];
    const status = await liveStatus(architecture, async (instance) => {
      asked.push(`${instance.service}@${instance.target}/${instance.container} ${instance.type} ${instance.pkg}`);
      return { state: 'running', pid: 7 };
    });
    expect(asked).toEqual(['api@t/process process /nix/store/api']);
    expect(status.get(mappingKey(architecture.mappings[0]!))).toEqual({ state: 'running', pid: 7 });
    expect(status.get(mappingKey(architecture.mappings[1]!))).toEqual({ state: 'unknown' });
  });
});
