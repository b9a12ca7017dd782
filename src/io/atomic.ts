/**
 * Atomic output: write a temp file beside the destination, then rename over it. A failed run never
 * truncates the destination, even when it is also the input (`--ids ids.nix --output-file ids.nix`).
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';

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
    await fs.rm(tmp, { force: true });
    // Name the file the user asked for, not our temp file beside it.
    const reason = (error as Error).message.replace(/, \w+ '[^']*'$/, '');
    throw Object.assign(new Error(`cannot write ${file}: ${reason}`), { code: (error as NodeJS.ErrnoException).code });
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
