/**
 * XML output: the model forms of reference.md §2 (what the original `dydisnix-xml` writes), so other
 * tools, ours and the original, can read them back. Differences from the original, deliberately:
 * special characters are escaped properly, `<step>` is written for ID resources (B8), and names are
 * sorted byte-wise. xml-read.ts reads all of this back to the same model.
 */
import type { DocsConfig, Distribution, IdResources, Ids, Infrastructure, Service, Services } from '../types.js';
import { sortedKeys, type Attrs, type Value } from '../value.js';

const TEXT_SPECIAL = /[&<>\r\0-\x08\x0b\x0c\x0e-\x1f]/g;
const ATTRIBUTE_SPECIAL = /[&<>"\t\n\r\0-\x08\x0b\x0c\x0e-\x1f]/g;
const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };

/**
 * `\r` and control characters become character references: a parser would turn a literal `\r` into
 * `\n` (and attribute whitespace into spaces), so the text would not read back as written.
 */
function escapeChar(c: string): string {
  return ESCAPES[c] ?? `&#${c.charCodeAt(0)};`;
}

function escapeText(text: string): string {
  return text.replace(TEXT_SPECIAL, escapeChar);
}

function escapeAttribute(text: string): string {
  return text.replace(ATTRIBUTE_SPECIAL, escapeChar);
}

/** ` name="…"`, the key attribute of most elements. */
function nameAttr(name: string): string {
  return ` name="${escapeAttribute(name)}"`;
}

/**
 * One element per line, 2 spaces per level; `attrs` is the pre-rendered attribute text (` a="b"`).
 * Lines are joined into flat chunks every CHUNK_LINES lines: a million small line strings alive until
 * the end made the garbage collector the main cost of writing a large model.
 */
class XmlLines {
  private static readonly CHUNK_LINES = 4096;
  private readonly chunks: string[] = [];
  private lines: string[] = ['<?xml version="1.0"?>'];
  private readonly pads: string[] = [''];

  private pad(depth: number): string {
    return (this.pads[depth] ??= '  '.repeat(depth));
  }

  private push(line: string): void {
    this.lines.push(line);
    if (this.lines.length >= XmlLines.CHUNK_LINES) {
      this.chunks.push(this.lines.join('\n'));
      this.lines = [];
    }
  }

  open(depth: number, tag: string, attrs = ''): void {
    this.push(`${this.pad(depth)}<${tag}${attrs}>`);
  }

  close(depth: number, tag: string): void {
    this.push(`${this.pad(depth)}</${tag}>`);
  }

  /** An element holding text; self-closing when the text is empty (both read back as ""). */
  leaf(depth: number, tag: string, attrs: string, text: string): void {
    if (text === '') this.push(`${this.pad(depth)}<${tag}${attrs}/>`);
    else this.push(`${this.pad(depth)}<${tag}${attrs}>${escapeText(text)}</${tag}>`);
  }

  /** An element holding `count` child elements written by `body`; self-closing when there are none. */
  block(depth: number, tag: string, attrs: string, count: number, body: () => void): void {
    if (count === 0) {
      this.push(`${this.pad(depth)}<${tag}${attrs}/>`);
      return;
    }
    this.open(depth, tag, attrs);
    body();
    this.close(depth, tag);
  }

  text(): string {
    if (this.lines.length > 0) this.chunks.push(this.lines.join('\n'));
    return `${this.chunks.join('\n')}\n`;
  }
}

/** A generic typed value (reference.md §0); integers that are not safe would not read back as `int`. */
function writeTyped(out: XmlLines, depth: number, tag: string, attrs: string, value: Value): void {
  if (typeof value === 'string') out.leaf(depth, tag, `${attrs} type="string"`, value);
  else if (typeof value === 'number') out.leaf(depth, tag, `${attrs} type="${Number.isSafeInteger(value) ? 'int' : 'float'}"`, String(value));
  else if (typeof value === 'boolean') out.leaf(depth, tag, `${attrs} type="bool"`, String(value));
  else if (Array.isArray(value)) {
    out.block(depth, tag, `${attrs} type="list"`, value.length, () => {
      for (const item of value) writeTyped(out, depth + 1, 'elem', '', item);
    });
  } else writeAttrs(out, depth, tag, attrs, value);
}

function writeAttrs(out: XmlLines, depth: number, tag: string, attrs: string, value: Attrs): void {
  const keys = sortedKeys(value);
  out.block(depth, tag, `${attrs} type="attrs"`, keys.length, () => {
    for (const key of keys) writeTyped(out, depth + 1, 'property', nameAttr(key), value[key]!);
  });
}

/** `block` over the sorted keys of a record, one child per key. */
function writeRecord<T>(out: XmlLines, depth: number, tag: string, attrs: string, record: Record<string, T>, item: (key: string, value: T) => void): void {
  const keys = sortedKeys(record);
  out.block(depth, tag, attrs, keys.length, () => {
    for (const key of keys) item(key, record[key]!);
  });
}

// services ------------------------------------------------------------------------------------

function writeReferences(out: XmlLines, name: string, references: string[]): void {
  out.block(2, 'property', nameAttr(name), references.length, () => {
    for (const reference of references) out.leaf(3, 'dependency', '', reference);
  });
}

