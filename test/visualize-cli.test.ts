/** End-to-end tests of the visualisation commands: the real ./bin files on fixtures/visualize. */
import { execFile, execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fromDot, type GraphBaseModel } from 'ts-graphviz';
import { afterAll, describe, expect, it } from 'vitest';
import { readStat } from '../src/activation/proc.js';
import { fixture, repoRoot, runBin, tempDir } from './helpers.js';

const F = (name: string) => fixture('visualize', name);
const SERVICES = F('services.json');
const INFRA = F('infrastructure.json');
const DIST = F('distribution.json');
const DOCS = F('docs.json');

const cleanup: string[] = [];
afterAll(async () => {
  for (const dir of cleanup) await fs.rm(dir, { recursive: true, force: true });
});
async function scratch(): Promise<string> {
  const dir = await tempDir('dydisnix-visualize-');
  cleanup.push(dir);
  return dir;
}

/** Graphviz must accept every DOT output. */
function checkDot(dot: string): void {
  const svg = execFileSync('dot', ['-Tsvg'], { input: dot, encoding: 'utf8' });
  expect(svg).toContain('<svg');
}

interface Shape {
  nodes: string[];
  edges: string[];
}
function collectNodes(graph: GraphBaseModel, into: string[]): void {
  for (const node of graph.nodes) into.push(node.id);
  for (const sub of graph.subgraphs) collectNodes(sub, into);
}
/** Node ids (sorted) and edges `a -> b` / `a ..> b` (dashed), in output order. */
function shape(dot: string): Shape {
  checkDot(dot);
  const graph = fromDot(dot);
  const nodes: string[] = [];
  collectNodes(graph, nodes);
  const edges = graph.edges.map((edge) => {
    const [from, to] = edge.targets.map((t) => (t as { id: string }).id);
    return `${from} ${edge.attributes.get('style') === 'dashed' ? '..>' : '->'} ${to}`;
  });
  return { nodes: nodes.sort(), edges };
}
const sortedShape = (dot: string): Shape => {
  const s = shape(dot);
  return { nodes: s.nodes, edges: [...s.edges].sort() };
};

