/**
 * The target side: our Dysnomia modules (libexec/dysnomia) are put on a target under
 * `<root>/modules/<content hash>`, so versions never mix and an unchanged target gets nothing. The
 * tree travels as a tar stream over the connection into a private temp folder next to the final one,
 * renamed into place only when complete.
 */
import { ActivationError } from '../errors.js';
import { OUR_MODULES_DIR } from '../activation/lookup.js';
import { contentHash } from '../deploy/manifest.js';
import type { SshConnections, SshTarget } from './ssh.js';

// $1 = root, $2 = hash. Prints "present" or "installed". Constant text: the values arrive as arguments.
const INSTALL = [
  'set -eu',
  'final="$1/modules/$2"',
  'if [ -d "$final" ]; then cat >/dev/null; echo present; exit 0; fi',
  'mkdir -p -m 0700 "$1/modules"',
  'tmp=$(mktemp -d "$1/modules/.incoming.XXXXXX")',
  'trap \'rm -rf "$tmp"\' EXIT',
  'tar -x -C "$tmp" -f -',
  'mv -T "$tmp" "$final" 2>/dev/null || [ -d "$final" ]',
  'trap - EXIT',
  'echo installed',
].join('\n');

export interface InstalledModules {
  dir: string;
  installed: boolean;
}

/** Make sure the target has our modules; returns their folder on the target. */
export async function installModules(ssh: SshConnections, target: SshTarget, root: string): Promise<InstalledModules> {
  const hash = (await contentHash(OUR_MODULES_DIR)).slice(0, 32);
  const check = await ssh.run(target, ['test', '-d', `${root}/modules/${hash}`]);
  if (check.exitCode === 255) throw new ActivationError(`target ${target.name}: cannot connect: ${check.stderr.trim()}`);
  if (check.exitCode !== 0) {
    const { execa } = await import('execa');
    const tar = await execa('tar', ['-c', '-C', OUR_MODULES_DIR, '.'], { encoding: 'buffer', stdin: 'ignore' });
    const result = await ssh.run(target, ['bash', '-c', INSTALL, 'bash', root, hash], Buffer.from(tar.stdout));
    if (result.exitCode !== 0) throw new ActivationError(`target ${target.name}: installing the Dysnomia modules failed (exit ${result.exitCode}): ${result.stderr.trim()}`);
    return { dir: `${root}/modules/${hash}`, installed: result.stdout.trim() === 'installed' };
  }
  return { dir: `${root}/modules/${hash}`, installed: false };
}
