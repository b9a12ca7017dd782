import { describe, expect, it } from 'vitest';
import { DeployProgress, StatusLine, formatPhases, transferLine } from './progress.js';
import type { Unit } from './manifest.js';

/** A stand-in for a terminal: records what was written (escape sequences included). */
function fakeTerminal(columns = 40): NodeJS.WriteStream & { output: string } {
  const stream = {
    output: '',
    columns,
    write(chunk: string, callback?: () => void) {
      stream.output += chunk;
      callback?.();
      return true;
    },
  };
  return stream as unknown as NodeJS.WriteStream & { output: string };
}

const unit = (service: string, target = 't1'): Unit => ({
  key: `${service}@${target}/process`,
  service,
  target,
  container: 'process',
  type: 'process',
  pkg: `/pkgs/${service}`,
  containerProperties: {},
  environment: {},
  orderAfter: [],
  fingerprint: service,
});

describe('progress', () => {
  it('counts jobs in the line prefix and lists the running ones on the status line', () => {
    const terminal = fakeTerminal(60);
    const status = new StatusLine(terminal);
    const progress = new DeployProgress(3, status);
    expect(progress.label(unit('db'), 'activate')).toBe('[1/3] ');
    progress.jobStarted(unit('db'), 'activate');
    status.print('[1/3] [target: t1]: Activating service db (process)');
    // The status line is cleared before a log line and drawn again below it.
    expect(terminal.output).toMatch(/\[1\/3\] \[target: t1\]: Activating service db \(process\)\n.*\[1\/3\] running: db@t1 \(\d+\.\d s\)/s);
    progress.jobDone(unit('db'), 'activate');
    expect(progress.label(unit('web'), 'activate')).toBe('[2/3] ');
    expect(progress.label(unit('a'), 'deactivate')).toBe('[3/3] ');
    // A rollback adds jobs: the total grows instead of the counter passing it.
    expect(progress.label(unit('a'), 'activate')).toBe('[4/4] ');
    progress.finish();
    expect(terminal.output).toMatch(/\x1b\[2K\x1b\[1G$/); // the status line is erased at the end
    const phases = progress.phases();
    expect(phases.map((p) => p.phase)).toEqual(['prepare', 'activate']);
    expect(phases[1]!.jobs).toBe(1);
  });

  it('without a terminal, lines are plain and nothing is redrawn', () => {
    const progress = new DeployProgress(1);
    expect(progress.label(unit('db'), 'activate')).toBe('[1/1] ');
    progress.finish();
  });

  it('formats phases and transfers', () => {
    expect(formatPhases([{ phase: 'prepare', seconds: 0.123 }, { phase: 'activate', seconds: 2, jobs: 1 }])).toBe('prepare 0.12 s, activate 2.00 s (1 job)');
    expect(transferLine('t1', 'web', 1536, 3 * 1024 * 1024)).toBe('[target: t1]: Transferring web: 1.5 KiB / 3.0 MiB (0%)');
    expect(transferLine('t1', 'web', 512, 1024)).toBe('[target: t1]: Transferring web: 512 B / 1.0 KiB (50%)');
  });
});
