import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { findProcesses, isAlive, parseStat, readStat } from './proc.js';

describe('parseStat', () => {
  it('parses a stat line whose command name holds spaces and parentheses', () => {
    const line = '4242 (my (odd) name) S 1 4240 4240 0 -1 4194304 100 0 0 0 0 0 0 0 20 0 1 0 98765 1000 10 18446744073709551615';
    expect(parseStat(line)).toEqual({ pid: 4242, comm: 'my (odd) name', state: 'S', ppid: 1, pgrp: 4240, session: 4240, startTime: 98765 });
  });

  it('rejects garbage', () => {
    expect(parseStat('nonsense')).toBeUndefined();
  });
});

describe('live processes', () => {
  it('reads our own stat and sees a child come and go', async () => {
    expect(readStat(process.pid)?.pid).toBe(process.pid);
    const child = spawn('sleep', ['1000'], { stdio: 'ignore' });
    try {
      expect(isAlive(child.pid!)).toBe(true);
      expect(findProcesses((s) => s.pid === child.pid).map((s) => s.pid)).toEqual([child.pid]);
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
      expect(isAlive(child.pid!)).toBe(false);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
