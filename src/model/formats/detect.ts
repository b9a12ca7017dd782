/** Input format detection: by extension first, then by content. */
export type InputFormat = 'xml' | 'json' | 'nix' | 'js';

export function formatFromExtension(file: string): InputFormat | undefined {
  const lower = file.toLowerCase();
  if (lower.endsWith('.xml')) return 'xml';
  if (lower.endsWith('.json')) return 'json';
  if (lower.endsWith('.nix')) return 'nix';
  if (lower.endsWith('.js') || lower.endsWith('.mjs')) return 'js';
  return undefined;
}

export function formatFromContent(text: string): InputFormat {
  const start = text.replace(/^\uFEFF/, '').trimStart();
  if (start.startsWith('<')) return 'xml';
  if (start.startsWith('{') || start.startsWith('[') || start.startsWith('"')) {
    try {
      JSON.parse(start);
      return 'json';
    } catch {
      // A Nix attrset also starts with `{`.
    }
  }
  if (/^(export\s|import\s|module\.exports|\/\/|'use strict'|"use strict")/.test(start)) return 'js';
  return 'nix';
}
