import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { chooseClient } from './network.js';

const target = (properties: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ properties, ...extra });

describe('chooseClient', () => {
  it('is local unless a client interface is chosen', () => {
    expect(chooseClient('t1', target({ hostname: 'far.example' }), {}, {})).toEqual({ kind: 'local' });
    expect(chooseClient('t1', target({ hostname: 'far.example' }), { clientInterface: 'local' }, {})).toEqual({ kind: 'local' });
  });

  it('the target clientInterface wins over --client-interface, which wins over $DISNIX_CLIENT_INTERFACE', () => {
    const env = { DISNIX_CLIENT_INTERFACE: 'disnix-ssh-client' };
    expect(chooseClient('t1', target({ hostname: 'a' }), {}, env)).toEqual({ kind: 'ssh', host: 'a' });
    expect(chooseClient('t1', target({ hostname: 'a' }), { clientInterface: 'local' }, env)).toEqual({ kind: 'local' });
    expect(chooseClient('t1', target({ hostname: 'a' }, { clientInterface: 'ssh' }), { clientInterface: 'local' }, {})).toEqual({ kind: 'ssh', host: 'a' });
  });

  it('takes the address from targetProperty, then the setting, then $DISNIX_TARGET_PROPERTY, then hostname; host:port accepted', () => {
    const props = { hostname: 'h', ip: '10.0.0.1:2222', other: 'o' };
    expect(chooseClient('t1', target(props, { targetProperty: 'ip' }), { clientInterface: 'ssh', targetProperty: 'other' }, {})).toEqual({ kind: 'ssh', host: '10.0.0.1', port: 2222 });
    expect(chooseClient('t1', target(props), { clientInterface: 'ssh', targetProperty: 'other' }, { DISNIX_TARGET_PROPERTY: 'ip' })).toEqual({ kind: 'ssh', host: 'o' });
    expect(chooseClient('t1', target(props), { clientInterface: 'ssh' }, { DISNIX_TARGET_PROPERTY: 'ip' })).toEqual({ kind: 'ssh', host: '10.0.0.1', port: 2222 });
    expect(chooseClient('t1', target(props), { clientInterface: 'ssh' }, {})).toEqual({ kind: 'ssh', host: 'h' });
  });

  it('sshUser and sshPort properties', () => {
    expect(chooseClient('t1', target({ hostname: 'h:22', sshUser: 'deploy', sshPort: 2200 }), { clientInterface: 'ssh' }, {})).toEqual({ kind: 'ssh', host: 'h', port: 2200, user: 'deploy' });
    expect(() => chooseClient('t1', target({ hostname: 'h', sshUser: '-oProxyCommand=x' }), { clientInterface: 'ssh' }, {})).toThrow(/infrastructure\.t1\.properties\.sshUser/);
    expect(() => chooseClient('t1', target({ hostname: 'h', sshPort: 'x' }), { clientInterface: 'ssh' }, {})).toThrow(/sshPort: expected a port number/);
  });

  it('a target naming this machine stays local unless its own clientInterface says otherwise', () => {
    expect(chooseClient('t1', target({ hostname: 'localhost' }), { clientInterface: 'ssh' }, {})).toEqual({ kind: 'local' });
    expect(chooseClient('t1', target({ hostname: os.hostname() }), { clientInterface: 'ssh' }, {})).toEqual({ kind: 'local' });
    expect(chooseClient('t1', target({ hostname: 'localhost' }, { clientInterface: 'ssh' }), {}, {})).toEqual({ kind: 'ssh', host: 'localhost' });
  });

  it('refuses a missing address, an option-like address, an unknown interface and a client that is not executable', () => {
    expect(() => chooseClient('t1', target({}), { clientInterface: 'ssh' }, {})).toThrow(/target t1: no address: infrastructure\.t1\.properties\.hostname is missing/);
    expect(() => chooseClient('t1', target({ hostname: '-oProxyCommand=evil' }), { clientInterface: 'ssh' }, {})).toThrow(/invalid address/);
    expect(() => chooseClient('t1', target({ hostname: 'h' }), { clientInterface: 'telnet' }, {})).toThrow(/unknown client interface "telnet"/);
    expect(() => chooseClient('t1', target({ hostname: 'h' }), { clientInterface: '/nonexistent/client' }, {})).toThrow(/not an executable file/);
    expect(chooseClient('t1', target({ hostname: 'h' }), { clientInterface: '/bin/true' }, {})).toEqual({ kind: 'client', program: '/bin/true', address: 'h' });
  });
});

describe('remoteComponentName', () => {
  it('names a component like a store path, so the process module sees its plain name', async () => {
    const { remoteComponentName } = await import('../remote/target.js');
    const { componentName } = await import('../activation/state.js');
    const name = remoteComponentName('abc', '/x/components/webapp1');
    expect(name).toMatch(/^[0-9a-df-np-sv-z]{32}-webapp1$/);
    expect(componentName(`/root/components/${name}`)).toBe('webapp1');
    expect(remoteComponentName('abc', '/y/webapp1')).toBe(name);
    expect(remoteComponentName('abd', '/x/webapp1')).not.toBe(name);
  });
});
