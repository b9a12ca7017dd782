import { describe, expect, it } from 'vitest';
import { findDuplicateKey, parseJsonDocument } from './json.js';
import { canonicalJson } from './json-write.js';

describe('JSON input', () => {
  it('finds duplicate keys with their path', () => {
    expect(findDuplicateKey('{"a": {"b": 1, "b": 2}}')).toEqual({ key: 'b', path: ['a'] });
    expect(findDuplicateKey('{"a": [{"x": 1}, {"y": 1, "y": 3}]}')).toEqual({ key: 'y', path: ['a', 1] });
    expect(findDuplicateKey('{"a": "b", "c": ["a", "a"], "d": {"a": 1}}')).toBeUndefined();
    expect(findDuplicateKey('{"a\\"b": 1, "a\\"b": 2}')).toEqual({ key: 'a"b', path: [] });
  });

  it('ignores a byte order mark', () => {
    expect(parseJsonDocument('\uFEFF{"a": {"name": "a"}}', 's.json', 'services')).toEqual({ a: { name: 'a' } });
  });

  it('reports duplicates and syntax errors as model errors', () => {
    expect(() => parseJsonDocument('{"web": {}, "web": {}}', 's.json', 'services')).toThrow('s.json: services: duplicate name "web"');
    expect(() => parseJsonDocument('{"web": ', 's.json', 'services')).toThrow(/s\.json: invalid JSON/);
  });

  it('writes canonical JSON: sorted keys, lists in order, final newline', () => {
    expect(canonicalJson({ b: [3, 1], a: { d: 1, c: 2 } })).toBe('{\n  "a": {\n    "c": 2,\n    "d": 1\n  },\n  "b": [\n    3,\n    1\n  ]\n}\n');
  });
});

describe('cheap duplicate pre-check', () => {
  it('counts key tokens and parsed keys equally when there are no duplicates', async () => {
    const { keyTokensInText, countKeys } = await import('./json.js');
    const text = '{"a": {"b": [1, {"c": "x:y"}], "d" : "e\\":"}}';
    expect(countKeys(JSON.parse(text))).toBe(4);
    expect(keyTokensInText(text)).toBe(5); // the escaped quote before ':' over-counts: the exact scan runs
    expect(() => parseJsonDocument(text, 'f.json', 'm')).not.toThrow();
    expect(keyTokensInText('{"a": 1, "a": 2}')).toBe(2);
    expect(countKeys(JSON.parse('{"a": 1, "a": 2}'))).toBe(1);
  });
});
