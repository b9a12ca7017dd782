/**
 * JSON input. JSON.parse silently keeps the last of duplicate keys, and duplicate names are a model
 * error, so a small scanner checks for them first and reports the model path of the duplicate.
 */
import { ModelError } from '../../errors.js';
import { modelPath as joinPath } from '../path.js';
import { checkPlain } from '../plain.js';

export function parseJsonDocument(text: string, file: string, root: string): unknown {
  // A UTF-8 byte order mark (some editors write one) is not JSON, but RFC 8259 lets parsers ignore it;
  // detection by content already does.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ModelError(file, undefined, `invalid JSON: ${(error as Error).message}`);
  }
  // The exact scanner is slow on 100k-entry models; it only runs when the cheap count says a key
  // may have been swallowed by JSON.parse. The depth and `__proto__` check counts the keys it walks.
  const keys = checkPlain(value, file, root);
  const duplicate = keyTokensInText(text) === keys ? undefined : findDuplicateKey(text);
  if (duplicate) {
    throw new ModelError(file, joinPath(root, duplicate.path), `duplicate name "${duplicate.key}"`);
  }
  return value;
}


/**
 * An upper bound of the number of object keys in valid JSON text: every key is a string closed by
 * `"`, then optional whitespace, then `:`. (A `\":` inside a string value can only over-count.)
 */
export function keyTokensInText(text: string): number {
  let count = 0;
  for (let i = text.indexOf(':'); i !== -1; i = text.indexOf(':', i + 1)) {
    let j = i - 1;
    while (j >= 0 && (text.charCodeAt(j) === 0x20 || text.charCodeAt(j) === 0x0a || text.charCodeAt(j) === 0x0d || text.charCodeAt(j) === 0x09)) j--;
    if (j >= 0 && text.charCodeAt(j) === 0x22) count++;
  }
  return count;
}

/** Keys of every object in a parsed JSON value (iterative: any depth). */
export function countKeys(value: unknown): number {
  return checkPlain(value, undefined, '', Infinity);
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
