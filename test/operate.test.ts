/**
 * Operating a deployment with real processes: dydisnix-query (dead daemons found, exit 1), the
 * converge run that restarts them, dydisnix-logs (printing, following, rotation), generations.
 * Every process a test started carries its temp dir in its command line or environment; afterEach
 * kills them all and removes the dir.
 */
import { execFile, spawn } from 'node:child_process';
import { promises as fs, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { repoRoot, runBin, tempDir } from './helpers.js';

const dirs: string[] = [];

function processesUnder(dir: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const text = readFileSync(`/proc/${entry}/cmdline`, 'utf8') + readFileSync(`/proc/${entry}/environ`, 'utf8');
      if (text.includes(dir)) found.push(Number(entry));
    } catch {
      // gone or not ours
    }
  }
  return found;
}

function alive(pid: number): boolean {
  try {
    return !/\) [ZX] /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

async function waitFor(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

afterEach(async () => {
  for (const dir of dirs.splice(0)) {
    for (let round = 0; round < 3; round++) {
      const pids = processesUnder(dir);
      if (pids.length === 0) break;
      for (const pid of pids) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await fs.rm(dir, { recursive: true, force: true });
  }
});

async function workDir(): Promise<string> {
  const dir = await tempDir('dydisnix-operate-e2e-');
  dirs.push(dir);
  return dir;
}

/** A daemon that writes its PID file, then prints `NAME line K` every 50 ms (with `chatty`) or sleeps. */
async function component(dir: string, name: string, options: { chatty?: boolean; config?: string; version?: number } = {}): Promise<string> {
  const pkg = path.join(dir, 'pkgs', `${name}${options.version ? `-v${options.version}` : ''}`);
  await fs.mkdir(path.join(pkg, 'bin'), { recursive: true });
  const body = options.chatty ? `k=0; while :; do k=$((k+1)); echo "${name} line $k"; sleep 0.05; done` : 'exec sleep 1000';
  const script = ['#!/bin/sh', `# ${name} version ${options.version ?? 1}`, `echo "${name} starting"`, `sh -c 'echo $$ > "$DYSNOMIA_PID_FILE"; ${body}' &`, 'exit 0', ''].join('\n');
  await fs.writeFile(path.join(pkg, 'bin', name), script, { mode: 0o755 });
  if (options.config) {
    await fs.mkdir(path.join(pkg, 'etc', 'dysnomia'), { recursive: true });
    await fs.writeFile(path.join(pkg, 'etc', 'dysnomia', 'process'), options.config);
  }
  return pkg;
}

async function model(dir: string, processes: Record<string, { pkg: string; dependencies?: string[] }>): Promise<string> {
  const file = path.join(dir, 'processes.json');
  await fs.writeFile(file, JSON.stringify(processes, null, 2));
  return file;
}

const state = (dir: string) => ['--state-dir', path.join(dir, 'state'), '-p', 'test'];
// processes-switch keeps PID files in <state-dir>/run (nixproc's runtimeDir under --state-dir; docs/deploy.md).
const pidOf = async (dir: string, name: string) => Number((await fs.readFile(path.join(dir, 'state', 'run', `${name}.pid`), 'utf8')).trim());

interface QueryJson {
  profile: string;
  generation: number;
  healthy: boolean;
  targets: { target: string; services: { service: string; status: string; pid?: number; since?: string; why?: string; type: string; container: string; component: string }[] }[];
}

describe('dydisnix-query', () => {
  it('shows every service running, a killed daemon as not running (exit 1), and running again after the next switch', async () => {
    const dir = await workDir();
    const [a, b] = await Promise.all([component(dir, 'a'), component(dir, 'b')]);
    const file = await model(dir, { a: { pkg: a }, b: { pkg: b, dependencies: ['a'] } });
    const deployed = await runBin('dydisnix-processes-switch', [...state(dir), file]);
    expect(deployed.code, deployed.stderr).toBe(0);
    // Not a terminal: plain lines with a job counter, and the time per phase in the summary.
    expect(deployed.stderr).toMatch(/^\[1\/2\] \[target: localhost\]: Activating service a \(process\)$/m);
    expect(deployed.stderr).toMatch(/^\[2\/2\] \[target: localhost\]: Activating service b \(process\)$/m);
    expect(deployed.stderr).toMatch(/^\[coordinator\]: Time per phase: prepare \d+\.\d\d s, activate \d+\.\d\d s \(2 jobs\), commit \d+\.\d\d s$/m);
    expect(deployed.stderr).not.toMatch(/\x1b/);

    const healthy = await runBin('dydisnix-query', [...state(dir), '--output-json']);
    expect(healthy.code, healthy.stderr).toBe(0);
    const before = JSON.parse(healthy.stdout) as QueryJson;
    expect(before).toMatchObject({ profile: 'test', generation: 1, healthy: true });
    expect(before.targets.map((t) => t.target)).toEqual(['localhost']);
    const services = before.targets[0]!.services;
    expect(services.map((s) => [s.service, s.type, s.container, s.component, s.status])).toEqual([
      ['a', 'process', 'process', a, 'running'],
      ['b', 'process', 'process', b, 'running'],
    ]);
    const pidB = await pidOf(dir, 'b');
    expect(services[1]!.pid).toBe(pidB);
    expect(Date.parse(services[1]!.since!)).toBeGreaterThan(Date.now() - 3600_000);

    process.kill(pidB, 'SIGKILL');
    await waitFor(() => !alive(pidB), `process ${pidB} to die`);
    const sick = await runBin('dydisnix-query', state(dir));
    expect(sick.code).toBe(1);
    expect(sick.stdout).toMatch(/^Profile "test", generation 1 \(deployed /);
    expect(sick.stdout).toMatch(/\[target: localhost\]/);
    // The restarts column shows '-' for services without a supervisor (docs/activation.md, "Supervision").
    expect(sick.stdout).toMatch(new RegExp(`\\n  a +process +process +running \\(pid ${await pidOf(dir, 'a')}, since [^)]+\\) +- +${a}\\n`));
    expect(sick.stdout).toMatch(new RegExp(`\\n  b +process +process +NOT RUNNING \\(process ${pidB} is not running\\) +- +${b}\\n`));
    expect(sick.stdout).toMatch(/Not running: b on localhost\n$/);

    const again = await runBin('dydisnix-processes-switch', [...state(dir), file]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/b was not running: restarted/);
    const after = await runBin('dydisnix-query', [...state(dir), '--output-json']);
    expect(after.code, after.stdout).toBe(0);
    const restarted = (JSON.parse(after.stdout) as QueryJson).targets[0]!.services[1]!;
    expect(restarted.status).toBe('running');
    expect(restarted.pid).toBe(await pidOf(dir, 'b'));
    expect(restarted.pid).not.toBe(pidB);
  });

  it('fails clearly for a profile that was never deployed and for an unknown target', async () => {
    const dir = await workDir();
    const none = await runBin('dydisnix-query', state(dir));
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/profile "test" in .* was never deployed/);
    const file = await model(dir, { a: { pkg: await component(dir, 'a') } });
    expect((await runBin('dydisnix-processes-switch', [...state(dir), file])).code).toBe(0);
    const wrong = await runBin('dydisnix-query', [...state(dir), '--target', 'nowhere']);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/deploys nothing to target "nowhere" \(targets: localhost\)/);
  });
});

describe('dydisnix-logs', () => {
  it('prints the last lines of a service and follows its growing log', async () => {
    const dir = await workDir();
    const file = await model(dir, { talker: { pkg: await component(dir, 'talker', { chatty: true }) } });
    expect((await runBin('dydisnix-processes-switch', [...state(dir), file])).code).toBe(0);
    const logFile = path.join(dir, 'state', 'test', 'dysnomia', 'localhost', 'logs', 'process', 'talker.log');
    await waitFor(async () => /talker line 5\n/.test(await fs.readFile(logFile, 'utf8')), 'five lines in the log');

    const last = await runBin('dydisnix-logs', [...state(dir), '-n', '2', 'talker']);
    expect(last.code, last.stderr).toBe(0);
    expect(last.stdout).toMatch(/^talker line \d+\ntalker line \d+\n$/);
    const all = await runBin('dydisnix-logs', [...state(dir), 'talker']);
    expect(all.stdout).toMatch(/^talker starting\ntalker line 1\ntalker line 2\n/);

    const follower = spawn(path.join(repoRoot, 'bin', 'dydisnix-logs'), [...state(dir), '-f', '-n', '1', 'talker'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    follower.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => follower.on('exit', (code) => resolve(code)));
    try {
      await waitFor(() => /talker line (\d+)\n/.test(out), 'the first line');
      const first = Number(/talker line (\d+)\n/.exec(out)![1]);
      // Lines appended after the follower started reach it, in order, none skipped.
      await waitFor(() => out.includes(`talker line ${first + 5}\n`), 'five more lines');
      const numbers = [...out.matchAll(/talker line (\d+)\n/g)].map((m) => Number(m[1]));
      expect(numbers.slice(0, 6)).toEqual([first, first + 1, first + 2, first + 3, first + 4, first + 5]);
    } finally {
      follower.kill('SIGINT');
    }
    expect(await exited).toBe(0);
  });

  it('rotates a log by size when the service starts again, and prints the rotated files first', async () => {
    const dir = await workDir();
    const config = 'logMaxBytes=20\nlogKeep=2\n';
    const v1 = await component(dir, 'rot', { config });
    const file = await model(dir, { rot: { pkg: v1 } });
    expect((await runBin('dydisnix-processes-switch', [...state(dir), file])).code).toBe(0);
    const logs = path.join(dir, 'state', 'test', 'dysnomia', 'localhost', 'logs', 'process');
    expect(await fs.readFile(path.join(logs, 'rot.log'), 'utf8')).toBe('rot starting\n');
    // A start appends to a log below 20 bytes and rotates one of 20 bytes or more first (keeping 2 files).
    for (const version of [1, 2, 3, 4]) {
      await fs.writeFile(path.join(v1, 'bin', 'rot'), (await fs.readFile(path.join(v1, 'bin', 'rot'), 'utf8')).replace(/version \d+/, `version ${version + 1}`).replace(/echo "rot[^"]*"/, `echo "rot start ${version + 1}"`));
      const run = await runBin('dydisnix-processes-switch', [...state(dir), file]);
      expect(run.code, run.stderr).toBe(0);
    }
    const names = (await fs.readdir(logs)).sort();
    expect(names).toEqual(['rot.log', 'rot.log.1', 'rot.log.2']);
    expect(await fs.readFile(path.join(logs, 'rot.log'), 'utf8')).toBe('rot start 5\n');
    const printed = await runBin('dydisnix-logs', [...state(dir), 'rot']);
    expect(printed.stdout).toBe('rot starting\nrot start 2\nrot start 3\nrot start 4\nrot start 5\n');
    expect(await fs.readFile(path.join(logs, 'rot.log.1'), 'utf8')).toBe('rot start 3\nrot start 4\n');
  });

  it('names the deployed services when asked for another one', async () => {
    const dir = await workDir();
    const file = await model(dir, { a: { pkg: await component(dir, 'a') } });
    expect((await runBin('dydisnix-processes-switch', [...state(dir), file])).code).toBe(0);
    const result = await runBin('dydisnix-logs', [...state(dir), 'web']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/service "web" is not deployed in profile "test" \(deployed: a\)/);
  });
});

describe('generations', () => {
  it('lists, switches and deletes generations; the current one is never deleted', async () => {
    const dir = await workDir();
    const [a, b] = await Promise.all([component(dir, 'a'), component(dir, 'b')]);
    expect((await runBin('dydisnix-processes-switch', [...state(dir), await model(dir, { a: { pkg: a } })])).code).toBe(0);
    expect((await runBin('dydisnix-processes-switch', [...state(dir), await model(dir, { a: { pkg: a }, b: { pkg: b } })])).code).toBe(0);
    expect((await runBin('dydisnix-processes-switch', [...state(dir), await model(dir, { b: { pkg: b } })])).code).toBe(0);

    const list = await runBin('dydisnix-processes-switch', [...state(dir), '--list-generations']);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toMatch(/^ {3}1 {3}\d{4}-\d\d-\d\d \d\d:\d\d:\d\d {3}1 service\n {3}2 {3}\S+ \S+ {3}2 services\n {3}3 {3}\S+ \S+ {3}1 service {3}\(current\)\n$/);

    const switched = await runBin('dydisnix-processes-switch', [...state(dir), '--switch-generation', '2']);
    expect(switched.code, switched.stderr).toBe(0);
    expect(switched.stdout).toBe('Switched to generation 2\n');
    expect(alive(await pidOf(dir, 'a'))).toBe(true);

    const refused = await runBin('dydisnix-processes-switch', [...state(dir), '--delete-generations', '2']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/generation 2 is the current one and cannot be deleted/);
    const bad = await runBin('dydisnix-processes-switch', [...state(dir), '--delete-generations', 'newest']);
    expect(bad.code).toBe(2);

    const deleted = await runBin('dydisnix-processes-switch', [...state(dir), '--delete-generations', 'old']);
    expect(deleted.code, deleted.stderr).toBe(0);
    expect(deleted.stderr).toBe('Deleted generations 1, 3\n');
    const left = await runBin('dydisnix-processes-switch', [...state(dir), '--list-generations']);
    expect(left.stdout).toMatch(/^ {3}2 {3}\S+ \S+ {3}2 services {3}\(current\)\n$/);
    expect((await runBin('dydisnix-processes-switch', [...state(dir), '--undeploy'])).code).toBe(0);
  });
});

/**
 * A private single-user Nix store in the test's folder: no daemon, no /nix, no build users, no
 * sandbox, and no substituters (nothing is fetched from the network).
 */
async function nixStoreEnv(dir: string): Promise<NodeJS.ProcessEnv> {
  const conf = path.join(dir, 'nix-conf');
  await fs.mkdir(conf, { recursive: true });
  await fs.writeFile(path.join(conf, 'nix.conf'), 'build-users-group =\nsubstituters =\nsandbox = false\n');
  return {
    NIX_STORE_DIR: path.join(dir, 'nix', 'store'),
    NIX_STATE_DIR: path.join(dir, 'nix', 'var'),
    NIX_LOG_DIR: path.join(dir, 'nix', 'log'),
    NIX_CONF_DIR: conf,
    NIX_REMOTE: '',
  };
}

/** A processes model (Nix) whose components are derivations built with /bin/sh (no nixpkgs). */
const DERIVATION_MODEL = `
{ stateDir ? null }:
let
  component = name: builder: builtins.derivation {
    inherit name;
    system = builtins.currentSystem;
    builder = "/bin/sh";
    script = ''
      #!/bin/sh
      echo "\${name} starting"
      sh -c 'echo $$ > "$DYSNOMIA_PID_FILE"; exec sleep 1000' &
    '';
    args = [ "-c" builder ];
  };
  good = "/bin/mkdir -p $out/bin && printf '%s' \\"$script\\" > $out/bin/$name && /bin/chmod +x $out/bin/$name";
in {
  hello = { pkg = component "hello-daemon" good; };
  web = { pkg = component "web-daemon" (if builtins.getEnv "BREAK_WEB" == "1" then "echo 'web: the build broke on purpose' >&2; exit 3" else good); dependencies = [ "hello" ]; };
}
`;

describe('Nix components', () => {
  it('builds derivation pkgs once before the transition, deploys their store paths, and a failed build stops nothing', async () => {
    const dir = await workDir();
    const env = await nixStoreEnv(dir);
    const file = path.join(dir, 'processes.nix');
    await fs.writeFile(file, DERIVATION_MODEL);

    const dry = await runBin('dydisnix-processes-switch', [...state(dir), '--dry-run', file], { env });
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stderr).toMatch(/Dry run: would build .*-hello-daemon \(processes\.hello\.pkg\)/);
    await expect(fs.readdir(env.NIX_STORE_DIR!).catch(() => [])).resolves.not.toContainEqual(expect.stringMatching(/-hello-daemon$/));

    const deployed = await runBin('dydisnix-processes-switch', [...state(dir), file], { env });
    expect(deployed.code, deployed.stderr).toBe(0);
    expect(deployed.stderr.match(/Building 2 components: hello, web\.\.\./g)).toHaveLength(1);
    const query = JSON.parse((await runBin('dydisnix-query', [...state(dir), '--output-json'], { env })).stdout) as QueryJson;
    const services = query.targets[0]!.services;
    expect(services.map((s) => s.status)).toEqual(['running', 'running']);
    for (const s of services) expect(s.component).toMatch(new RegExp(`^${env.NIX_STORE_DIR}/[0-9a-z]{32}-${s.service}-daemon$`));
    const recorded = JSON.parse(await fs.readFile(path.join(dir, 'state', 'test', 'manifest.json'), 'utf8')) as { services: Record<string, { pkg: string }> };
    expect(recorded.services.web!.pkg).toBe(services[1]!.component);
    const hello = await pidOf(dir, 'hello-daemon');
    expect(alive(hello)).toBe(true);

    // The same model again: built already, nothing rebuilt or restarted.
    const again = await runBin('dydisnix-processes-switch', [...state(dir), file], { env });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).not.toMatch(/Building/);
    expect(again.stderr).toMatch(/0 activated, 0 deactivated, 2 unchanged/);

    const broken = await runBin('dydisnix-processes-switch', [...state(dir), '--show-trace', file], { env: { ...env, BREAK_WEB: '1' } });
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/nix-build failed \(exit status \d+\); nothing was deployed or stopped/);
    expect(broken.stderr).toMatch(/web: the build broke on purpose/);
    expect(broken.stderr).not.toMatch(/Deactivating|Activating/);
    const after = await runBin('dydisnix-query', state(dir), { env });
    expect(after.code, after.stdout).toBe(0);
    expect((await runBin('dydisnix-processes-switch', [...state(dir), '--undeploy'], { env })).code).toBe(0);
  });
  it('dydisnix-env builds the derivation pkg of a Nix services model and deploys its store path', async () => {
    const dir = await workDir();
    const env = await nixStoreEnv(dir);
    await fs.writeFile(
      path.join(dir, 'services.nix'),
      `{ system, pkgs, distribution, invDistribution }: {
  web = {
    name = "web"; type = "process";
    pkg = builtins.derivation { name = "web"; inherit system; builder = "/bin/sh";
      script = "#!/bin/sh\\nsh -c 'echo $$ > \\"$DYSNOMIA_PID_FILE\\"; exec sleep 1000' &\\n";
      args = [ "-c" "/bin/mkdir -p $out/bin && printf '%s' \\"$script\\" > $out/bin/web && /bin/chmod +x $out/bin/web" ]; };
  };
}
`,
    );
    await fs.writeFile(path.join(dir, 'infra.json'), JSON.stringify({ t1: { properties: { hostname: 't1' }, containers: { process: { runtimeDir: path.join(dir, 'run') } } } }));
    await fs.writeFile(path.join(dir, 'qos.json'), JSON.stringify({ pipeline: [{ filter: 'divideRoundRobin' }] }));
    const args = ['-s', path.join(dir, 'services.nix'), '-i', path.join(dir, 'infra.json'), '-q', path.join(dir, 'qos.json'), ...state(dir)];
    const result = await runBin('dydisnix-env', args, { env });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/Building 1 component: web\.\.\./);
    const query = JSON.parse((await runBin('dydisnix-query', [...state(dir), '--output-json'], { env })).stdout) as QueryJson;
    expect(query.targets[0]!.services[0]).toMatchObject({ service: 'web', status: 'running', component: expect.stringMatching(new RegExp(`^${env.NIX_STORE_DIR}/[0-9a-z]{32}-web$`)) });
    expect((await runBin('dydisnix-env', ['--undeploy', ...state(dir)], { env })).code).toBe(0);
  });
  it('a JSON model can deploy a store derivation (.drv): it is realised with nix-store --realise', async () => {
    const dir = await workDir();
    const env = await nixStoreEnv(dir);
    const expr = path.join(dir, 'drv.nix');
    await fs.writeFile(
      expr,
      `builtins.derivation { name = "drvd"; system = builtins.currentSystem; builder = "/bin/sh";
  script = "#!/bin/sh\\nsh -c 'echo $$ > \\"$DYSNOMIA_PID_FILE\\"; exec sleep 1000' &\\n";
  args = [ "-c" "/bin/mkdir -p $out/bin && printf '%s' \\"$script\\" > $out/bin/drvd && /bin/chmod +x $out/bin/drvd" ]; }
`,
    );
    const drv = await new Promise<string>((resolve, reject) =>
      execFile('nix-instantiate', [expr], { env: { ...process.env, ...env } }, (error, stdout, stderr) => (error ? reject(new Error(stderr)) : resolve(stdout.trim()))),
    );
    expect(drv).toMatch(/\.drv$/);
    const file = await model(dir, { drvd: { pkg: drv } });
    const result = await runBin('dydisnix-processes-switch', [...state(dir), file], { env });
    expect(result.code, result.stderr).toBe(0);
    const recorded = JSON.parse(await fs.readFile(path.join(dir, 'state', 'test', 'manifest.json'), 'utf8')) as { services: Record<string, { pkg: string }> };
    expect(recorded.services.drvd!.pkg).toMatch(new RegExp(`^${env.NIX_STORE_DIR}/[0-9a-z]{32}-drvd$`));
    expect(alive(await pidOf(dir, 'drvd'))).toBe(true);
    expect((await runBin('dydisnix-processes-switch', [...state(dir), '--undeploy'], { env })).code).toBe(0);
  });
});

describe('bad input', () => {
  it('a missing pkg folder is a model error in a dry run and before anything is activated', async () => {
    const dir = await workDir();
    const a = await component(dir, 'a');
    const file = await model(dir, { a: { pkg: a }, b: { pkg: 'pkgs/nothing-here', dependencies: ['a'] } });
    for (const extra of [['--dry-run'], []]) {
      const result = await runBin('dydisnix-processes-switch', [...state(dir), ...extra, file]);
      expect(result.code).toBe(2);
      expect(result.stderr).toBe(`dydisnix-processes-switch: ${file}: processes.b.pkg: the component ${path.join(dir, 'pkgs', 'nothing-here')} does not exist\n`);
    }
    await expect(fs.access(path.join(dir, 'state', 'run', 'a.pid'))).rejects.toThrow();
  });
});
