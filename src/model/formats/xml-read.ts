/**
 * XML input: the model documents the original `dydisnix-xml` writes (reference.md §2), plus the C
 * tools' own distribution output (B12). The result is the JSON shape of the model (docs/ARCHITECTURE.md);
 * zod validates it afterwards, so this module only reports what only it can see: malformed XML, a wrong
 * root element, typed values whose text does not fit their type, and duplicate names (which a JSON
 * object would silently merge).
 *
 * A small strict parser builds a light element tree. fast-xml-parser was measured at ~8 s for 100k
 * services (96 MB) with `preserveOrder`, too slow for the bench; this one takes well under a second.
 */
import { ModelError } from '../../errors.js';
import { modelPath, type PathSegment } from '../path.js';
import type { ModelKind } from '../types.js';
import { isAttrs, type Attrs, type Value } from '../value.js';

// ---------------------------------------------------------------------------------------------
// Generic XML parsing

export interface XmlElement {
  name: string;
  /** undefined when the element has no attributes (most have none: saves an allocation each). */
  attrs: Record<string, string> | undefined;
  children: XmlElement[];
  /** All character data directly inside, entities decoded; layout between child elements is dropped. */
  text: string;
}

const NAME = /[A-Za-z_:\u00C0-\uFFFF][\w.:\u00B7\u00C0-\uFFFF-]*/y;
const BLANK = /^[ \t\n\r]*$/;
const LT = 0x3c;
const GT = 0x3e;
const SLASH = 0x2f;
const BANG = 0x21;
const QUESTION = 0x3f;
const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** 1-based line of an offset; only computed when reporting an error. */
function lineAt(src: string, offset: number): number {
  let line = 1;
  for (let i = src.indexOf('\n'); i >= 0 && i < offset; i = src.indexOf('\n', i + 1)) line++;
  return line;
}

