/**
 * Reading an IDs model from a JS services model, synchronously and without Nix: the JS counterpart of
 * `if builtins.pathExists ./ids.nix then (import ./ids.nix).ids else {}`.
 *
 *   import { readIdsSync } from 'dydisnix/dist/src/ids/read-ids.js';
 *   const ids = readIdsSync(new URL('./ids.nix', import.meta.url));
 *   export default () => ({ web: { name: 'web', port: ids.ports?.web ?? 0, requiresUniqueIdsFor: ['ports'] } });
 *
 * `.json` files are parsed as JSON. Anything else is read as a Nix attrset literal: the layout
 * dydisnix-id-assign (and the original C tool) writes, or a hand-written one with bare or quoted
 * names, dotted paths, integers and comments. Nothing is evaluated.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { checkPlain, MAX_DEPTH } from '../model/plain.js';

export type IdTables = Record<string, Record<string, number>>;
type NixValue = number | string | { [key: string]: NixValue };

/** The `ids` section of an IDs file (resource → service → id); `{}` when the file does not exist. */
export function readIdsSync(file: string | URL): IdTables {
  const model = readIdsModelSync(file);
  const ids = model?.ids;
  return ids && typeof ids === 'object' ? (ids as IdTables) : {};
}

/** The whole IDs model as a plain object, or undefined when the file does not exist. */
export function readIdsModelSync(file: string | URL): Record<string, unknown> | undefined {
  const filePath = typeof file === 'string' ? file : fileURLToPath(file);
  if (!existsSync(filePath)) return undefined;
  const text = readFileSync(filePath, 'utf8');
  const value: unknown = filePath.toLowerCase().endsWith('.json') ? JSON.parse(text) : parseNixAttrs(text, filePath);
  checkPlain(value, filePath, 'ids');
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new Error(`${filePath}: an IDs model must be an attrset`);
  return value as Record<string, unknown>;
}

const LITERAL_ONLY = ' (only literal IDs models can be read without Nix; write ids.json with --output-json otherwise)';
const TOKEN = /\s+|#[^\n]*|\/\*[\s\S]*?\*\/|(-?\d+)|"((?:[^"\\]|\\.)*)"|([A-Za-z_][A-Za-z0-9_'-]*)|([{}=;.])/y;

/** Parse a Nix attrset literal holding only attrsets, integers and strings. */
export function parseNixAttrs(text: string, file = '<input>'): Record<string, NixValue> {
  const tokens: { kind: 'int' | 'str' | 'id' | 'punct'; text: string; at: number }[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < text.length) {
    const at = TOKEN.lastIndex;
    const match = TOKEN.exec(text);
    if (!match) throw syntax(file, text, at, `unexpected ${JSON.stringify(text[at])}${LITERAL_ONLY}`);
    if (match[1] !== undefined) tokens.push({ kind: 'int', text: match[1], at });
    else if (match[2] !== undefined) tokens.push({ kind: 'str', text: unescape(match[2]), at });
    else if (match[3] !== undefined) tokens.push({ kind: 'id', text: match[3], at });
    else if (match[4] !== undefined) tokens.push({ kind: 'punct', text: match[4], at });
  }
  let position = 0;
  const peek = () => tokens[position];
  const expect = (punct: string) => {
    const token = tokens[position];
    if (token?.kind !== 'punct' || token.text !== punct) throw syntax(file, text, token?.at ?? text.length, `expected "${punct}"`);
    position++;
  };
  const name = (): string => {
    const token = tokens[position];
    if (token?.kind !== 'id' && token?.kind !== 'str') throw syntax(file, text, token?.at ?? text.length, 'expected an attribute name');
    position++;
    return token.text;
  };
  const value = (): NixValue => {
    const token = tokens[position];
    if (token?.kind === 'int') {
      position++;
      return Number(token.text);
    }
    if (token?.kind === 'str') {
      position++;
      return token.text;
    }
    if (token?.kind === 'punct' && token.text === '{') return attrs();
    throw syntax(file, text, token?.at ?? text.length, `expected an integer, a string or an attrset${LITERAL_ONLY}`);
  };
  let depth = 0;
  const attrs = (): Record<string, NixValue> => {
    // Recursive descent: bounded like every model reader (docs/limits.md).
    if (++depth > MAX_DEPTH) throw syntax(file, text, peek()?.at ?? text.length, `attrsets nested more than ${MAX_DEPTH} levels deep (the limit)`);
    expect('{');
    const out: Record<string, NixValue> = {};
    while (!(peek()?.kind === 'punct' && peek()!.text === '}')) {
      const path = [name()];
      while (peek()?.kind === 'punct' && peek()!.text === '.') {
        position++;
        path.push(name());
      }
      expect('=');
      const assigned = value();
      expect(';');
      let target = out;
      for (const key of path.slice(0, -1)) {
        const next = Object.hasOwn(target, key) ? target[key] : undefined;
        if (next === undefined) {
          const created: Record<string, NixValue> = {};
          define(target, key, created);
          target = created;
        } else if (typeof next === 'object') target = next;
        else throw syntax(file, text, 0, `attribute "${path.join('.')}" defined twice`);
      }
      const last = path[path.length - 1]!;
      if (Object.hasOwn(target, last)) throw syntax(file, text, 0, `attribute "${path.join('.')}" defined twice`);
      define(target, last, assigned);
    }
    expect('}');
    depth--;
    return out;
  };
  const result = attrs();
  if (position !== tokens.length) throw syntax(file, text, tokens[position]!.at, 'unexpected text after the attrset');
  return result;
}

/** Own data property, also for names like `__proto__`. */
function define(target: Record<string, NixValue>, key: string, value: NixValue): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function unescape(body: string): string {
  return body.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : c === 'r' ? '\r' : c));
}

function syntax(file: string, text: string, at: number, message: string): Error {
  const line = text.slice(0, at).split('\n').length;
  return new Error(`${file}:${line}: ${message}`);
}
