/** Reading model inputs: a path, or `-` for stdin. */
import { promises as fs } from 'node:fs';
import { ModelError } from '../errors.js';

export async function readText(file: string): Promise<string> {
  if (file === '-') return readStdin();
  try {
    return await fs.readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : String((error as Error).message);
    throw new ModelError(file, undefined, `cannot read: ${why}`);
  }
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