function entityText(body: string): string | undefined {
  const predefined = PREDEFINED[body];
  if (predefined !== undefined) return predefined;
  let code: number;
  if (/^#x[0-9A-Fa-f]{1,6}$/.test(body)) code = parseInt(body.slice(2), 16);
  else if (/^#[0-9]{1,7}$/.test(body)) code = parseInt(body.slice(1), 10);
  else return undefined;
  // Control characters are accepted (beyond XML 1.0) because our writer uses them to round-trip any string.
  return code <= 0x10ffff ? String.fromCodePoint(code) : undefined;
}

class XmlParser {
  private pos = 0;
  private readonly stack: XmlElement[] = [];
  private root: XmlElement | undefined;

  constructor(
    private readonly src: string,
    private readonly file: string,
  ) {}

  parse(): XmlElement {
    const src = this.src;
    for (;;) {
      const lt = src.indexOf('<', this.pos);
      const end = lt < 0 ? src.length : lt;
      if (end > this.pos) this.characters(this.pos, end);
      if (lt < 0) break;
      const next = src.charCodeAt(lt + 1);
      if (next === SLASH) this.endTag(lt);
      else if (next === BANG) this.markup(lt);
      else if (next === QUESTION) this.skipPast(lt, '?>', 'processing instruction');
      else this.startTag(lt);
    }
    const open = this.stack[this.stack.length - 1];
    if (open) this.fail(`element <${open.name}> is not closed`, src.length);
    if (!this.root) this.fail('no root element', src.length);
    return this.root;
  }

  private fail(detail: string, at: number): never {
    throw new ModelError(this.file, undefined, `malformed XML at line ${lineAt(this.src, at)}: ${detail}`);
  }

  private characters(from: number, to: number): void {
    const raw = this.src.slice(from, to);
    const top = this.stack[this.stack.length - 1];
    if (!top) {
      if (!BLANK.test(raw)) this.fail('text outside the root element', from);
      return;
    }
    // Indentation between child elements is layout, not data; keeping it would only cost memory.
    if (top.children.length > 0 && BLANK.test(raw)) return;
    top.text += raw.includes('&') ? this.decode(raw, from) : raw;
  }

  private decode(raw: string, at: number): string {
    return raw.replace(/&([^&;]*)(;?)/g, (match, body: string, semicolon: string, offset: number) => {
      const text = semicolon ? entityText(body) : undefined;
      if (text === undefined) this.fail(`bad entity reference "${match.slice(0, 16)}"`, at + offset);
      return text;
    });
  }

  private readName(at: number, what: string): string {
    NAME.lastIndex = at;
    const match = NAME.exec(this.src);
    if (!match) this.fail(`expected ${what}`, at);
    return match[0];
  }

  private skipSpace(at: number): number {
    const src = this.src;
    for (;;) {
      const c = src.charCodeAt(at);
      if (c !== 0x20 && c !== 0x0a && c !== 0x09 && c !== 0x0d) return at;
      at++;
    }
  }

  private skipPast(from: number, terminator: string, what: string): void {
    const end = this.src.indexOf(terminator, from);
    if (end < 0) this.fail(`unterminated ${what}`, from);
    this.pos = end + terminator.length;
  }

  private markup(lt: number): void {
    const src = this.src;
    if (src.startsWith('<!--', lt)) return this.skipPast(lt + 4, '-->', 'comment');
    if (src.startsWith('<![CDATA[', lt)) {
      const top = this.stack[this.stack.length - 1];
      if (!top) this.fail('CDATA outside the root element', lt);
      const end = src.indexOf(']]>', lt + 9);
      if (end < 0) this.fail('unterminated CDATA section', lt);
      top.text += src.slice(lt + 9, end);
      this.pos = end + 3;
      return;
    }
    if (src.startsWith('<!DOCTYPE', lt) && !this.root) return this.skipDoctype(lt);
    this.fail('unexpected "<!"', lt);
  }

  /** The DTD is skipped, internal subset included; entities it declares are then unknown (an error). */
  private skipDoctype(lt: number): void {
    const close = this.src.indexOf('>', lt);
    const subset = this.src.indexOf('[', lt);
    if (subset >= 0 && (close < 0 || subset < close)) {
      const subsetEnd = this.src.indexOf(']', subset);
      if (subsetEnd < 0) this.fail('unterminated DOCTYPE', lt);
      return this.skipPast(subsetEnd, '>', 'DOCTYPE');
    }
    this.skipPast(lt, '>', 'DOCTYPE');
  }

  private endTag(lt: number): void {
    const name = this.readName(lt + 2, 'an element name');
    const end = this.skipSpace(lt + 2 + name.length);
    if (this.src.charCodeAt(end) !== GT) this.fail(`expected ">" after </${name}`, end);
    const top = this.stack.pop();
    if (!top) this.fail(`unexpected </${name}>`, lt);
    if (top.name !== name) this.fail(`expected </${top.name}>, found </${name}>`, lt);
    this.pos = end + 1;
  }

  private startTag(lt: number): void {
    const parent = this.stack[this.stack.length - 1];
    if (!parent && this.root) this.fail('more than one root element', lt);
    const name = this.readName(lt + 1, 'an element name');
    const element: XmlElement = { name, attrs: undefined, children: [], text: '' };
    const selfClosing = this.attributes(element, lt + 1 + name.length);
    if (parent) parent.children.push(element);
    else this.root = element;
    if (!selfClosing) this.stack.push(element);
  }

  /** Reads attributes up to the end of the start tag; returns whether it was `/>`. */
  private attributes(element: XmlElement, at: number): boolean {
    const src = this.src;
    for (;;) {
      const start = this.skipSpace(at);
      const c = src.charCodeAt(start);
      if (c === GT || (c === SLASH && src.charCodeAt(start + 1) === GT)) {
        this.pos = start + (c === GT ? 1 : 2);
        return c === SLASH;
      }
      if (start === at) this.fail(`expected whitespace, ">" or "/>" in <${element.name}>`, start);
      at = this.attribute(element, start);
    }
  }

  private attribute(element: XmlElement, start: number): number {
    const src = this.src;
    const name = this.readName(start, `an attribute name or ">" in <${element.name}>`);
    let at = this.skipSpace(start + name.length);
    if (src.charCodeAt(at) !== 0x3d /* = */) this.fail(`expected "=" after attribute ${name}`, at);
    at = this.skipSpace(at + 1);
    const quote = src[at];
    if (quote !== '"' && quote !== "'") this.fail(`expected a quoted value for attribute ${name}`, at);
    const close = src.indexOf(quote, at + 1);
    if (close < 0) this.fail(`unterminated value of attribute ${name}`, at);
    let value = src.slice(at + 1, close);
    if (value.includes('<')) this.fail(`"<" in the value of attribute ${name}`, at);
    // XML attribute-value normalisation: literal whitespace becomes a space, character references stay.
    if (/[\t\n\r]/.test(value)) value = value.replace(/[\t\n\r]/g, ' ');
    if (value.includes('&')) value = this.decode(value, at + 1);
    const attrs = (element.attrs ??= Object.create(null) as Record<string, string>);
    if (attrs[name] !== undefined) this.fail(`duplicate attribute ${name} in <${element.name}>`, start);
    attrs[name] = value;
    return close + 1;
  }
}

/** Parses a whole XML document into an element tree; malformed input is a ModelError with a line number. */
export function parseXml(text: string, file: string): XmlElement {
  let src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  // XML end-of-line handling; keeps the line count, so error lines stay right.
  if (src.includes('\r')) src = src.replace(/\r\n?/g, '\n');
  return new XmlParser(src, file).parse();
}

// ---------------------------------------------------------------------------------------------
// Model readers

type Path = readonly PathSegment[];

interface Context {
  file: string;
  root: ModelKind;
}

function fail(ctx: Context, path: Path, detail: string): never {
  throw new ModelError(ctx.file, modelPath(ctx.root, path), detail);
}

/** Assignment that cannot change a prototype: names come from the document. */
function setKey<T>(record: Record<string, T>, key: string, value: T): void {
  if (key === '__proto__') Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
  else record[key] = value;
}

/** The children called `tag`, keyed by their `name` attribute; a repeated name is an error. */
function namedChildren(ctx: Context, parent: XmlElement, tag: string, path: Path): [string, XmlElement][] {
  const seen = new Set<string>();
  const out: [string, XmlElement][] = [];
  for (const child of parent.children) {
    if (child.name !== tag) continue;
    const name = child.attrs?.name;
    if (name === undefined) fail(ctx, path, `<${tag}> without a name attribute`);
    if (seen.has(name)) fail(ctx, [...path, name], `duplicate name "${name}"`);
    seen.add(name);
    out.push([name, child]);
  }
  return out;
}

/** Strict integers: the original used atoi ("12abc" = 12, "abc" = 0); we report such text instead. */
function parseInteger(ctx: Context, text: string, path: Path): number {
  const trimmed = text.trim();
  if (!/^[+-]?[0-9]+$/.test(trimmed)) fail(ctx, path, `expected an integer, got ${JSON.stringify(text)}`);
  const value = Number(trimmed);
  if (!Number.isSafeInteger(value)) fail(ctx, path, `integer out of range: ${trimmed}`);
  return value === 0 ? 0 : value; // no -0
}

function parseFloatText(ctx: Context, text: string, path: Path): number {
  const trimmed = text.trim();
  const value = Number(trimmed);
  if (!/^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$/.test(trimmed) || !Number.isFinite(value)) {
    fail(ctx, path, `expected a number, got ${JSON.stringify(text)}`);
  }
  return value === 0 ? 0 : value;
}

function parseBool(ctx: Context, text: string, path: Path): boolean {
  const trimmed = text.trim();
  if (trimmed === 'true') return true;
  if (trimmed === 'false') return false;
  return fail(ctx, path, `expected true or false, got ${JSON.stringify(text)}`);
}

/**
 * A generic typed value (reference.md §0). Without a `type` the original printed "has no type
 * annotation" and dropped the value (paths, nulls, derivations): undefined here, dropped by callers.
 */
function readTyped(ctx: Context, element: XmlElement, path: Path): Value | undefined {
  const type = element.attrs?.type;
  switch (type) {
    case undefined:
      return undefined;
    case 'string':
      return element.text;
    case 'int':
      return parseInteger(ctx, element.text, path);
    case 'float':
      return parseFloatText(ctx, element.text, path);
    case 'bool':
      return parseBool(ctx, element.text, path);
    case 'list':
      return readList(ctx, element, path);
    case 'attrs':
      return readAttrs(ctx, element, path);
    default:
      return fail(ctx, path, `unknown type "${type}"`);
  }
}

function readList(ctx: Context, element: XmlElement, path: Path): Value[] {
  const out: Value[] = [];
  for (const child of element.children) {
    if (child.name !== 'elem') continue;
    const value = readTyped(ctx, child, [...path, out.length]);
    if (value !== undefined) out.push(value);
  }
  return out;
}

/** `<property name=…>` children as an attrset (the element's own `type` is not checked: `<properties/>` has none). */
function readAttrs(ctx: Context, element: XmlElement, path: Path): Attrs {
  const out: Attrs = {};
  for (const [name, child] of namedChildren(ctx, element, 'property', path)) {
    const value = readTyped(ctx, child, [...path, name]);
    if (value !== undefined) setKey(out, name, value);
  }
  return out;
}

function blankToUndefined(text: string): string | undefined {
  return BLANK.test(text) ? undefined : text;
}

// services ------------------------------------------------------------------------------------

const REFERENCE_LISTS = new Set(['dependsOn', 'connectsTo', 'activatesAfter']);

function readServices(ctx: Context, root: XmlElement): unknown {
  const out: Record<string, unknown> = {};
  for (const [name, element] of namedChildren(ctx, root, 'service', [])) setKey(out, name, readService(ctx, element, [name]));
  return out;
}

function readService(ctx: Context, element: XmlElement, path: Path): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, property] of namedChildren(ctx, element, 'property', path)) {
    const at = [...path, key];
    const value = REFERENCE_LISTS.has(key) ? readReferences(ctx, property, at) : readTyped(ctx, property, at);
    if (value !== undefined) setKey(out, key, value);
  }
  return out;
}

