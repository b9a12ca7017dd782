/**
 * `dydisnix-document-services` HTML (reference §4.4): a page per group with its diagram, a services
 * table (the configured fields) and a groups table linking the sub-pages. All text is HTML-escaped;
 * list and attrset values are rendered as nested lists.
 */
import type { DocsConfig, Service } from '../model/types.js';
import { isAttrs, sortedKeys, type Value } from '../model/value.js';
import { serviceGroup } from '../model/service-props.js';
import { groupTokens, type ServiceGraph, type ServiceIndex } from './graph.js';

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => HTML_ESCAPES[ch]!);
}

/** A property value as HTML: scalars as text, lists of scalars comma-separated, anything else nested. */
export function valueHtml(value: Value | undefined): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return escapeHtml(value);
  if (typeof value === 'number' || typeof value === 'boolean') return escapeHtml(String(value));
  if (Array.isArray(value)) {
    if (value.length === 0) return '<span class="empty">[]</span>';
    if (value.every((item) => typeof item !== 'object')) return value.map((item) => valueHtml(item)).join(', ');
    return `<ul class="value">${value.map((item) => `<li>${valueHtml(item)}</li>`).join('')}</ul>`;
  }
  if (isAttrs(value)) {
    const keys = sortedKeys(value);
    if (keys.length === 0) return '<span class="empty">{}</span>';
    return `<dl class="value">${keys.map((key) => `<dt>${escapeHtml(key)}</dt><dd>${valueHtml(value[key])}</dd>`).join('')}</dl>`;
  }
  return '';
}

/** The value of a documented field: the special fields first, then the property table. */
export function fieldValue(service: Service, field: string): Value | undefined {
  switch (field) {
    case 'name':
      return service.name;
    case 'type':
      return service.type;
    case 'group':
      return serviceGroup(service);
    case 'pkg':
      return service.pkg;
    case 'dependsOn':
    case 'connectsTo':
    case 'activatesAfter':
      return service[field];
    default:
      return service.properties[field];
  }
}

export interface PageOptions {
  /** Show `<img src="diagram.dot.<format>">`. */
  imageFormat?: string;
  /** A stand-alone page (non-batch mode): `./style.css`, no image, no breadcrumbs. */
  asRoot: boolean;
  /** The whole model's index: the "Used by" column and the root page's summary. */
  index?: ServiceIndex;
}

/** Where the diagrams come from, for the note on pages of a catalogue generated without pictures. */
const NO_PICTURES_NOTE =
  'No diagram: this catalogue was generated without an image format. To add the pictures, run <code>dydisnix-generate-services-docs -s SERVICES --output-dir DIR --image-format svg</code> (needs Graphviz <code>dot</code>).';

/** The root page's summary: how many services, groups and types the model has. */
export function modelSummary(index: ServiceIndex): string {
  const services = index.names.length;
  const groups = index.members.size - 1;
  const types = new Map<string, number>();
  for (const name of index.names) {
    const type = index.services[name]!.type ?? '(no type)';
    types.set(type, (types.get(type) ?? 0) + 1);
  }
  const typeList = [...types.keys()].sort().map((type) => `${type} (${types.get(type)})`);
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  return `${plural(services, 'service')} in ${plural(groups, 'group')}, of ${plural(types.size, 'type')}: ${typeList.join(', ')}`;
}

/** The "Depends on" cell: dependsOn entries, then connectsTo entries marked as such. */
function dependenciesText(service: Service): string {
  return [...service.dependsOn, ...service.connectsTo.map((name) => `${name} (connects to)`)].join(', ');
}

const I = (n: number) => ' '.repeat(n);