async function files(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

const ROOT_COLLAPSED: Shape = {
  nodes: ['portal', 'portaldb', 'services'],
  edges: ['portal -> portaldb', 'portal -> services', 'portal ..> services', 'services ..> portaldb'],
};
const SERVICES_COLLAPSED: Shape = {
  nodes: ['dbserver', 'errordb', 'logging', 'portal', 'portaldb', 'reporting'],
  edges: ['logging -> errordb', 'portal -> portaldb', 'portal -> logging', 'portal ..> reporting', 'reporting -> logging', 'reporting ..> portaldb'],
};

describe('dydisnix-visualize-services', () => {
  it('draws every service of the root group by default', async () => {
    const result = await runBin('dydisnix-visualize-services', ['-s', SERVICES]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const { nodes, edges } = shape(result.stdout);
    expect(nodes).toEqual(['dbserver', 'errordb', 'loggingapi', 'loggingdb', 'portal', 'portaldb', 'reportexporter', 'reportingapi', 'reportingdb']);
    expect(edges).toHaveLength(9);
    expect(result.stdout).toContain('label = "dbserver\\n &#8594; { mysql-database\\n, postgresql-database\\n}\\n(process)";');
    expect(result.stdout).toContain('label = "reportexporter &#8594;\\ncsv-files\\n(process)";');
  });

  it('collapses subgroups with --group-subservices (the original root example)', async () => {
    const result = await runBin('dydisnix-visualize-services', ['-s', SERVICES, '--group-subservices']);
    expect(result.code).toBe(0);
    expect(shape(result.stdout)).toEqual(ROOT_COLLAPSED);
  });

  it('draws a group with its context', async () => {
    const result = await runBin('dydisnix-visualize-services', ['-s', SERVICES, '--group', 'services', '--group-subservices']);
    expect(result.code).toBe(0);
    expect(shape(result.stdout)).toEqual(SERVICES_COLLAPSED);
    const flat = await runBin('dydisnix-visualize-services', ['-s', SERVICES, '--group', 'services/logging/']);
    expect(shape(flat.stdout).nodes).toEqual(['errordb', 'loggingapi', 'loggingdb', 'portal', 'reportingapi']);
  });

  it('is deterministic', async () => {
    const a = await runBin('dydisnix-visualize-services', ['-s', SERVICES, '--group', 'services', '--group-subservices']);
    const b = await runBin('dydisnix-visualize-services', ['-s', SERVICES, '--group', 'services', '--group-subservices']);
    expect(a.stdout).toBe(b.stdout);
  });

  it.each([
    ['nix', 'services.nix'],
    ['xml', 'services.xml'],
  ])('reads the %s form with the same result', async (_kind, file) => {
    for (const args of [['--group-subservices'], ['--group', 'services', '--group-subservices'], []]) {
      const json = await runBin('dydisnix-visualize-services', ['-s', SERVICES, ...args]);
      const other = await runBin('dydisnix-visualize-services', ['-s', F(file), ...args]);
      expect(other.stderr).toBe('');
      expect(sortedShape(other.stdout)).toEqual(sortedShape(json.stdout));
    }
  });

  it('reads the services model from stdin with -s -', async () => {
    const file = await runBin('dydisnix-visualize-services', ['-s', SERVICES, '--group-subservices']);
    const stdin = await runBin('dydisnix-visualize-services', ['-s', '-', '--group-subservices'], { input: await fs.readFile(SERVICES, 'utf8') });
    expect(stdin.code).toBe(0);
    expect(stdin.stdout).toBe(file.stdout);
  });

  it('renders with -f svg', async () => {
    const result = await runBin('dydisnix-visualize-services', ['-s', SERVICES, '--group-subservices', '-f', 'svg']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('<svg');
    expect(result.stdout).toContain('portaldb');
  });

  it('batch mode writes a diagram per group, ancestors included', async () => {
    const out = await scratch();
    const result = await runBin('dydisnix-visualize-services', ['-s', SERVICES, '--batch', '--output-dir', out]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    expect(await files(out)).toEqual([
      'diagram.dot',
      'services/diagram.dot',
      'services/logging/diagram.dot',
      'services/reporting/diagram.dot',
      'services/reporting/exporters/csv/diagram.dot',
      'services/reporting/exporters/diagram.dot',
    ]);
    expect(shape(await fs.readFile(path.join(out, 'diagram.dot'), 'utf8'))).toEqual(ROOT_COLLAPSED);
    expect(shape(await fs.readFile(path.join(out, 'services/diagram.dot'), 'utf8'))).toEqual(SERVICES_COLLAPSED);
    expect(shape(await fs.readFile(path.join(out, 'services/reporting/exporters/diagram.dot'), 'utf8'))).toEqual({ nodes: ['csv', 'reportingdb'], edges: ['csv -> reportingdb'] });
    for (const file of await files(out)) checkDot(await fs.readFile(path.join(out, file), 'utf8'));
    // Group nodes link to their catalogue pages, relative to the diagram's folder.
    const url = (file: string, node: string) => fromDot(readFileSync(path.join(out, file), 'utf8')).getNode(node)!.attributes.get('URL');
    expect(url('diagram.dot', 'services')).toBe('services/index.html');
    expect(url('services/diagram.dot', 'logging')).toBe('logging/index.html');
    expect(url('services/logging/diagram.dot', 'reporting')).toBe('../reporting/index.html');
    // Outside batch mode there are no links.
    expect((await runBin('dydisnix-visualize-services', ['-s', SERVICES, '--group-subservices'])).stdout).not.toContain('URL');
  });

  it('batch mode with -f png renders every diagram', async () => {
    const out = await scratch();
    const result = await runBin('dydisnix-visualize-services', ['-s', SERVICES, '--batch', '--output-dir', out, '-f', 'png']);
    expect(result.code).toBe(0);
    const written = await files(out);
    expect(written.filter((f) => f.endsWith('.png'))).toHaveLength(6);
    const png = await fs.readFile(path.join(out, 'services/logging/diagram.dot.png'));
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
  });

  it('fails clearly without -s, with an unknown group, or with a bad model', async () => {
    const missing = await runBin('dydisnix-visualize-services', []);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('a services model must be specified: -s FILE');
    const group = await runBin('dydisnix-visualize-services', ['-s', SERVICES, '--group', 'nope']);
    expect(group.code).toBe(2);
    expect(group.stderr).toContain('unknown group "nope" (known groups: services, services/logging');
    const nofile = await runBin('dydisnix-visualize-services', ['-s', F('does-not-exist.json')]);
    expect(nofile.code).toBe(2);
    expect(nofile.stderr).toContain('does-not-exist.json: cannot read: no such file');
    const format = await runBin('dydisnix-visualize-services', ['-s', SERVICES, '-f', '../x']);
    expect(format.code).toBe(2);
    expect(format.stderr).toContain('invalid output format');
    const unknownFormat = await runBin('dydisnix-visualize-services', ['-s', SERVICES, '-f', 'nonsense']);
    expect(unknownFormat.code).toBe(1);
    expect(unknownFormat.stderr).toContain('dot failed');
    expect(unknownFormat.stderr).not.toContain('    at ');
  });

  it('refuses group paths that cannot be folders in batch mode', async () => {
    const dir = await scratch();
    const model = path.join(dir, 'services.json');
    await fs.writeFile(model, JSON.stringify({ a: { name: 'a', group: 'x/../../etc' } }));
    const result = await runBin('dydisnix-visualize-services', ['-s', model, '--batch', '--output-dir', path.join(dir, 'out')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('services.a.group: group "x/../../etc" cannot be a folder name');
    await expect(fs.stat(path.join(dir, 'out'))).rejects.toThrow();
  });

  it('accepts group names in any script (letters are letters)', async () => {
    const dir = await scratch();
    const model = path.join(dir, 'services.json');
    await fs.writeFile(model, JSON.stringify({ a: { name: 'a', group: 'Überwachung/日志' }, b: { name: 'b', dependsOn: ['a'] } }));
    const out = path.join(dir, 'out');
    const result = await runBin('dydisnix-generate-services-docs', ['-s', model, '--output-dir', out]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(await files(out)).toEqual(expect.arrayContaining(['Überwachung/index.html', 'Überwachung/日志/index.html', 'Überwachung/日志/diagram.dot']));
    expect(await fs.readFile(path.join(out, 'index.html'), 'utf8')).toContain(`<a href="${encodeURIComponent('Überwachung')}/index.html">Überwachung</a>`);
  });

  it('says how to install Graphviz when dot is missing', async () => {
    const bin = await scratch();
    await fs.symlink(process.execPath, path.join(bin, 'node'));
    const result = await runBin('dydisnix-visualize-services', ['-s', SERVICES, '-f', 'svg'], { env: { PATH: bin } });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Graphviz `dot` was not found on PATH');
    expect(result.stderr).toContain('apt-get install graphviz');
    // Without -f, dot is not needed at all.
    const plain = await runBin('dydisnix-visualize-services', ['-s', SERVICES], { env: { PATH: bin } });
    expect(plain.code).toBe(0);
  });
});

describe('dydisnix-visualize-infra', () => {
  it('draws a cluster per target with quoted ids (names with - and .)', async () => {
    for (const file of [INFRA, F('infrastructure.nix'), F('infrastructure.xml')]) {
      const result = await runBin('dydisnix-visualize-infra', ['-i', file]);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      checkDot(result.stdout);
      const graph = fromDot(result.stdout);
      expect(graph.subgraphs.map((s) => s.id)).toEqual(['cluster_target_build.local', 'cluster_target_db-2.example.org', 'cluster_target_web-1.example.org']);
      // The machine's label: its name, hostname and the default properties it has (mem, system).
      expect(result.stdout).toContain(
        '<TD COLSPAN="2" ALIGN="LEFT"><B>web-1.example.org</B></TD></TR><TR><TD ALIGN="LEFT">hostname</TD><TD ALIGN="LEFT">web-1.example.org</TD></TR><TR><TD ALIGN="LEFT">mem</TD><TD ALIGN="LEFT">4096</TD></TR><TR><TD ALIGN="LEFT">system</TD><TD ALIGN="LEFT">x86_64-linux</TD></TR></TABLE>',
      );
      expect(result.stdout).toContain('<B>db-2.example.org</B></TD></TR><TR><TD ALIGN="LEFT">hostname</TD><TD ALIGN="LEFT">db2.internal</TD></TR></TABLE>');
      expect(shape(result.stdout).nodes).toEqual([
        'build.local:',
        'db-2.example.org:mysql-database',
        'db-2.example.org:process',
        'web-1.example.org:process',
        'web-1.example.org:tomcat-webapplication',
      ]);
    }
  });

  it('--properties chooses what is shown under the hostname (* for all)', async () => {
    const chosen = await runBin('dydisnix-visualize-infra', ['-i', INFRA, '--properties', 'zones, mem,nothing']);
    expect(chosen.code).toBe(0);
    expect(chosen.stdout).toContain('<TD ALIGN="LEFT">zones</TD><TD ALIGN="LEFT">eu, us</TD></TR><TR><TD ALIGN="LEFT">mem</TD><TD ALIGN="LEFT">4096</TD></TR></TABLE>');
    expect(chosen.stdout).not.toContain('x86_64-linux');
    const all = await runBin('dydisnix-visualize-infra', ['-i', INFRA, '--properties', '*']);
    expect(all.stdout).toContain('<TD ALIGN="LEFT">zones</TD>');
    expect(all.stdout).toContain('<TD ALIGN="LEFT">system</TD>');
    checkDot(all.stdout);
  });

  it('renders and fails like the others', async () => {
    const svg = await runBin('dydisnix-visualize-infra', ['-i', INFRA, '-f', 'svg']);
    expect(svg.code).toBe(0);
    expect(svg.stdout).toContain('web&#45;1.example.org');
    const missing = await runBin('dydisnix-visualize-infra', []);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('an infrastructure model must be specified: -i FILE');
  });
});

describe('dydisnix-visualize', () => {
  const args = ['-s', SERVICES, '-i', INFRA, '-d', DIST];

  it('draws targets, containers, service instances and dependencies', async () => {
    const result = await runBin('dydisnix-visualize', args);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const { nodes, edges } = shape(result.stdout);
    expect(nodes).toEqual([
      'build.local:',
      'dbserver:db-2.example.org:process',
      'errordb:db-2.example.org:mysql-database',
      'loggingapi:db-2.example.org:tomcat-webapplication',
      'loggingapi:web-1.example.org:tomcat-webapplication',
      'loggingdb:db-2.example.org:mysql-database',
      'portal:web-1.example.org:tomcat-webapplication',
      'portaldb:db-2.example.org:mysql-database',
      'reportexporter:web-1.example.org:process',
      'reportingapi:web-1.example.org:tomcat-webapplication',
      'reportingdb:db-2.example.org:mysql-database',
    ]);
    expect(edges).toContain('portal:web-1.example.org:tomcat-webapplication ..> reportingapi:web-1.example.org:tomcat-webapplication');
    expect(edges).toContain('reportingapi:web-1.example.org:tomcat-webapplication ..> portaldb:db-2.example.org:mysql-database');
    expect(edges.filter((e) => e.startsWith('portal:'))).toEqual([
      'portal:web-1.example.org:tomcat-webapplication -> portaldb:db-2.example.org:mysql-database',
      'portal:web-1.example.org:tomcat-webapplication -> loggingapi:db-2.example.org:tomcat-webapplication',
      'portal:web-1.example.org:tomcat-webapplication -> loggingapi:web-1.example.org:tomcat-webapplication',
      'portal:web-1.example.org:tomcat-webapplication ..> reportingapi:web-1.example.org:tomcat-webapplication',
    ]);
    expect(edges).toHaveLength(13);
    const graph = fromDot(result.stdout);
    const db = graph.subgraphs[1]!;
    expect(db.get('label')).toBe('db-2.example.org\\n(db2.internal)');
    expect(db.subgraphs.map((c) => c.get('label'))).toEqual(['mysql-database', 'process', 'tomcat-webapplication']);
  });

  it('--no-containers leaves out the container clusters', async () => {
    const result = await runBin('dydisnix-visualize', [...args, '--no-containers']);
    expect(result.code).toBe(0);
    checkDot(result.stdout);
    const graph = fromDot(result.stdout);
    expect(graph.subgraphs.map((s) => s.subgraphs.length)).toEqual([0, 0, 0]);
    expect(graph.subgraphs[2]!.nodes.map((n) => n.id)).toEqual([
      'reportexporter:web-1.example.org:process',
      'loggingapi:web-1.example.org:tomcat-webapplication',
      'portal:web-1.example.org:tomcat-webapplication',
      'reportingapi:web-1.example.org:tomcat-webapplication',
    ]);
  });

  it('reads the Nix and XML forms with the same result', async () => {
    const json = await runBin('dydisnix-visualize', args);
    for (const ext of ['nix', 'xml']) {
      const other = await runBin('dydisnix-visualize', ['-s', F(`services.${ext}`), '-i', F(`infrastructure.${ext}`), '-d', F(`distribution.${ext}`)]);
      expect(other.stderr).toBe('');
      expect(sortedShape(other.stdout)).toEqual(sortedShape(json.stdout));
    }
  });

  it('reads a deployment state (<state-dir>/<profile>/manifest.json)', async () => {
    const state = await scratch();
    await fs.mkdir(path.join(state, 'production'), { recursive: true });
    const manifest = {
      services: {
        web: { name: 'web', type: 'process', dependsOn: ['db'], connectsTo: [], pkg: '/nix/store/xyz-web' },
        db: { name: 'db', type: 'mysql-database', dependsOn: [], connectsTo: [], providesContainer: 'mysql-schemas' },
      },
      infrastructure: { 'host-a.lan': { properties: { hostname: 'host-a.lan' }, containers: { process: {} } } },
      mappings: [
        { service: 'web', target: 'host-a.lan', container: 'process' },
        { service: 'db', target: 'host-a.lan', container: 'mysql-database' },
      ],
      generation: 3,
    };
    await fs.writeFile(path.join(state, 'production', 'manifest.json'), JSON.stringify(manifest));
    const result = await runBin('dydisnix-visualize', ['--state-dir', state, '-p', 'production']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(shape(result.stdout)).toEqual({
      nodes: ['db:host-a.lan:mysql-database', 'web:host-a.lan:process'],
      edges: ['web:host-a.lan:process -> db:host-a.lan:mysql-database'],
    });
    // A deployment state is drawn live: nothing runs here (no process record), db is not a process unit.
    expect(result.stdout).toContain('label = "db &#8594;\\nmysql-schemas\\n? not checked";');
    expect(result.stdout).toContain('label = "web\\n✖ dead: no process record";');
    const plain = await runBin('dydisnix-visualize', ['--state-dir', state, '-p', 'production', '--no-live']);
    expect(plain.stdout).toContain('label = "db &#8594;\\nmysql-schemas";');
    // XDG_STATE_HOME/dydisnix and the profile "default" are the defaults.
    const xdg = await scratch();
    await fs.mkdir(path.join(xdg, 'dydisnix', 'default'), { recursive: true });
    await fs.copyFile(path.join(state, 'production', 'manifest.json'), path.join(xdg, 'dydisnix', 'default', 'manifest.json'));
    const byDefault = await runBin('dydisnix-visualize', [], { env: { XDG_STATE_HOME: xdg } });
    expect(byDefault.code).toBe(0);
    expect(byDefault.stdout).toBe(result.stdout);
  });

  it('marks each service running / dead / not checked from the deployment state (a real daemon)', async () => {
    const state = await scratch();
    const profileDir = path.join(state, 'default');
    const daemon = spawn('sleep', ['600'], { stdio: 'ignore' });
    const gone = spawn('true', [], { stdio: 'ignore' });
    try {
      const goneExit = new Promise((resolve) => gone.once('exit', resolve));
      const record = async (service: string, pid: number, startTime: number) => {
        const file = path.join(profileDir, 'dysnomia', 'host-a', 'processes', 'process', service);
        await fs.mkdir(path.dirname(file), { recursive: true });
        const body = { version: 1, component: `/nix/store/${service}`, pidFile: '', bootId: '', starterPid: pid, starterStartTime: startTime, pid, startTime };
        await fs.writeFile(file, JSON.stringify(body));
      };
      const stat = readStat(daemon.pid!)!;
      await record('api', daemon.pid!, stat.startTime);
      await goneExit;
      // The record of a daemon that has exited (its start time cannot match whatever has its PID now).
      await record('worker', gone.pid!, 1);
      const manifest = {
        services: {
          api: { name: 'api', type: 'process', pkg: '/nix/store/api', dependsOn: ['db'], connectsTo: [] },
          worker: { name: 'worker', type: 'process', pkg: '/nix/store/worker', dependsOn: ['api'], connectsTo: [] },
          db: { name: 'db', type: 'mysql-database', pkg: '/nix/store/db', dependsOn: [], connectsTo: [] },
        },
        infrastructure: { 'host-a': { properties: { hostname: 'host-a' }, containers: { process: {}, 'mysql-database': {} } } },
        mappings: [
          { service: 'api', target: 'host-a', container: 'process' },
          { service: 'worker', target: 'host-a', container: 'process' },
          { service: 'db', target: 'host-a', container: 'mysql-database' },
        ],
      };
      await fs.mkdir(profileDir, { recursive: true });
      await fs.writeFile(path.join(profileDir, 'manifest.json'), JSON.stringify(manifest));
      const result = await runBin('dydisnix-visualize', ['--state-dir', state, '--live']);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(`label = "api\\n● running (pid ${daemon.pid})";`);
      expect(result.stdout).toMatch(/label = "worker\\n✖ dead: process \d+ is (not running|gone)/);
      expect(result.stdout).toContain('label = "db\\n? not checked";');
      expect(result.stdout).toContain('● running</FONT>');
      checkDot(result.stdout);
      const mixed = await runBin('dydisnix-visualize', ['-s', SERVICES, '-i', INFRA, '-d', DIST, '--live']);
      expect(mixed.code).toBe(2);
      expect(mixed.stderr).toContain('--live checks a deployment');
    } finally {
      daemon.kill('SIGKILL');
    }
  });

  it('-o FILE writes DOT or the image atomically; binary images are never written to a terminal', async () => {
    const dir = await scratch();
    const png = await runBin('dydisnix-visualize', ['-s', SERVICES, '-i', INFRA, '-d', DIST, '-f', 'png', '-o', `${dir}/deployment.png`]);
    expect(png.code).toBe(0);
    expect(png.stdout).toBe('');
    expect(readFileSync(`${dir}/deployment.png`).subarray(1, 4).toString()).toBe('PNG');
    const dot = await runBin('dydisnix-visualize-services', ['-s', SERVICES, '-o', `${dir}/services.dot`]);
    expect(dot.code).toBe(0);
    checkDot(readFileSync(`${dir}/services.dot`, 'utf8'));
    const page = await runBin('dydisnix-document-services', ['-s', SERVICES, '-o', `${dir}/index.html`]);
    expect(page.code).toBe(0);
    expect(readFileSync(`${dir}/index.html`, 'utf8')).toContain('<html');
    // A terminal on stdout (script(1) gives the command a pseudo-terminal).
    const command = [path.join(repoRoot, 'bin', 'dydisnix-visualize-infra'), '-i', INFRA, '-f', 'png'].map((a) => `'${a}'`).join(' ');
    const tty = await new Promise<{ code: number | null; out: string }>((resolve) => {
      execFile('script', ['-qec', command, '/dev/null'], { encoding: 'utf8' }, (error, stdout) => resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, out: stdout }));
    });
    expect(tty.out).toContain('not writing png image data to a terminal: give -o FILE (e.g. -o picture.png) or redirect stdout (> picture.png)');
    expect(tty.out).not.toContain('PNG');
    expect(tty.code).toBe(2);
    const batch = await runBin('dydisnix-visualize-services', ['-s', SERVICES, '--batch', '-o', `${dir}/x.dot`]);
    expect(batch.code).toBe(2);
    expect(batch.stderr).toContain('batch mode writes into --output-dir');
  });

  it('fails clearly without a deployment state or with partial models', async () => {
    const state = await scratch();
    const none = await runBin('dydisnix-visualize', ['--state-dir', state]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain(`no deployment state: ${path.join(state, 'default', 'manifest.json')} does not exist`);
    const partial = await runBin('dydisnix-visualize', ['-s', SERVICES, '-i', INFRA]);
    expect(partial.code).toBe(2);
    expect(partial.stderr).toContain('needs all three models');
    const both = await runBin('dydisnix-visualize', [...args, '-p', 'x']);
    expect(both.code).toBe(2);
    await fs.mkdir(path.join(state, 'bad'));
    await fs.writeFile(path.join(state, 'bad', 'manifest.json'), JSON.stringify({ services: {}, infrastructure: {}, mappings: [{ service: 'ghost', target: 't' }] }));
    const bad = await runBin('dydisnix-visualize', ['--state-dir', state, '-p', 'bad']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('manifest.mappings[0].service: unknown service "ghost"');
  });

  it('rejects a distribution naming unknown services', async () => {
    const dir = await scratch();
    const dist = path.join(dir, 'distribution.json');
    await fs.writeFile(dist, JSON.stringify({ ghost: ['build.local'] }));
    const result = await runBin('dydisnix-visualize', ['-s', SERVICES, '-i', INFRA, '-d', dist]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('distribution.ghost: unknown service "ghost"');
  });
});

describe('dydisnix-document-services', () => {
  it('prints one page for a group', async () => {
    const result = await runBin('dydisnix-document-services', ['-s', SERVICES, '--docs', DOCS]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('<td>The customer &lt;portal&gt; &amp; entry point</td>');
    // Non-batch pages list every member unless subgroups are collapsed.
    const row = '<tr>\n                <td>loggingapi</td>';
    expect(result.stdout).toContain(row);
    const group = await runBin('dydisnix-document-services', ['-s', SERVICES, '--docs', F('docs.nix'), '--group', 'services', '--group-subservices']);
    expect(group.code).toBe(0);
    expect(group.stdout).toContain('<h1>Back-end services</h1>');
    expect(group.stdout).toContain('href="./style.css"');
    expect(group.stdout).toContain('<td><a href="logging/index.html">logging</a></td>\n                <td>Logging &lt;subsystem&gt; &amp; friends</td>');
    expect(group.stdout).not.toContain(row);
  });

  it('batch mode writes a page per group and the stylesheet', async () => {
    const out = await scratch();
    const result = await runBin('dydisnix-document-services', ['-s', SERVICES, '--docs', F('docs.xml'), '--batch', '--output-dir', out, '-f', 'svg']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(await files(out)).toEqual([
      'index.html',
      'services/index.html',
      'services/logging/index.html',
      'services/reporting/exporters/csv/index.html',
      'services/reporting/exporters/index.html',
      'services/reporting/index.html',
      'style.css',
    ]);
    const logging = await fs.readFile(path.join(out, 'services/logging/index.html'), 'utf8');
    expect(logging).toContain('<img src="diagram.dot.svg" alt="Architecture diagram">');
    expect(logging).toContain('href="../../style.css"');
    expect(logging).toContain('<dt>hosts</dt><dd>a.example.org, b.example.org</dd>');
  });
});

describe('dydisnix-generate-services-docs', () => {
  const expected = (format: string) =>
    [
      'diagram.dot',
      `diagram.dot.${format}`,
      'index.html',
      'services/diagram.dot',
      `services/diagram.dot.${format}`,
      'services/index.html',
      'services/logging/diagram.dot',
      `services/logging/diagram.dot.${format}`,
      'services/logging/index.html',
      'services/reporting/diagram.dot',
      `services/reporting/diagram.dot.${format}`,
      'services/reporting/exporters/csv/diagram.dot',
      `services/reporting/exporters/csv/diagram.dot.${format}`,
      'services/reporting/exporters/csv/index.html',
      'services/reporting/exporters/diagram.dot',
      `services/reporting/exporters/diagram.dot.${format}`,
      'services/reporting/exporters/index.html',
      'services/reporting/index.html',
      'style.css',
    ].sort();

  it('--image-format works as advertised (B11), and so does -f', async () => {
    for (const option of ['--image-format', '-f', '--format']) {
      const out = await scratch();
      const result = await runBin('dydisnix-generate-services-docs', ['-s', SERVICES, '--docs', DOCS, '--output-dir', out, option, 'svg']);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(await files(out)).toEqual(expected('svg'));
      expect(await fs.readFile(path.join(out, 'style.css'), 'utf8')).toContain('table');
      expect(await fs.readFile(path.join(out, 'services/reporting/exporters/csv/diagram.dot.svg'), 'utf8')).toContain('<svg');
      expect(await fs.readFile(path.join(out, 'services/diagram.dot.svg'), 'utf8')).toContain('<a xlink:href="logging/index.html"');
    }
  });

  it('without an image format writes DOT files and pages without pictures', async () => {
    const out = await scratch();
    const result = await runBin('dydisnix-generate-services-docs', ['-s', F('services.nix'), '--output-dir', out]);
    expect(result.code).toBe(0);
    expect(await files(out)).toEqual(expected('x').filter((f) => !f.endsWith('.x')));
    expect(await fs.readFile(path.join(out, 'index.html'), 'utf8')).not.toContain('<img');
  });

  it('rejects conflicting formats and a missing services model', async () => {
    const conflict = await runBin('dydisnix-generate-services-docs', ['-s', SERVICES, '-f', 'svg', '--image-format', 'png']);
    expect(conflict.code).toBe(2);
    expect(conflict.stderr).toContain('disagree');
    const missing = await runBin('dydisnix-generate-services-docs', ['--docs', DOCS]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('a services model must be specified');
  });
});

describe('help', () => {
  it.each(['dydisnix-visualize-services', 'dydisnix-visualize-infra', 'dydisnix-visualize', 'dydisnix-document-services', 'dydisnix-generate-services-docs'])(
    '%s --help shows usage with examples',
    async (command) => {
      const result = await runBin(command, ['--help']);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(`Usage: ${command}`);
      expect(result.stdout).toContain('Examples:');
    },
  );
});
