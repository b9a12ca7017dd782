/**
 * The target side: our Dysnomia modules (libexec/dysnomia) are put on a target under
 * `<root>/modules/<content hash>`, so versions never mix and an unchanged target gets nothing. A tree
 * (the modules, a component) travels as a tar stream over the connection into a private temp folder
 * next to the final one, renamed into place only when complete: a half-sent tree is never used.
 */
import { ActivationError } from '../errors.js';
import { OUR_MODULES_DIR } from '../activation/lookup.js';
import { contentHash } from '../deploy/manifest.js';
import { UnreachableError, type RemoteShell } from './shell.js';

// $1 = parent folder, $2 = name. Prints "present" or "installed". Constant text: the values arrive as arguments.
const INSTALL = [
  'set -eu',
  'final="$1/$2"',
  'if [ -d "$final" ]; then cat >/dev/null; echo present; exit 0; fi',
  'mkdir -p -m 0700 "$1"',
  'tmp=$(mktemp -d "$1/.incoming.XXXXXX")',
  'trap \'rm -rf "$tmp"\' EXIT',
  'tar -x -C "$tmp" -f -',
  'chmod 0755 "$tmp"',
  'mv -T "$tmp" "$final" 2>/dev/null || [ -d "$final" ]',
  'trap - EXIT',
  'echo installed',
].join('\n');

/** Pack a local folder as a tar stream (file modes and symlinks kept, owners not). */
export async function packTree(dir: string): Promise<Buffer> {
  const { execa } = await import('execa');
  const tar = await execa('tar', ['-c', '--numeric-owner', '-C', dir, '.'], { encoding: 'buffer', stdin: 'ignore', reject: false });
  if (tar.exitCode !== 0) throw new ActivationError(`cannot pack ${dir}: ${Buffer.from(tar.stderr ?? []).toString().trim()}`);
  return Buffer.from(tar.stdout);
}

/** Send a local folder to `<parent>/<name>` on the target unless it is there; returns the bytes sent. */
export async function installTree(shell: RemoteShell, localDir: string, parent: string, name: string, what: string): Promise<number> {
  const stream = await packTree(localDir);
  const result = await shell.run(['bash', '-c', INSTALL, 'bash', parent, name], stream);
  if (result.exitCode === 255 && !(await shell.reachable())) throw new UnreachableError(shell.name, result.stderr.trim() || 'the connection was lost');
  if (result.exitCode !== 0) throw new ActivationError(`target ${shell.name}: copying ${what} failed (exit status ${result.exitCode}): ${result.stderr.trim()}`);
  return result.stdout.trim() === 'installed' ? stream.length : 0;
}

export interface InstalledModules {
  dir: string;
  installed: boolean;
  /** Bytes sent (0 when the target had them). */
  bytes: number;
}

/** The folder name of our modules on a target: the first 32 hex digits of their content hash. */
export async function modulesVersion(): Promise<string> {
  return (await contentHash(OUR_MODULES_DIR)).slice(0, 32);
}

/** Make sure the target has our modules; returns their folder on the target. */
export async function installModules(shell: RemoteShell, root: string): Promise<InstalledModules> {
  const hash = await modulesVersion();
  const dir = `${root}/modules/${hash}`;
  const check = await shell.run(['test', '-d', dir]);
  if (check.exitCode === 255 && !(await shell.reachable())) throw new UnreachableError(shell.name, check.stderr.trim() || 'cannot connect');
  if (check.exitCode === 0) return { dir, installed: false, bytes: 0 };
  const bytes = await installTree(shell, OUR_MODULES_DIR, `${root}/modules`, hash, 'the Dysnomia modules');
  return { dir, installed: bytes > 0, bytes };
}