/**
 * dependsOn/connectsTo are written as untyped `<dependency>` lists. activatesAfter is not converted by
 * the original's filterDerivations, so it arrives as a typed attrset param → service (an attrset with a
 * `name`), or hand-written as a list or attrset of names.
 */
function readReferences(ctx: Context, property: XmlElement, path: Path): unknown {
  if (property.attrs?.type === undefined) {
    return property.children.filter((child) => child.name === 'dependency').map((child) => child.text);
  }
  const value = readTyped(ctx, property, path);
  if (Array.isArray(value)) return value.map((item) => referenceName(item) ?? item);
  if (isAttrs(value)) return Object.keys(value).map((key) => referenceName(value[key]!) ?? key);
  return value; // a scalar: zod reports the wrong type
}

function referenceName(value: Value): string | undefined {
  if (typeof value === 'string') return value;
  if (isAttrs(value) && typeof value.name === 'string') return value.name;
  return undefined;
}

// infrastructure ------------------------------------------------------------------------------

function readInfrastructure(ctx: Context, root: XmlElement): unknown {
  const out: Record<string, unknown> = {};
  for (const [name, element] of namedChildren(ctx, root, 'target', [])) setKey(out, name, readTarget(ctx, element, [name]));
  return out;
}

function readTarget(ctx: Context, element: XmlElement, path: Path): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const child of element.children) {
    switch (child.name) {
      case 'properties':
        out.properties = readAttrs(ctx, child, [...path, 'properties']);
        break;
      case 'containers':
        out.containers = readContainers(ctx, child, [...path, 'containers']);
        break;
      case 'system':
      case 'clientInterface':
      case 'targetProperty': {
        // infrastructure.xsl writes every field, empty when unset.
        const text = blankToUndefined(child.text);
        if (text !== undefined) out[child.name] = text;
        break;
      }
      case 'numOfCores':
        if (!BLANK.test(child.text)) out.numOfCores = parseInteger(ctx, child.text, [...path, 'numOfCores']);
        break;
    }
  }
  return out;
}

