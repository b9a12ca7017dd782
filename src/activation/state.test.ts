import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { componentName, containerName, defaultRuntimeDir, stateDir } from './state.js';
import { manageUsers } from './users.js';
import { parsePid } from './modules/process.js';

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

  it('manages users only as root', () => {
    expect(manageUsers({}, false)).toBe(false);
    expect(manageUsers({}, true)).toBe(true);
    expect(manageUsers({ DYSNOMIA_SKIP_USERS: '1' }, true)).toBe(false);
  });
});

describe('parsePid', () => {
  it('accepts PIDs above 1 and refuses anything else', () => {
    expect(parsePid(' 1234\n', 'f')).toBe(1234);
    for (const bad of ['', 'abc', '1', '0', '-3', '12 34', '1e3', '99999999999']) {
      expect(typeof parsePid(bad, 'f')).toBe('string');
    }
  });
});
