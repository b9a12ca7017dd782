/**
 * Atomic output: write a temp file beside the destination, then rename over it. A failed run never
 * truncates the destination, even when it is also the input (`--ids ids.nix --output-file ids.nix`).
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { OutputError, UsageError } from '../errors.js';

/** Errors of the path itself: the user chose a place we cannot write (exit 2). */
const PATH_PROBLEMS: Record<string, string> = {
  ENOENT: 'a folder on the way does not exist',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EISDIR: 'it is a folder',
  EEXIST: 'a file is in the way',
  EACCES: 'permission denied',
  EPERM: 'not permitted',
  EROFS: 'read-only file system',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'the name is too long',
};

/**
 * The typed error for a failed write of `file` (the path the user gave): a UsageError naming it when
 * the path is the problem, an OutputError otherwise (e.g. ENOSPC). The errno code stays on `code`
 * for callers that tell cases apart.
 */
export function outputError(file: string, error: unknown): UsageError | OutputError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const problem = code === undefined ? undefined : PATH_PROBLEMS[code];
  const reason = problem ?? (error instanceof Error ? error.message.replace(/, \w+ '[^']*'$/, '') : String(error));
  const typed = problem ? new UsageError(`cannot write ${file}: ${reason}`) : new OutputError(`cannot write ${file}: ${reason}`);
  return Object.assign(typed, { code });
}

/**
 * `mkdir -p` of an output folder, failing with the typed error of `outputError`. Done one level at a
 * time: Node's recursive mkdir loops forever on some paths (`/proc/x`).
 */
export async function makeOutputDir(dir: string): Promise<void> {
  try {
    const missing: string[] = [];
    for (let at = path.resolve(dir); ; ) {
      const stats = await fs.stat(at).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') throw error;
        return undefined;
      });
      if (stats && !stats.isDirectory()) throw Object.assign(new Error(`${at} is not a folder`), { code: missing.length === 0 ? 'EEXIST' : 'ENOTDIR' });
      if (stats) break;
      missing.push(at);
      const parent = path.dirname(at);
      if (parent === at) break;
      at = parent;
    }
    for (const folder of missing.reverse()) {
      await fs.mkdir(folder).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'EEXIST') throw error;
      });
    }
  } catch (error) {
    throw outputError(dir, error);
  }
}

export async function writeFileAtomic(file: string, content: string | Uint8Array, mode?: number): Promise<void> {
  // A symlink (e.g. ids.nix linked into a configuration repository) stays a link: the file it
  // points to is replaced, not the link by a detached copy.
  const destination = await fs.realpath(file).catch(() => file);
  const dir = path.dirname(path.resolve(destination));
  const tmp = path.join(dir, `.${path.basename(destination)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await fs.writeFile(tmp, content, mode === undefined ? {} : { mode });
    // Keep the permissions of a file we replace.
    if (mode === undefined) {
      const previous = await fs.stat(destination).catch(() => undefined);
      if (previous) await fs.chmod(tmp, previous.mode & 0o7777);
    }
    await fs.rename(tmp, destination);
  } catch (error) {
    await fs.rm(tmp, { force: true }).catch(() => undefined);
    // Name the file the user asked for, not our temp file beside it.
    throw outputError(file, error);
  }
}

/** Print to stdout, or write atomically to `outputFile` when given. */
export async function emit(text: string, outputFile?: string): Promise<void> {
  if (outputFile === undefined || outputFile === '-') {
    await new Promise<void>((resolve, reject) => {
      process.stdout.write(text, (error) => (error ? reject(error) : resolve()));
    });
  } else {
    await writeFileAtomic(outputFile, text);
  }
}
