/**
 * Text formats of the activation layer: container properties as environment variables, `key=value`
 * config files (container configs, the process module's config, component environment files), and
 * the shell-free word splitting of a `process=` command.
 */
import type { Value } from '../model/value.js';

/**
 * One property value as an environment variable (reference §6.1): strings as they are, numbers in
 * decimal, booleans as `1` or empty, lists space-separated (each element encoded the same way).
 * Attribute sets have no Dysnomia encoding; they are passed as JSON.
 */
export function encodeProperty(value: Value): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isInteger(value) ? BigInt(value).toString() : String(value);
  if (typeof value === 'boolean') return value ? '1' : '';
  if (Array.isArray(value)) return value.map(encodeProperty).join(' ');
  return JSON.stringify(value);
}

/** Container properties → environment variables. Names that are not valid variable names are rejected. */
export function propertiesToEnv(properties: Record<string, Value>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(properties)) {
    if (!isEnvName(key)) throw new Error(`container property "${key}" is not a valid environment variable name`);
    env[key] = encodeProperty(value);
  }
  return env;
}

export function isEnvName(name: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name);
}

export interface KeyValueOptions {
  /** Variables for `$NAME` / `${NAME}` expansion in unquoted and double-quoted values. */
  vars?: Record<string, string | undefined>;
  /** File name for messages. */
  file?: string;
}

/**
 * Parse `key=value` lines the way a shell would source simple assignments: blank lines and `#`
 * comments are skipped, an optional `export ` prefix is allowed, values may be single-quoted (literal),
 * double-quoted or bare; `$NAME` and `${NAME}` expand (from earlier keys first, then `vars`) outside
 * single quotes. No command substitution, no globbing.
 */
export function parseKeyValue(text: string, options: KeyValueOptions = {}): Record<string, string> {
  const result: Record<string, string> = {};
  const lookup = (name: string) => result[name] ?? options.vars?.[name] ?? '';
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (!match) {
      throw new Error(`${options.file ?? 'config'}:${index + 1}: expected key=value, got: ${line}`);
    }
    const words = splitWords(match[2]!, lookup);
    result[match[1]!] = words.join(' ');
  });
  return result;
}

/**
 * Split a command line into words without a shell: whitespace separates words, single quotes are
 * literal, double quotes and backslashes escape, `$NAME`/`${NAME}` expand outside single quotes when
 * `lookup` is given.
 */
export function splitWords(text: string, lookup?: (name: string) => string): string[] {
  const words: string[] = [];
  let current = '';
  let inWord = false;
  let i = 0;
  const expand = (): boolean => {
    if (!lookup || text[i] !== '$') return false;
    const braced = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}/.exec(text.slice(i));
    const bare = braced ?? /^\$([A-Za-z_][A-Za-z0-9_]*)/.exec(text.slice(i));
    if (!bare) return false;
    current += lookup(bare[1]!);
    inWord = true;
    i += bare[0].length;
    return true;
  };
  while (i < text.length) {
    const c = text[i]!;
    if (c === ' ' || c === '\t') {
      if (inWord) words.push(current);
      current = '';
      inWord = false;
      i++;
    } else if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) throw new Error(`unterminated single quote in: ${text}`);
      current += text.slice(i + 1, end);
      inWord = true;
      i = end + 1;
    } else if (c === '"') {
      inWord = true;
      i++;
      for (;;) {
        if (i >= text.length) throw new Error(`unterminated double quote in: ${text}`);
        const d = text[i]!;
        if (d === '"') {
          i++;
          break;
        }
        if (d === '\\' && i + 1 < text.length && '"\\$`'.includes(text[i + 1]!)) {
          current += text[i + 1];
          i += 2;
        } else if (!expand()) {
          current += d;
          i++;
        }
      }
    } else if (c === '\\' && i + 1 < text.length) {
      current += text[i + 1];
      inWord = true;
      i += 2;
    } else if (c === '#' && !inWord) {
      break; // a trailing comment
    } else if (!expand()) {
      current += c;
      inWord = true;
      i++;
    }
  }
  if (inWord) words.push(current);
  return words;
}
