/**
 * A real browser test of the generated catalogue: headless Chromium (Debian package `chromium`)
 * driven over the DevTools protocol through --remote-debugging-pipe (fd 3 in, fd 4 out, messages
 * separated by NUL), so no WebSocket client is needed. The catalogue is served by a node:http static
 * server on 127.0.0.1. A screenshot is kept in test-artifacts/.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { promises as fs } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, repoRoot, runBin, tempDir } from './helpers.js';

const CHROMIUM = process.env.CHROMIUM_BIN ?? 'chromium';
const ARTIFACTS = path.join(repoRoot, 'test-artifacts');

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.dot': 'text/plain; charset=utf-8',
};

/** A static file server for `root`; records every request with its status. */
function serve(root: string): Promise<{ server: http.Server; base: string; log: string[] }> {
  const log: string[] = [];
  const server = http.createServer((request, response) => {
    void (async () => {
      const url = new URL(request.url ?? '/', 'http://127.0.0.1');
      const relative = decodeURIComponent(url.pathname).replace(/\/$/, '/index.html');
      const file = path.join(root, path.normalize(relative));
      let status = 200;
      try {
        if (!file.startsWith(root + path.sep)) throw new Error('outside');
        const body = await fs.readFile(file);
        response.writeHead(200, { 'content-type': CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream' });
        response.end(body);
      } catch {
        status = 404;
        response.writeHead(404, { 'content-type': 'text/plain' });
        response.end('not found');
      }
      log.push(`${status} ${url.pathname}`);
    })();
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve({ server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, log }));
  });
}

interface CdpMessage {
  id?: number;
  method?: string;
  params?: Record<string, unknown>;
  result?: Record<string, unknown>;
  error?: { message: string };
  sessionId?: string;
}

/** A minimal DevTools protocol client over Chromium's debugging pipe. */
class Cdp {
  private nextId = 1;
  private buffer = '';
  private pending = new Map<number, { resolve: (r: Record<string, unknown>) => void; reject: (e: Error) => void }>();
  private listeners: ((message: CdpMessage) => void)[] = [];

  constructor(
    private readonly input: Writable,
    output: Readable,
  ) {
    output.setEncoding('utf8');
    output.on('data', (chunk: string) => {
      this.buffer += chunk;
      let end: number;
      while ((end = this.buffer.indexOf('\0')) >= 0) {
        const message = JSON.parse(this.buffer.slice(0, end)) as CdpMessage;
        this.buffer = this.buffer.slice(end + 1);
        if (message.id !== undefined && this.pending.has(message.id)) {
          const waiter = this.pending.get(message.id)!;
          this.pending.delete(message.id);
          if (message.error) waiter.reject(new Error(`CDP error: ${message.error.message}`));
          else waiter.resolve(message.result ?? {});
        } else {
          for (const listener of [...this.listeners]) listener(message);
        }
      }
    });
  }

  send(method: string, params: Record<string, unknown> = {}, sessionId?: string): Promise<Record<string, unknown>> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.input.write(`${JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) })}\0`);
    });
  }

  waitFor(method: string, sessionId: string, timeoutMs = 20_000): Promise<CdpMessage> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.listeners = this.listeners.filter((l) => l !== listener);
        reject(new Error(`timed out waiting for ${method}`));
      }, timeoutMs);
      const listener = (message: CdpMessage) => {
        if (message.method === method && message.sessionId === sessionId) {
          clearTimeout(timer);
          this.listeners = this.listeners.filter((l) => l !== listener);
          resolve(message);
        }
      };
      this.listeners.push(listener);
    });
  }
}

function chromiumAvailable(): string | undefined {
  const probe = spawnSync(CHROMIUM, ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    return `headless Chromium is needed for this test but "${CHROMIUM} --version" failed (${probe.error?.message ?? probe.stderr.trim()}); install it with: apt-get install -y chromium (or set CHROMIUM_BIN)`;
  }
  return undefined;
}

