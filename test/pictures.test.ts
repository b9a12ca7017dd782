/**
 * Every kind of diagram rendered with Graphviz and checked as a person would look at it: the legend is
 * there, every text is readable (WCAG AA contrast on what it is drawn on, at least 10 px), the numbers
 * in the labels are the planners' results, the problem graph is not a hairball. The PNGs are kept in
 * test-artifacts/pictures/.
 */
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readStat } from '../src/activation/proc.js';
import { hostColours } from '../src/util/palette.js';
import { fixture, runBin, tempDir } from './helpers.js';
import { drawnTexts, renderPicture, unreadable, type Drawing } from './pictures.js';

const V = (name: string) => fixture('visualize', name);
const SHOP = (name: string) => fixture('graph', 'shop', name);
const shop = ['-s', SHOP('services.json'), '-i', SHOP('infrastructure.json'), '-d', SHOP('distribution.json')];

const cleanup: string[] = [];
afterAll(async () => {
  for (const dir of cleanup) await fs.rm(dir, { recursive: true, force: true });
});

async function dotOf(command: string, args: string[]): Promise<string> {
  const result = await runBin(command, args);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return result.stdout;
}

const texts = (drawing: Drawing) => drawnTexts(drawing).map((t) => t.text);

function readable(drawing: Drawing): void {
  const all = drawnTexts(drawing);
  expect(all.length).toBeGreaterThan(0);
  expect(unreadable(all)).toEqual([]);
}

describe('pictures of the visualisers', () => {
  it('services diagram: readable', async () => {
    const { drawing } = renderPicture('services', await dotOf('dydisnix-visualize-services', ['-s', V('services.json')]));
    readable(drawing);
    expect(texts(drawing)).toContain('portal');
  });

  it('infrastructure: a legend, each machine with its hostname and properties, readable', async () => {
    const { drawing } = renderPicture('infrastructure', await dotOf('dydisnix-visualize-infra', ['-i', V('infrastructure.json')]));
    readable(drawing);
    const shown = texts(drawing);
    expect(shown).toContain('Infrastructure');
    expect(shown).toContain('containers it provides (Dysnomia modules services are deployed into)');
    expect(shown).toEqual(expect.arrayContaining(['db-2.example.org', 'db2.internal', 'mem', '4096', 'tomcat-webapplication']));
  });

  it('deployment with live state: a legend, running/dead/not checked marks, readable', async () => {
    const state = await tempDir('dydisnix-pictures-');
    cleanup.push(state);
    const daemon = spawn('sleep', ['600'], { stdio: 'ignore' });
    try {
      const file = path.join(state, 'default', 'dysnomia', 'web', 'processes', 'process', 'api');
      await fs.mkdir(path.dirname(file), { recursive: true });
      const startTime = readStat(daemon.pid!)!.startTime;
      await fs.writeFile(file, JSON.stringify({ version: 1, component: '/nix/store/api', pidFile: '', bootId: '', starterPid: daemon.pid, starterStartTime: startTime, pid: daemon.pid, startTime }));
      const manifest = {
        services: {
          api: { name: 'api', type: 'process', pkg: '/nix/store/api', dependsOn: ['db'], connectsTo: ['cache'] },
          worker: { name: 'worker', type: 'process', pkg: '/nix/store/worker', dependsOn: ['api', 'db'], connectsTo: [] },
          cache: { name: 'cache', type: 'process', pkg: '/nix/store/cache', dependsOn: [], connectsTo: [] },
          db: { name: 'db', type: 'mysql-database', pkg: '/nix/store/db', dependsOn: [], connectsTo: [] },
        },
        infrastructure: {
          web: { properties: { hostname: 'web.lan' }, containers: { process: {} } },
          data: { properties: { hostname: 'data.lan' }, containers: { process: {}, 'mysql-database': {} } },
        },
        mappings: [
          { service: 'api', target: 'web', container: 'process' },
          { service: 'worker', target: 'web', container: 'process' },
          { service: 'cache', target: 'data', container: 'process' },
          { service: 'db', target: 'data', container: 'mysql-database' },
        ],
      };
      await fs.writeFile(path.join(state, 'default', 'manifest.json'), JSON.stringify(manifest));
      const { drawing } = renderPicture('deployment-live', await dotOf('dydisnix-visualize', ['--state-dir', state]));
      readable(drawing);
      const shown = texts(drawing);
      expect(shown).toEqual(expect.arrayContaining(['Deployment architecture (live state)', 'connects to', '● running', '✖ dead', '? not checked']));
      expect(shown).toContain(`● running (pid ${daemon.pid})`);
      expect(shown).toContain('✖ dead: no process record');
      expect(shown.filter((t) => t === '? not checked')).toHaveLength(2); // db, and the legend
    } finally {
      daemon.kill('SIGKILL');
    }
  });

  it('deployment of the example models: readable, every machine labelled', async () => {
    const dot = await dotOf('dydisnix-visualize', ['-s', V('services.json'), '-i', V('infrastructure.json'), '-d', V('distribution.json')]);
    const { drawing } = renderPicture('deployment', dot);
    readable(drawing);
    expect(texts(drawing)).toEqual(expect.arrayContaining(['Deployment architecture', 'web-1.example.org', 'db-2.example.org', '(db2.internal)']));
  });
});

