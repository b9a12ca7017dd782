/** Reading model inputs: a path, or `-` for stdin. */
import { promises as fs, type Stats } from 'node:fs';
import { ModelError } from '../errors.js';

/**
 * The text of a model file, or of stdin for `-`. Only regular files are read: a FIFO, device or
 * socket may never end (opening a FIFO alone blocks until a writer comes), so it is refused before
 * it is opened; a pipe is given as `-` (docs/limits.md).
 */
export async function readText(file: string): Promise<string> {
  if (file === '-' || file === '/dev/stdin') return readStdin();
  try {
    await refuseSpecialFile(file);
    return await fs.readFile(file, 'utf8');
  } catch (error) {
    if (error instanceof ModelError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : String((error as Error).message);
    throw new ModelError(file, undefined, `cannot read: ${why}`);
  }
}

/**
 * A ModelError when `file` exists and is a FIFO, device or socket (see readText); checked before
 * opening, which alone can block. Missing files and directories are left to the read's own error.
 */
export async function refuseSpecialFile(file: string): Promise<void> {
  let stats: Stats;
  try {
    stats = await fs.stat(file);
  } catch {
    return;
  }
  if (!stats.isFile() && !stats.isDirectory()) {
    throw new ModelError(file, undefined, `cannot read: not a regular file (a ${fileKind(stats)}); give a pipe's output as - (stdin)`);
  }
}

function fileKind(stats: Stats): string {
  if (stats.isFIFO()) return 'FIFO';
  if (stats.isCharacterDevice()) return 'character device';
  if (stats.isBlockDevice()) return 'block device';
  if (stats.isSocket()) return 'socket';
  return 'special file';
}

let stdinText: Promise<string> | undefined;
/** stdin can be read once; several `-` options share the same text. */
export function readStdin(): Promise<string> {
  stdinText ??= (async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  })();
  return stdinText;
}
