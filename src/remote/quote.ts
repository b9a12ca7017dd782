/**
 * The one way a command reaches a remote shell. OpenSSH joins its arguments with spaces and hands the
 * result to the target user's shell, so every word must be quoted there: `remoteCommand(argv)` turns
 * an argument array into a string that a POSIX shell splits back into exactly those words, with no
 * expansion of any kind. Nothing else in the remote layer may build a command string.
 */
import { UsageError } from '../errors.js';

/** Words made only of these characters need no quotes (kept readable in logs). */
const PLAIN = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** One word for a POSIX shell: single-quoted, each `'` written as `'\''`. NUL cannot be passed. */
export function shellQuote(word: string): string {
  if (word.includes('\0')) throw new UsageError('a remote command argument contains a NUL character');
  if (word !== '' && PLAIN.test(word)) return word;
  return `'${word.replaceAll("'", "'\\''")}'`;
}

/** An argument array as one remote command line (never empty). */
export function remoteCommand(argv: readonly string[]): string {
  if (argv.length === 0) throw new UsageError('empty remote command');
  return argv.map(shellQuote).join(' ');
}
