/**
 * JSON input. JSON.parse silently keeps the last of duplicate keys, and duplicate names are a model
 * error, so a small scanner checks for them first and reports the model path of the duplicate.
 */
import { ModelError } from '../../errors.js';
import { modelPath as joinPath } from '../path.js';

export function parseJsonDocument(text: string, file: string, root: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ModelError(file, undefined, `invalid JSON: ${(error as Error).message}`);
  }
  const duplicate = findDuplicateKey(text);
  if (duplicate) {
    throw new ModelError(file, joinPath(root, duplicate.path), `duplicate name "${duplicate.key}"`);
  }
  return value;
}


interface Frame {
  kind: 'object' | 'array';
  keys: Set<string>;
  index: number;
  /** the key or index under which this container sits in its parent */
  at: string | number | undefined;
  pendingKey: string | undefined;
}

/** Walks already-valid JSON; returns the first duplicate key with the path of its object. */
export function findDuplicateKey(text: string): { key: string; path: (string | number)[] } | undefined {
  const stack: Frame[] = [];
  let i = 0;
  const n = text.length;
  const pathOf = () => stack.slice(1).map((frame) => frame.at!) as (string | number)[];
  const currentSlot = (): string | number | undefined => {
    const top = stack[stack.length - 1];
    if (!top) return undefined;
    return top.kind === 'object' ? top.pendingKey : top.index;
  };
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      stack.push({ kind: c === 0x7b ? 'object' : 'array', keys: new Set(), index: 0, at: currentSlot(), pendingKey: undefined });
      i++;
    } else if (c === 0x7d || c === 0x5d) {
      stack.pop();
      i++;
    } else if (c === 0x22 /* " */) {
      let j = i + 1;
      let escaped = false;
      while (j < n) {
        const d = text.charCodeAt(j);
        if (d === 0x5c) j += 2, (escaped = true);
        else if (d === 0x22) break;
        else j++;
      }
      const top = stack[stack.length - 1];
      // A string followed by ':' is a key.
      let k = j + 1;
      while (k < n && /\s/.test(text[k]!)) k++;
      if (top && top.kind === 'object' && text[k] === ':') {
        const key = escaped ? (JSON.parse(text.slice(i, j + 1)) as string) : text.slice(i + 1, j);
        if (top.keys.has(key)) return { key, path: pathOf() };
        top.keys.add(key);
        top.pendingKey = key;
        i = k + 1;
      } else {
        i = j + 1;
      }
    } else if (c === 0x2c /* , */) {
      const top = stack[stack.length - 1];
      if (top && top.kind === 'array') top.index++;
      i++;
    } else {
      i++;
    }
  }
  return undefined;
}