function writeService(out: XmlLines, key: string, service: Service): void {
  out.open(1, 'service', nameAttr(key));
  // services.xsl always writes dependsOn and connectsTo; activatesAfter is ours, so only when used.
  writeReferences(out, 'dependsOn', service.dependsOn);
  writeReferences(out, 'connectsTo', service.connectsTo);
  if (service.activatesAfter.length > 0) writeReferences(out, 'activatesAfter', service.activatesAfter);
  const properties: Attrs = { ...service.properties, name: service.name };
  if (service.type !== undefined) properties.type = service.type;
  if (service.pkg !== undefined) properties.pkg = service.pkg;
  for (const name of sortedKeys(properties)) writeTyped(out, 2, 'property', nameAttr(name), properties[name]!);
  out.close(1, 'service');
}

export function servicesToXml(services: Services): string {
  const out = new XmlLines();
  writeRecord(out, 0, 'services', '', services, (key, service) => writeService(out, key, service));
  return out.text();
}

// infrastructure ------------------------------------------------------------------------------

export function infrastructureToXml(infrastructure: Infrastructure): string {
  const out = new XmlLines();
  writeRecord(out, 0, 'infrastructure', ' version="2"', infrastructure, (key, target) => {
    out.open(1, 'target', nameAttr(key));
    writeAttrs(out, 2, 'properties', '', target.properties);
    writeRecord(out, 2, 'containers', '', target.containers, (name, container) => writeAttrs(out, 3, 'container', nameAttr(name), container));
    if (target.system !== undefined) out.leaf(2, 'system', '', target.system);
    if (target.numOfCores !== undefined) out.leaf(2, 'numOfCores', '', String(target.numOfCores));
    if (target.clientInterface !== undefined) out.leaf(2, 'clientInterface', '', target.clientInterface);
    if (target.targetProperty !== undefined) out.leaf(2, 'targetProperty', '', target.targetProperty);
    out.close(1, 'target');
  });
  return out.text();
}

// distribution --------------------------------------------------------------------------------

export function distributionToXml(distribution: Distribution): string {
  const out = new XmlLines();
  writeRecord(out, 0, 'distribution', '', distribution, (key, mappings) => {
    // Mappings stay in model order: it is the candidate order.
    out.block(1, 'service', nameAttr(key), mappings.length, () => {
      for (const mapping of mappings) {
        out.open(2, 'mapping');
        out.leaf(3, 'target', '', mapping.target);
        if (mapping.container !== undefined) out.leaf(3, 'container', '', mapping.container);
        out.close(2, 'mapping');
      }
    });
  });
  return out.text();
}

// idresources ---------------------------------------------------------------------------------

export function idResourcesToXml(resources: IdResources): string {
  const out = new XmlLines();
  writeRecord(out, 0, 'resources', '', resources, (key, resource) => {
    out.open(1, 'resource', nameAttr(key));
    out.leaf(2, 'min', '', String(resource.min));
    out.leaf(2, 'max', '', String(resource.max));
    out.leaf(2, 'scope', '', resource.scope);
    out.leaf(2, 'step', '', String(resource.step)); // idresources.xsl dropped it (B8)
    out.close(1, 'resource');
  });
  return out.text();
}

// ids -----------------------------------------------------------------------------------------

function writeAssignments(out: XmlLines, depth: number, tag: string, attrs: string, assignments: Record<string, number>): void {
  writeRecord(out, depth, tag, attrs, assignments, (name, id) => out.leaf(depth + 1, 'assignment', nameAttr(name), String(id)));
}

/** Like the C tools: `<ids>` always (every resource, even without assignments), the memories only when non-empty. */
export function idsToXml(ids: Ids): string {
  const out = new XmlLines();
  out.open(0, 'ids');
  writeRecord(out, 1, 'ids', '', ids.ids, (resource, assignments) => writeAssignments(out, 2, 'resource', nameAttr(resource), assignments));
  if (Object.keys(ids.lastAssignments).length > 0) writeAssignments(out, 1, 'lastAssignments', '', ids.lastAssignments);
  if (Object.keys(ids.lastAssignmentsPerTarget).length > 0) {
    writeRecord(out, 1, 'lastAssignmentsPerTarget', '', ids.lastAssignmentsPerTarget, (target, assignments) =>
      writeAssignments(out, 2, 'target', nameAttr(target), assignments),
    );
  }
  out.close(0, 'ids');
  return out.text();
}

// docs ----------------------------------------------------------------------------------------

/** Names that are safe as element names (no namespace colon). */
const ELEMENT_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

export function docsConfigToXml(docs: DocsConfig): string {
  const out = new XmlLines();
  out.open(0, 'docs-config');
  writeRecord(out, 1, 'groups', '', docs.groups, (name, description) => out.leaf(2, 'group', nameAttr(name), description));
  out.block(1, 'fields', '', docs.fields.length, () => {
    for (const field of docs.fields) out.leaf(2, 'field', '', field);
  });
  // docs.xsl uses the field name as element name; a field name that is no XML name gets the
  // `<description name="…">` form instead, which xml-read.ts also understands.
  writeRecord(out, 1, 'descriptions', '', docs.descriptions, (field, description) => {
    if (ELEMENT_NAME.test(field)) out.leaf(2, field, '', description);
    else out.leaf(2, 'description', nameAttr(field), description);
  });
  out.close(0, 'docs-config');
  return out.text();
}