describe('pictures of the planners (30 services, 4 machines)', () => {
  it('multiwaycut problem graph: compact, not a hairball; readable', async () => {
    const { drawing, width, height } = renderPicture('multiwaycut-problem', await dotOf('dydisnix-multiwaycut', [...shop, '--output-graph']));
    readable(drawing);
    expect(width).toBeLessThan(2000);
    expect(height).toBeLessThan(2000);
    expect(Math.max(width / height, height / width)).toBeLessThan(2);
    expect(texts(drawing)).not.toContain('1');
  });

  it('multiwaycut resolved: the cut count in the label is the planner’s, and it is the number of red edges', async () => {
    const distribution = JSON.parse(await dotOf('dydisnix-multiwaycut', [...shop, '--output-json'])) as Record<string, string[]>;
    const services = JSON.parse(await fs.readFile(SHOP('services.json'), 'utf8')) as Record<string, { dependsOn: string[]; connectsTo: string[] }>;
    let links = 0;
    let cut = 0;
    for (const [name, service] of Object.entries(services)) {
      for (const dependency of [...service.dependsOn, ...service.connectsTo]) {
        links++;
        if (distribution[name]![0] !== distribution[dependency]![0]) cut++;
      }
    }
    expect(cut).toBeGreaterThan(0);
    const { drawing } = renderPicture('multiwaycut-resolved', await dotOf('dydisnix-multiwaycut', [...shop, '--output-resolved-graph']));
    readable(drawing);
    expect(texts(drawing)).toContain(`links across machines: ${cut} of ${links}`);
    expect(drawing.edges!.filter((edge) => edge.color === '#C00000')).toHaveLength(cut);
    // Every service is filled with the colour of the machine it was put on.
    const colours = hostColours(Object.keys(JSON.parse(await fs.readFile(SHOP('infrastructure.json'), 'utf8')) as object));
    for (const object of drawing.objects!) {
      const name = object.name as string;
      if (name.startsWith('app:')) expect(object.fillcolor).toBe(colours.get(distribution[name.slice(4)]![0]!));
    }
  });

  it('graphcol resolved: each service names its machine and wears its colour; machines in the legend', async () => {
    const distribution = JSON.parse(await dotOf('dydisnix-graphcol', [...shop.slice(0, 4), '--output-json'])) as Record<string, string[]>;
    const { drawing } = renderPicture('graphcol-resolved', await dotOf('dydisnix-graphcol', [...shop.slice(0, 4), '--output-resolved-graph']));
    readable(drawing);
    const colours = hostColours(['app1', 'app2', 'data1', 'front1']);
    for (const object of drawing.objects!) {
      const target = distribution[object.name as string]?.[0];
      if (target === undefined) continue;
      expect(object.label).toBe(`<f0> ${object.name as string}|<f1> ${target}`);
      expect(object.fillcolor).toBe(colours.get(target));
    }
    const used = new Set(Object.values(distribution).map((targets) => targets[0]));
    expect(texts(drawing)).toContain(`machines used: ${used.size} of 4`);
    expect(texts(drawing)).toEqual(expect.arrayContaining(['app1', 'app2', 'data1', 'front1']));
  });

  it('minsetcover resolved: the total cost in the label is the cost of the machines used', async () => {
    const args = [...shop, '--target-property', 'cost'];
    const distribution = JSON.parse(await dotOf('dydisnix-minsetcover', [...args, '--output-json'])) as Record<string, string[]>;
    const infrastructure = JSON.parse(await fs.readFile(SHOP('infrastructure.json'), 'utf8')) as Record<string, { properties: { cost: number } }>;
    const used = [...new Set(Object.values(distribution).map((targets) => targets[0]!))];
    const total = used.reduce((sum, target) => sum + infrastructure[target]!.properties.cost, 0);
    const { drawing } = renderPicture('minsetcover-resolved', await dotOf('dydisnix-minsetcover', [...args, '--output-resolved-graph']));
    readable(drawing);
    expect(texts(drawing)).toContain(`machines used: ${used.length} of 4, total cost ${total}`);
  });
});