function readContainers(ctx: Context, element: XmlElement, path: Path): Record<string, Attrs> {
  const out: Record<string, Attrs> = {};
  for (const [name, container] of namedChildren(ctx, element, 'container', path)) setKey(out, name, readAttrs(ctx, container, [...path, name]));
  return out;
}

// distribution --------------------------------------------------------------------------------

function readDistribution(ctx: Context, root: XmlElement): unknown {
  const out: Record<string, unknown> = {};
  for (const [name, element] of namedChildren(ctx, root, 'service', [])) setKey(out, name, readMappings(element));
  return out;
}

/** `<mapping>` items (distribution.xsl), or `<target>` wrappers (the C tools' output, B12), or plain `<target>`s. */
function readMappings(service: XmlElement): unknown[] {
  const out: unknown[] = [];
  for (const child of service.children) {
    if (child.name === 'mapping' || (child.name === 'target' && child.children.length > 0)) out.push(readMapping(child));
    else if (child.name === 'target') out.push(child.text);
  }
  return out;
}

/** A mapping without (or with an empty) container is a plain target name in the JSON shape. */
function readMapping(mapping: XmlElement): unknown {
  let target: string | undefined;
  let container: string | undefined;
  for (const child of mapping.children) {
    if (child.name === 'target') target = child.text;
    else if (child.name === 'container') container = child.text;
  }
  if (container === undefined || container === '') return target ?? {};
  return target === undefined ? { container } : { target, container };
}

