import { describe, expect, it } from 'vitest';
import { encodeProperty, parseKeyValue, propertiesToEnv, splitWords } from './properties.js';

describe('encodeProperty', () => {
  it('encodes strings, integers, floats, booleans, lists and attrsets', () => {
    expect(encodeProperty('a b')).toBe('a b');
    expect(encodeProperty(8080)).toBe('8080');
    expect(encodeProperty(1e21)).toBe('1000000000000000000000');
    expect(encodeProperty(1.5)).toBe('1.5');
    expect(encodeProperty(true)).toBe('1');
    expect(encodeProperty(false)).toBe('');
    expect(encodeProperty(['x', 2, true])).toBe('x 2 1');
    expect(encodeProperty({ a: 1 })).toBe('{"a":1}');
  });

  it('rejects property names that cannot be environment variables', () => {
    expect(propertiesToEnv({ runtimeDir: '/run', n: 1 })).toEqual({ runtimeDir: '/run', n: '1' });
    expect(() => propertiesToEnv({ 'bad-name': 'x' })).toThrow(/not a valid environment variable name/);
  });
});

describe('parseKeyValue', () => {
  it('parses comments, quotes, export and expansions', () => {
    const text = '# comment\n\nexport a=1\nb="two words"\nc=\'$a literal\'\nd=$a-${b}\ne=${missing}x\nf=$HOME/x # trailing\n';
    expect(parseKeyValue(text, { vars: { HOME: '/home/u' } })).toEqual({ a: '1', b: 'two words', c: '$a literal', d: '1-two words', e: 'x', f: '/home/u/x' });
  });

  it('reports the line of a malformed entry', () => {
    expect(() => parseKeyValue('a=1\nthis is not\n', { file: 'cfg' })).toThrow('cfg:2: expected key=value, got: this is not');
    expect(() => parseKeyValue('a="open\n')).toThrow(/unterminated double quote/);
  });
});

describe('splitWords', () => {
  it('splits without a shell', () => {
    expect(splitWords('/bin/daemon --port 80  --name "my svc" \'a b\' c\\ d')).toEqual(['/bin/daemon', '--port', '80', '--name', 'my svc', 'a b', 'c d']);
    expect(splitWords('  ')).toEqual([]);
    expect(splitWords('x ""')).toEqual(['x', '']);
    expect(splitWords('$(rm -rf /) `x` ;|&')).toEqual(['$(rm', '-rf', '/)', '`x`', ';|&']);
  });
});