describe('the generated catalogue in a real browser', () => {
  let catalogue: string;
  let profile: string;
  let site: Awaited<ReturnType<typeof serve>>;
  let browser: ChildProcess | undefined;
  let cdp: Cdp;
  let session: string;
  let missing: string | undefined;

  beforeAll(async () => {
    missing = chromiumAvailable();
    catalogue = await tempDir('dydisnix-catalogue-');
    profile = await tempDir('dydisnix-chromium-');
    const generated = await runBin('dydisnix-generate-services-docs', [
      '-s',
      fixture('visualize', 'services.json'),
      '--docs',
      fixture('visualize', 'docs.json'),
      '--output-dir',
      catalogue,
      '--image-format',
      'svg',
    ]);
    expect(generated.stderr).toBe('');
    expect(generated.code).toBe(0);
    site = await serve(catalogue);
    if (missing) return;
    browser = spawn(
      CHROMIUM,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-dev-shm-usage',
        '--hide-scrollbars',
        `--user-data-dir=${profile}`,
        '--remote-debugging-pipe',
        '--window-size=1280,1000',
        'about:blank',
      ],
      { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] },
    );
    browser.stderr?.resume();
    cdp = new Cdp(browser.stdio[3] as Writable, browser.stdio[4] as Readable);
    const { targetId } = (await cdp.send('Target.createTarget', { url: 'about:blank' })) as { targetId: string };
    ({ sessionId: session } = (await cdp.send('Target.attachToTarget', { targetId, flatten: true })) as { sessionId: string });
    await cdp.send('Page.enable', {}, session);
    await cdp.send('Runtime.enable', {}, session);
  });

  afterAll(async () => {
    if (browser && browser.exitCode === null) {
      const exited = new Promise((resolve) => browser!.once('exit', resolve));
      browser.kill('SIGTERM');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
      if (browser.exitCode === null && browser.signalCode === null) browser.kill('SIGKILL');
    }
    await new Promise((resolve) => site?.server.close(resolve));
    for (const dir of [catalogue, profile]) if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  async function evaluate<T>(expression: string): Promise<T> {
    const reply = (await cdp.send('Runtime.evaluate', { expression, returnByValue: true, awaitPromise: true }, session)) as {
      result: { value: T };
      exceptionDetails?: { text: string };
    };
    if (reply.exceptionDetails) throw new Error(`page script failed: ${reply.exceptionDetails.text}`);
    return reply.result.value;
  }

  async function navigate(url: string): Promise<void> {
    const loaded = cdp.waitFor('Page.loadEventFired', session);
    const { errorText } = (await cdp.send('Page.navigate', { url }, session)) as { errorText?: string };
    expect(errorText).toBeUndefined();
    await loaded;
  }

  it('opens the root page, shows its diagram, and follows a group link', async () => {
    if (missing) throw new Error(missing);
    await navigate(`${site.base}/index.html`);
    expect(await evaluate<string>('document.title')).toBe('Functional architecture documentation');
    expect(await evaluate<number>('document.styleSheets.length')).toBe(1);
    // The diagram: loaded, with a real size.
    await evaluate('Promise.all([...document.images].map((img) => img.complete ? null : new Promise((r) => { img.onload = img.onerror = r; })))');
    const image = await evaluate<{ src: string; naturalWidth: number; width: number }>(
      '(() => { const img = document.querySelector("img"); return { src: img.getAttribute("src"), naturalWidth: img.naturalWidth, width: img.getBoundingClientRect().width }; })()',
    );
    expect(image.src).toBe('diagram.dot.svg');
    expect(image.naturalWidth).toBeGreaterThan(0);
    expect(image.width).toBeGreaterThan(0);
    expect(await evaluate<string[]>('[...document.querySelectorAll("td:first-child")].map((td) => td.textContent)')).toEqual(['portal', 'portaldb', 'services']);
    // A title, a summary of the model, dependencies and dependants.
    expect(await evaluate<string>('document.querySelector("h1").textContent')).toBe('Functional architecture documentation');
    expect(await evaluate<string>('document.querySelector("p.summary").textContent')).toBe(
      '9 services in 5 groups, of 3 types: mysql-database (4), process (2), tomcat-webapplication (3)',
    );
    expect(await evaluate<string[]>('[...document.querySelectorAll("th")].map((th) => th.textContent)')).toEqual(
      expect.arrayContaining(['Depends on', 'Used by']),
    );
    expect(await evaluate<string>('document.querySelector("tr:nth-child(3) td:last-child").textContent')).toBe('portal, reportingapi');
    // The diagram is shown at its natural size (never shrunk): its smallest text stays >= 10 px.
    expect(Math.abs(image.width - image.naturalWidth)).toBeLessThan(1);
    const svg = await fs.readFile(path.join(catalogue, 'diagram.dot.svg'), 'utf8');
    const viewBoxWidth = Number(/viewBox="[-\d.]+ [-\d.]+ ([\d.]+) /.exec(svg)![1]);
    const smallest = Math.min(...[...svg.matchAll(/font-size="([\d.]+)"/g)].map((m) => Number(m[1])));
    expect((smallest * image.width) / viewBoxWidth).toBeGreaterThanOrEqual(10);

    await fs.mkdir(ARTIFACTS, { recursive: true });
    const { data } = (await cdp.send('Page.captureScreenshot', { format: 'png' }, session)) as { data: string };
    const screenshot = path.join(ARTIFACTS, 'visualize-catalogue-root.png');
    await fs.writeFile(screenshot, Buffer.from(data, 'base64'));
    expect((await fs.stat(screenshot)).size).toBeGreaterThan(1000);

    // Follow the link to the services group, then on to a group that has no services of its own.
    const loaded = cdp.waitFor('Page.loadEventFired', session);
    await evaluate('document.querySelector("a[href=\'services/index.html\']").click()');
    await loaded;
    expect(await evaluate<string>('location.pathname')).toBe('/services/index.html');
    expect(await evaluate<string>('document.querySelector("h1").textContent')).toBe('Back-end services');
    expect(await evaluate<number>('document.querySelector("img").naturalWidth')).toBeGreaterThan(0);
    // The diagram links to itself; in the SVG, group nodes link to their pages.
    expect(await evaluate<string>('document.querySelector("div.diagram > a > img").parentElement.getAttribute("href")')).toBe('diagram.dot.svg');
    await navigate(`${site.base}/services/diagram.dot.svg`);
    const intoLogging = cdp.waitFor('Page.loadEventFired', session);
    const link = '[...document.querySelectorAll("a")].find((a) => a.href.baseVal === "logging/index.html")';
    expect(await evaluate<boolean>(`Boolean(${link})`)).toBe(true);
    await evaluate(`${link}.dispatchEvent(new MouseEvent("click", { bubbles: true }))`);
    await intoLogging;
    expect(await evaluate<string>('location.pathname')).toBe('/services/logging/index.html');
    expect(await evaluate<string>('document.querySelector("h1").textContent')).toBe('Logging <subsystem> & friends');
    await navigate(`${site.base}/services/reporting/exporters/index.html`);
    expect(await evaluate<string>('document.title')).toBe('Functional architecture documentation for group: services/reporting/exporters');
    const { data: groupShot } = (await cdp.send('Page.captureScreenshot', { format: 'png' }, session)) as { data: string };
    await fs.writeFile(path.join(ARTIFACTS, 'visualize-catalogue-exporters.png'), Buffer.from(groupShot, 'base64'));

    // Every request the browser made was served: pages, stylesheet and diagrams.
    expect(site.log.filter((line) => !line.startsWith('200 ') && !line.endsWith('/favicon.ico'))).toEqual([]);
    expect(site.log).toContain('200 /style.css');
    expect(site.log).toContain('200 /services/diagram.dot.svg');
  });

  it('a catalogue generated without pictures says so on every page, and how to get them', async () => {
    if (missing) throw new Error(missing);
    // Served by the same server, from a folder beside the first catalogue.
    const plain = path.join(catalogue, 'without-pictures');
    const generated = await runBin('dydisnix-generate-services-docs', ['-s', fixture('visualize', 'services.json'), '--output-dir', plain]);
    expect(generated.code).toBe(0);
    await navigate(`${site.base}/without-pictures/services/index.html`);
    expect(await evaluate<number>('document.images.length')).toBe(0);
    const note = await evaluate<string>('document.querySelector("p.note").textContent');
    expect(note).toContain('No diagram: this catalogue was generated without an image format.');
    expect(note).toContain('dydisnix-generate-services-docs -s SERVICES --output-dir DIR --image-format svg');
    const { data } = (await cdp.send('Page.captureScreenshot', { format: 'png' }, session)) as { data: string };
    await fs.mkdir(ARTIFACTS, { recursive: true });
    await fs.writeFile(path.join(ARTIFACTS, 'visualize-catalogue-no-pictures.png'), Buffer.from(data, 'base64'));
  }, 120_000);
});
