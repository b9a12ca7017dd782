/**
 * DOT plumbing shared by the visualisers. Graphs are built as ts-graphviz models (never by string
 * concatenation); this module owns the escaping rules that ts-graphviz leaves to the caller:
 *
 * - ts-graphviz escapes `"` (unless it follows a backslash) and newlines, but not backslashes, so
 *   identifiers and labels are pre-escaped here (`\` → `\\`, `"` → `\"`) and every `"` ends up escaped.
 * - An attribute value that looks like `<…>` would be printed as an HTML-like label; label text
 *   therefore has `&`, `<` and `>` written as entities, which Graphviz turns back into characters.
 *
 * ts-graphviz is imported lazily: commands that fail early never pay for it.
 */
import type { RootGraphModel } from 'ts-graphviz';

export type GraphvizModule = typeof import('ts-graphviz');

let graphviz: Promise<GraphvizModule> | undefined;
export function loadGraphviz(): Promise<GraphvizModule> {
  graphviz ??= import('ts-graphviz');
  return graphviz;
}

/** A DOT identifier (node, subgraph) for any name. */
export function dotId(name: string): string {
  return name.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
}

/**
 * Plain text inside a label (a name, a type). Newlines in the text stay line breaks; everything else
 * is shown literally.
 */
export function labelText(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"');
}

/** The arrow the original puts in front of provided containers (`&#8594;`, →). */
export const ARROW = '&#8594;';

/**
 * The container part of a label, as in the original: ` →\nc` for one container, `\n → { a\n, b\n}`
 * for several (names sorted). Empty when the service provides none.
 */
export function containersLabel(containers: readonly string[], single: boolean): string {
  if (containers.length === 0) return '';
  if (single && containers.length === 1) return ` ${ARROW}\n${labelText(containers[0]!)}`;
  return `\n ${ARROW} { ${containers.map(labelText).join('\n, ')}\n}`;
}

/** Print a model; the AST size limit of ts-graphviz (100k nodes) is lifted for big systems. */
export async function printDot(model: RootGraphModel): Promise<string> {
  const { toDot } = await loadGraphviz();
  return `${toDot(model, { convert: { maxASTNodes: 0 }, print: { indentSize: 2 } })}\n`;
}
