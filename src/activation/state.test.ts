import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { componentName, containerName, defaultRuntimeDir, stateDir } from './state.js';

describe('naming', () => {
  it('strips the store hash of component and container names', () => {
    expect(componentName('/nix/store/0123456789abcdfghijklmnpqrsvwxyz-web-1.0')).toBe('web-1.0');
    expect(componentName('/tmp/x/comp/')).toBe('comp');
    expect(containerName('', 'process')).toBe('process');
    expect(containerName('/nix/store/0123456789abcdfghijklmnpqrsvwxyz-mysql', 'x')).toBe('mysql');
  });

  it('derives the state and runtime directories', () => {
    expect(stateDir({ DYSNOMIA_STATEDIR: 'rel/state' })).toBe(path.resolve('rel/state'));
    const root = process.getuid?.() === 0;
    expect(defaultRuntimeDir({ DYSNOMIA_STATEDIR: '/s' })).toBe(root ? '/var/run' : '/s/run');
    expect(stateDir({ HOME: '/home/u' })).toBe(root ? '/var/state/dysnomia' : '/home/u/.dysnomia');
  });
});
