/**
 * `dydisnix-document-services` HTML (reference §4.4): a page per group with its diagram, a services
 * table (the configured fields) and a groups table linking the sub-pages. All text is HTML-escaped;
 * list and attrset values are rendered as nested lists.
 */
import type { DocsConfig, Service } from '../model/types.js';
import { isAttrs, sortedKeys, type Value } from '../model/value.js';
import { serviceGroup } from '../model/service-props.js';
import { groupTokens, type ServiceGraph } from './graph.js';

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
  }
  if (options.imageFormat !== undefined && !options.asRoot) {
    // The image links to itself: full size, and for SVG with clickable group nodes.
    const image = `diagram.dot.${escapeHtml(encodeURIComponent(options.imageFormat))}`;
    lines.push(`${I(8)}<p>`, `${I(12)}<a href="${image}"><img src="${image}" alt="Architecture diagram"></a>`, `${I(8)}</p>`);
  }

  const services = [...graph.services.values()].filter((node) => node.service !== undefined);
  if (services.length > 0) {
    const fields = docs && docs.fields.length > 0 ? docs.fields : ['description', 'type'];
    const headers = docs && docs.fields.length > 0 ? fields.map((field) => docs.descriptions[field] ?? field) : ['Description', 'Type'];
    lines.push(`${I(8)}<h2>Services</h2>`, `${I(8)}<table>`, `${I(12)}<tr>`, `${I(16)}<th>Name</th>`);
    for (const header of headers) lines.push(`${I(16)}<th>${escapeHtml(header)}</th>`);
    lines.push(`${I(12)}</tr>`);
    for (const node of services) {
      lines.push(`${I(12)}<tr>`, `${I(16)}<td>${escapeHtml(node.name)}</td>`);
      for (const field of fields) lines.push(`${I(16)}<td>${valueHtml(fieldValue(node.service!, field))}</td>`);
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
