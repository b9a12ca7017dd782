/**
 * Deployment progress (docs/deploy.md, "Progress"): job lines carry a counter (`[12/40] [target: t1]:
 * Activating service web`), the summary gives the time per phase, and on a terminal a status line
 * at the bottom shows what runs now, redrawn in place (plain lines when stderr is not a TTY, or with
 * `--no-progress`).
 *
 * The status line uses node:readline's cursor helpers: log-update, the usual library, cost about
 * 0.3–0.5 s more to import than node:readline on this machine (load ~19, docs/BENCHMARKS.md), which
 * is more than a whole small deployment.
 */
import { clearLine, cursorTo } from 'node:readline';
import type { Unit } from './manifest.js';
import type { Direction } from './transition.js';

/** Writes lines to a stream, keeping one status line below them on a terminal. */
export class StatusLine {
  private status = '';
  private timer: NodeJS.Timeout | undefined;
  private render: (() => string) | undefined;

  constructor(private readonly stream: NodeJS.WriteStream) {}

  /** A log line: printed above the status line. */
  print(line: string): void {
    this.clear();
    this.stream.write(`${line}\n`);
    this.draw();
  }

  /** Show `render()` (redrawn every 200 ms, for elapsed times) until `stop()`. */
  show(render: () => string): void {
    this.render = render;
    this.draw();
    this.timer ??= setInterval(() => this.draw(), 200);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.render = undefined;
    this.clear();
  }

  private clear(): void {
    if (this.status === '') return;
    clearLine(this.stream, 0);
    cursorTo(this.stream, 0);
    this.status = '';
  }

  private draw(): void {
    if (!this.render) return;
    const columns = this.stream.columns || 80;
    const text = this.render();
    const line = text.length >= columns ? `${text.slice(0, columns - 2)}…` : text;
    cursorTo(this.stream, 0);
    this.stream.write(line);
    clearLine(this.stream, 1);
    this.status = line;
  }
}

export interface PhaseTime {
  phase: string;
  seconds: number;
  jobs?: number;
}

/** Counts the jobs of one deployment and times its phases. */
export class DeployProgress {
  private started = 0;
  private total: number;
  private readonly running = new Map<string, string>();
  private readonly phaseStart = new Map<string, number>();
  private readonly phaseEnd = new Map<string, number>();
  private readonly phaseJobs = new Map<string, number>();
  private readonly since = performance.now();

  constructor(
    total: number,
    private readonly status?: StatusLine,
  ) {
    this.total = total;
    status?.show(() => this.statusText());
  }

  /** The prefix of a job's line; counts the job. */
  readonly label = (_unit: Unit, _direction: Direction): string => {
    this.started++;
    this.total = Math.max(this.total, this.started);
    return `[${this.started}/${this.total}] `;
  };

  readonly jobStarted = (unit: Unit, direction: Direction): void => {
    const now = performance.now();
    if (!this.phaseStart.has(direction)) this.phaseStart.set(direction, now);
    this.running.set(`${direction} ${unit.key}`, `${unit.service}@${unit.target}`);
  };

  readonly jobDone = (unit: Unit, direction: Direction): void => {
    this.running.delete(`${direction} ${unit.key}`);
    this.phaseEnd.set(direction, performance.now());
    this.phaseJobs.set(direction, (this.phaseJobs.get(direction) ?? 0) + 1);
  };

  /** Time per phase: what came before the first job, deactivation, activation. */
  phases(): PhaseTime[] {
    const first = Math.min(...[...this.phaseStart.values(), performance.now()]);
    const out: PhaseTime[] = [{ phase: 'prepare', seconds: (first - this.since) / 1000 }];
    for (const direction of ['deactivate', 'activate'] as const) {
      const start = this.phaseStart.get(direction);
      if (start === undefined) continue;
      out.push({ phase: direction, seconds: ((this.phaseEnd.get(direction) ?? performance.now()) - start) / 1000, jobs: this.phaseJobs.get(direction) ?? 0 });
    }
    return out;
  }

  finish(): void {
    this.status?.stop();
  }

  private statusText(): string {
    const names = [...this.running.values()];
    const elapsed = ((performance.now() - this.since) / 1000).toFixed(1);
    return `[${this.started}/${this.total}] ${names.length > 0 ? `running: ${names.join(', ')}` : 'waiting'} (${elapsed} s)`;
  }
}

export function formatPhases(phases: PhaseTime[]): string {
  return phases.map((p) => `${p.phase} ${p.seconds.toFixed(2)} s${p.jobs !== undefined ? ` (${p.jobs} job${p.jobs === 1 ? '' : 's'})` : ''}`).join(', ');
}

const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
function bytes(n: number): string {
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${n} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/** The line of a transfer to a target (for transports that copy components: bytes done / total). */
export function transferLine(target: string, what: string, done: number, total: number): string {
  return `[target: ${target}]: Transferring ${what}: ${bytes(done)} / ${bytes(total)}${total > 0 ? ` (${Math.floor((done / total) * 100)}%)` : ''}`;
}
