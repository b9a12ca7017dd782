/**
 * Generic property values, the JSON image of the original "typed values" (string, int, float, bool,
 * list, attrs). Integers and floats are both `number`; the XML writer uses `int` for integral values.
 */
export type Value = string | number | boolean | Value[] | Attrs;
export interface Attrs {
  [key: string]: Value;
}

export function isAttrs(value: unknown): value is Attrs {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A Value, or null (accepted in documents and dropped on conversion, as the original drops nulls). */
export function isGenericValue(value: unknown): boolean {
  if (value === null) return true;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value);
    case 'object':
      if (Array.isArray(value)) return value.every(isGenericValue);
      if (Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null) return false;
      return Object.values(value as object).every(isGenericValue);
    default:
      return false;
  }
}

/** Byte-wise (code unit) comparison, the order of Nix `attrNames`; never locale-dependent. */
export function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function sortedKeys(record: object): string[] {
  const keys = Object.keys(record);
  // Models usually arrive sorted (our own outputs, Nix attrsets): skip the comparator sort then.
  for (let i = 1; i < keys.length; i++) {
    if (keys[i - 1]! > keys[i]!) return keys.sort(compareNames);
  }
  return keys;
}

/** A scalar's text as the C tools see it (lists and attrsets have none). */
export function scalarText(value: Value | undefined): string | undefined {
  if (value === undefined || typeof value === 'object') return undefined;
  return String(value);
}