export function documentPage(graph: ServiceGraph, docs: DocsConfig | undefined, options: PageOptions): string {
  // Non-batch pages go to stdout: they link the stylesheet as ./style.css and show no image or
  // breadcrumbs, but still say which group they document.
  const group = graph.group;
  const tokens = options.asRoot ? [] : groupTokens(group);
  const root = tokens.length === 0 ? '.' : tokens.map(() => '..').join('/');
  const groupTitle = docs?.groups[group] ?? group;
  const lines: string[] = ['<!DOCTYPE html>', '', '<html>', `${I(4)}<head>`, `${I(8)}<meta charset="utf-8">`];
  lines.push(`${I(8)}<title>Functional architecture documentation${group === '' ? '' : ` for group: ${escapeHtml(groupTitle)}`}</title>`);
  lines.push(`${I(8)}<link rel="stylesheet" type="text/css" href="${root}/style.css">`, `${I(4)}</head>`, `${I(4)}<body>`);
  if (group !== '') {
    if (!options.asRoot) lines.push(`${I(8)}<p class="breadcrumbs">${breadcrumbs(tokens)}</p>`);
    lines.push(`${I(8)}<h1>${escapeHtml(groupTitle)}</h1>`);
  } else {
    lines.push(`${I(8)}<h1>${escapeHtml(docs?.groups[''] ?? 'Functional architecture documentation')}</h1>`);
    if (options.index) lines.push(`${I(8)}<p class="summary">${escapeHtml(modelSummary(options.index))}</p>`);
  }
  if (options.imageFormat !== undefined && !options.asRoot) {
    // Shown at its natural size (labels stay readable), scrolling inside its box instead of shrinking;
    // the image links to itself: alone in the browser (to zoom), and for SVG with clickable group nodes.
    const image = `diagram.dot.${escapeHtml(encodeURIComponent(options.imageFormat))}`;
    lines.push(
      `${I(8)}<div class="diagram">`,
      `${I(12)}<a href="${image}"><img src="${image}" alt="Architecture diagram"></a>`,
      `${I(8)}</div>`,
      `${I(8)}<p class="hint">Scroll inside the diagram to see all of it; click it to open it alone and zoom.</p>`,
    );
  } else if (!options.asRoot) {
    lines.push(`${I(8)}<p class="note">${NO_PICTURES_NOTE}</p>`);
  }

  const services = [...graph.services.values()].filter((node) => node.service !== undefined);
  if (services.length > 0) {
    const fields = docs && docs.fields.length > 0 ? docs.fields : ['description', 'type'];
    const headers = docs && docs.fields.length > 0 ? fields.map((field) => docs.descriptions[field] ?? field) : ['Description', 'Type'];
    // Dependencies and dependants, unless the configured fields already show them.
    const dependsColumn = !fields.includes('dependsOn');
    const usedByColumn = options.index !== undefined;
    lines.push(`${I(8)}<h2>Services</h2>`, `${I(8)}<table>`, `${I(12)}<tr>`, `${I(16)}<th>Name</th>`);
    for (const header of headers) lines.push(`${I(16)}<th>${escapeHtml(header)}</th>`);
    if (dependsColumn) lines.push(`${I(16)}<th>Depends on</th>`);
    if (usedByColumn) lines.push(`${I(16)}<th>Used by</th>`);
    lines.push(`${I(12)}</tr>`);
    for (const node of services) {
      lines.push(`${I(12)}<tr>`, `${I(16)}<td>${escapeHtml(node.name)}</td>`);
      for (const field of fields) lines.push(`${I(16)}<td>${valueHtml(fieldValue(node.service!, field))}</td>`);
      if (dependsColumn) lines.push(`${I(16)}<td>${escapeHtml(dependenciesText(node.service!))}</td>`);
      if (usedByColumn) lines.push(`${I(16)}<td>${escapeHtml((options.index!.dependants.get(node.name) ?? []).join(', '))}</td>`);
      lines.push(`${I(12)}</tr>`);
    }
    lines.push(`${I(8)}</table>`);
  }

  if (graph.groups.size > 0) {
    lines.push(`${I(8)}<h2>Groups</h2>`, `${I(8)}<table>`, `${I(12)}<tr>`, `${I(16)}<th>Name</th>`, `${I(16)}<th>Description</th>`, `${I(12)}</tr>`);
    for (const token of graph.groups.keys()) {
      const description = docs?.groups[group === '' ? token : `${group}/${token}`] ?? '';
      lines.push(
        `${I(12)}<tr>`,
        `${I(16)}<td><a href="${escapeHtml(encodeURIComponent(token))}/index.html">${escapeHtml(token)}</a></td>`,
        `${I(16)}<td>${escapeHtml(description)}</td>`,
        `${I(12)}</tr>`,
      );
    }
    lines.push(`${I(8)}</table>`);
  }
  lines.push(`${I(4)}</body>`, '</html>');
  return `${lines.join('\n')}\n`;
}

/** `Home / services / logging` with links to every ancestor page. */
function breadcrumbs(tokens: readonly string[]): string {
  const up = (levels: number) => (levels === 0 ? 'index.html' : `${Array.from({ length: levels }, () => '..').join('/')}/index.html`);
  const parts = [`<a href="${up(tokens.length)}">Home</a>`];
  tokens.forEach((token, i) => {
    const levels = tokens.length - 1 - i;
    parts.push(levels === 0 ? escapeHtml(token) : `<a href="${up(levels)}">${escapeHtml(token)}</a>`);
  });
  return parts.join(' / ');
}
