import http from 'node:http';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ModelError } from '../errors.js';
import { attemptOnce, describeCheck, parseReadiness, waitUntilReady } from './readiness.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

async function listen(server: net.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => new Promise((resolve) => server.close(() => resolve())));
  return (server.address() as net.AddressInfo).port;
}

const context = { component: '/', environment: {} };

describe('parseReadiness', () => {
  it('reads the three kinds with defaults', () => {
    expect(parseReadiness({ kind: 'tcp', port: 80 }, 'f', 'services.a.readiness')).toEqual({ kind: 'tcp', host: '127.0.0.1', port: 80, timeoutS: 30 });
    expect(parseReadiness({ kind: 'http', url: 'http://127.0.0.1:1/x', timeout: 2 }, 'f', 'p')).toEqual({ kind: 'http', url: 'http://127.0.0.1:1/x', timeoutS: 2 });
    expect(parseReadiness({ kind: 'command', command: "bin/check 'a b'" }, 'f', 'p')).toEqual({ kind: 'command', command: ['bin/check', 'a b'], timeoutS: 30 });
    expect(parseReadiness(undefined, 'f', 'p')).toBeUndefined();
  });

  it('an unknown kind is a model error at the kind', () => {
    const error = (() => {
      try {
        parseReadiness({ kind: 'udp', port: 1 }, 'services.nix', 'services.web.readiness');
      } catch (e) {
        return e;
      }
    })() as ModelError;
    expect(error).toBeInstanceOf(ModelError);
    expect(error.exitCode).toBe(2);
    expect(error.message).toBe('services.nix: services.web.readiness.kind: unknown readiness check kind "udp": expected one of tcp, http, command');
  });

  it('bad fields name their path', () => {
    expect(() => parseReadiness({ kind: 'tcp', port: 70000 }, 'f', 'services.web.readiness')).toThrow(/^f: services\.web\.readiness\.port: /);
    expect(() => parseReadiness({ kind: 'http', url: 'ftp://x' }, 'f', 'r')).toThrow(/r\.url: expected an http:\/\/ or https:\/\/ URL/);
    expect(() => parseReadiness({ kind: 'tcp', port: 1, every: 3 }, 'f', 'r')).toThrow(/^f: r: /);
    expect(() => parseReadiness('tcp:80', 'f', 'r')).toThrow(/^f: r: expected a readiness check/);
  });

  it('describes checks in one line', () => {
    expect(describeCheck({ kind: 'tcp', host: '::1', port: 5, timeoutS: 1 })).toBe('tcp [::1]:5');
    expect(describeCheck({ kind: 'command', command: ['a', 'b'], timeoutS: 1 })).toBe('command a b');
  });
});

describe('readiness attempts on loopback', () => {
  it('tcp: connected when something listens, the error otherwise', async () => {
    const port = await listen(net.createServer((socket) => socket.end()));
    expect(await attemptOnce({ kind: 'tcp', host: '127.0.0.1', port, timeoutS: 1 }, context)).toEqual({ ok: true, result: 'connected' });
  });

  it('http: 2xx and 3xx pass, others fail with the status', async () => {
    let status = 503;
    const port = await listen(http.createServer((_req, res) => res.writeHead(status).end()));
    const check = { kind: 'http' as const, url: `http://127.0.0.1:${port}/`, timeoutS: 1 };
    expect(await attemptOnce(check, context)).toEqual({ ok: false, result: 'HTTP 503' });
    status = 204;
    expect(await attemptOnce(check, context)).toEqual({ ok: true, result: 'HTTP 204' });
  });

  it('command: the exit status and the last line it printed', async () => {
    expect(await attemptOnce({ kind: 'command', command: ['sh', '-c', 'echo first; echo not yet; exit 3'], timeoutS: 1 }, context)).toEqual({ ok: false, result: 'exit status 3: not yet' });
  });

  it('waitUntilReady gives up after the timeout with the last result', async () => {
    const result = await waitUntilReady({ kind: 'command', command: ['false'], timeoutS: 0.2 }, context);
    expect(result.ready).toBe(false);
    expect(result.attempts).toBeGreaterThan(1);
    expect(result.last.result).toBe('exit status 1');
  });
});
