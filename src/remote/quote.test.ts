import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { remoteCommand, shellQuote } from './quote.js';

const nasty = ['', ' ', "it's", '$(touch /tmp/pwned)', '`id`', '"$HOME"', 'a\nb', '*', '~', '-n', '\\', "'", "''", 'x;y|z&', '!#', '\t', 'ü€'];

describe('shellQuote / remoteCommand', () => {
  it('leaves plain words readable and quotes everything else', () => {
    expect(shellQuote('abc/def-1.2')).toBe('abc/def-1.2');
    expect(shellQuote('')).toBe("''");
    expect(shellQuote("it's")).toBe("'it'\\''s'");
    expect(shellQuote('$x')).toBe("'$x'");
  });

  it('a shell splits the command back into exactly the words given, expanding nothing', async () => {
    for (const shell of ['sh', 'bash']) {
      const line = remoteCommand(['printf', '%s\\0', ...nasty]);
      const { stdout } = await execa(shell, ['-c', line], { stripFinalNewline: false });
      expect(stdout.split('\0').slice(0, -1)).toEqual(nasty);
    }
  });

  it('refuses NUL and empty commands', () => {
    expect(() => shellQuote('a\0b')).toThrow(/NUL/);
    expect(() => remoteCommand([])).toThrow(/empty/);
  });
});