// idresources ---------------------------------------------------------------------------------

function readIdResources(ctx: Context, root: XmlElement): unknown {
  const out: Record<string, unknown> = {};
  for (const [name, element] of namedChildren(ctx, root, 'resource', [])) setKey(out, name, readIdResource(ctx, element, [name]));
  return out;
}

function readIdResource(ctx: Context, element: XmlElement, path: Path): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const child of element.children) {
    switch (child.name) {
      case 'min':
      case 'max':
      case 'step':
        // An empty <step/> crashed the original; here empty means unset.
        if (!BLANK.test(child.text)) out[child.name] = parseInteger(ctx, child.text, [...path, child.name]);
        break;
      case 'scope':
        if (child.text !== '') out.scope = child.text;
        break;
    }
  }
  return out;
}

// ids -----------------------------------------------------------------------------------------

function readIds(ctx: Context, root: XmlElement): unknown {
  const out: Record<string, unknown> = {};
  for (const child of root.children) {
    switch (child.name) {
      case 'ids':
        out.ids = readAssignmentTables(ctx, child, 'resource', ['ids']);
        break;
      case 'lastAssignments':
        out.lastAssignments = readAssignments(ctx, child, ['lastAssignments']);
        break;
      case 'lastAssignmentsPerTarget':
        out.lastAssignmentsPerTarget = readAssignmentTables(ctx, child, 'target', ['lastAssignmentsPerTarget']);
        break;
    }
  }
  return out;
}

function readAssignmentTables(ctx: Context, element: XmlElement, tag: string, path: Path): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const [name, table] of namedChildren(ctx, element, tag, path)) setKey(out, name, readAssignments(ctx, table, [...path, name]));
  return out;
}

function readAssignments(ctx: Context, element: XmlElement, path: Path): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, assignment] of namedChildren(ctx, element, 'assignment', path)) {
    setKey(out, name, parseInteger(ctx, assignment.text, [...path, name]));
  }
  return out;
}

// docs ----------------------------------------------------------------------------------------

function readDocs(ctx: Context, root: XmlElement): unknown {
  const out: Record<string, unknown> = {};
  for (const child of root.children) {
    switch (child.name) {
      case 'groups': {
        const groups: Record<string, string> = {};
        for (const [name, group] of namedChildren(ctx, child, 'group', ['groups'])) setKey(groups, name, group.text);
        out.groups = groups;
        break;
      }
      case 'fields':
        out.fields = child.children.filter((field) => field.name === 'field').map((field) => field.text);
        break;
      case 'descriptions':
        out.descriptions = readDescriptions(ctx, child);
        break;
    }
  }
  return out;
}

/**
 * docs.xsl uses the field name as the element name. A field name that is no XML name cannot be
 * written that way, so our writer uses `<description name="…">` for those; both are read.
 */
function readDescriptions(ctx: Context, element: XmlElement): Record<string, string> {
  const out: Record<string, string> = {};
  const seen = new Set<string>();
  for (const child of element.children) {
    const key = child.name === 'description' && child.attrs?.name !== undefined ? child.attrs.name : child.name;
    if (seen.has(key)) fail(ctx, ['descriptions', key], `duplicate name "${key}"`);
    seen.add(key);
    setKey(out, key, child.text);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------

const ROOT_ELEMENTS: Record<ModelKind, string> = {
  services: 'services',
  infrastructure: 'infrastructure',
  distribution: 'distribution',
  idresources: 'resources',
  ids: 'ids',
  docs: 'docs-config',
};

const READERS: Record<ModelKind, (ctx: Context, root: XmlElement) => unknown> = {
  services: readServices,
  infrastructure: readInfrastructure,
  distribution: readDistribution,
  idresources: readIdResources,
  ids: readIds,
  docs: readDocs,
};

/** The JSON shape of an XML model document of the given kind (not yet validated: zod does that). */
export function parseXmlDocument(kind: ModelKind, text: string, file: string): unknown {
  const root = parseXml(text, file);
  const ctx: Context = { file, root: kind };
  const expected = ROOT_ELEMENTS[kind];
  if (root.name !== expected) fail(ctx, [], `expected root element <${expected}>, found <${root.name}>`);
  return READERS[kind](ctx, root);
}
