/**
 * Legends of the diagrams as Graphviz HTML-like labels (a table in the graph label), shared by the
 * planner pictures and the visualisers. Every cell's text colour is chosen for its fill
 * (src/util/palette.ts), so a legend is as readable as the picture it explains.
 *
 * ts-graphviz prints an attribute value of the form `<…>` unquoted, as an HTML-like label: the
 * functions here return such values, with all text escaped.
 */
import { textColourOn } from './palette.js';

/** Text inside an HTML-like label: entities for the markup characters, line breaks as `<BR/>`. */
export function htmlText(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/\n/g, '<BR/>');
}

export interface LegendRow {
  /** The sample: a filled cell with the text on it, or a line of coloured text (an edge sample). */
  sample: { fill: string; text: string; dashed?: boolean } | { line: string; colour: string; bold?: boolean };
  /** What it means. */
  meaning: string;
}

function sampleCell(sample: LegendRow['sample']): string {
  if ('fill' in sample) {
    const style = sample.dashed ? ' STYLE="DASHED"' : '';
    return `<TD BGCOLOR="${sample.fill}"${style}><FONT COLOR="${textColourOn(sample.fill)}">${htmlText(sample.text)}</FONT></TD>`;
  }
  const text = `<FONT COLOR="${sample.colour}">${htmlText(sample.line)}</FONT>`;
  return `<TD BORDER="0">${sample.bold ? `<B>${text}</B>` : text}</TD>`;
}

/**
 * A graph label: the title lines, then a two-column table (sample, meaning). Black text on the
 * default white background; samples carry their own contrasting text colour.
 */
export function legendLabel(title: readonly string[], rows: readonly LegendRow[]): string {
  const heading = title.map((line) => `<TR><TD COLSPAN="2" BORDER="0">${htmlText(line)}</TD></TR>`).join('');
  const body = rows.map((row) => `<TR>${sampleCell(row.sample)}<TD BORDER="0" ALIGN="LEFT">${htmlText(row.meaning)}</TD></TR>`).join('');
  return `<<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="3" CELLPADDING="3">${heading}${body}</TABLE>>`;
}
