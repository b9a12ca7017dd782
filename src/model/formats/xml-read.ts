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
import { checkPlain, MAX_DEPTH } from '../plain.js';
import { isAttrs, type Attrs, type Value } from '../value.js';

// ---------------------------------------------------------------------------------------------
// Generic XML parsing

export interface XmlElement {
  name: string;
  /**
   * The `name` and `type` attributes, the only ones the model formats use; other attributes are
   * checked for well-formedness, then dropped. Plain fields instead of a record: a 60 MB document has
   * millions of elements and the parse is allocation-bound.
   */
  nameAttr: string | undefined;
  typeAttr: string | undefined;
  /** NO_CHILDREN (shared, frozen) until the first child arrives, for the same reason. */
  children: XmlElement[];
  /** All character data directly inside, entities decoded; layout between child elements is dropped. */
  text: string;
  /** Offset of the start tag in the (normalised) document, for the line of an error. */
  at: number;
}

/**
 * Called with each complete child of the root element, which is then not kept in `root.children`:
 * the subtree dies young, so a large document never has its whole tree alive (the garbage collector
 * cost of promoting millions of tree nodes dominated the parse).
 */
export type TopLevelHandler = (root: XmlElement, child: XmlElement) => void;

const BLANK = /^[ \t\n\r]*$/;
const GT = 0x3e;
const SLASH = 0x2f;
const BANG = 0x21;
const QUESTION = 0x3f;
const NO_CHILDREN: XmlElement[] = Object.freeze([]) as unknown as XmlElement[];
const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
/**
 * Element nesting a document may have: one element per model level plus the root and an entry's
 * element. Deeper documents are refused while parsing (the readers below recurse); the model depth
 * itself is checked with its path by `checkPlain` (docs/limits.md).
 */
const MAX_ELEMENT_DEPTH = MAX_DEPTH + 2;

/** 1-based line of an offset; only computed when reporting an error. */
function lineAt(src: string, offset: number): number {
  let line = 1;
  for (let i = src.indexOf('\n'); i >= 0 && i < offset; i = src.indexOf('\n', i + 1)) line++;
  return line;
}

/** XML name characters, ASCII part exactly; every non-ASCII character is accepted. */
function isNameChar(c: number, first: boolean): boolean {
  if ((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f || c === 0x3a || c >= 0x80) return true;
  return !first && ((c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2e);
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
  /** Attribute names of the current start tag (a prefix of it), reused: one array per tag would be millions. */
  private readonly seenAttributes: string[] = [];

  constructor(
    private readonly src: string,
    private readonly file: string,
    private readonly onTopLevel: TopLevelHandler | undefined,
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
    const hadChildren = top.children.length > 0 || (this.onTopLevel !== undefined && top === this.root);
    if (hadChildren && BLANK.test(raw)) return;
    top.text += raw.includes('&') ? this.decode(raw, from) : raw;
  }

  private decode(raw: string, at: number): string {
    return raw.replace(/&([^&;]*)(;?)/g, (match, body: string, semicolon: string, offset: number) => {
      const text = semicolon ? entityText(body) : undefined;
      if (text === undefined) this.fail(`bad entity reference "${match.slice(0, 16)}"`, at + offset);
      return text;
    });
  }

  /** The end of the name starting at `at`. */
  private nameEnd(at: number, what: string): number {
    const src = this.src;
    if (!isNameChar(src.charCodeAt(at), true)) this.fail(`expected ${what}`, at);
    let end = at + 1;
    while (end < src.length && isNameChar(src.charCodeAt(end), false)) end++;
    return end;
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
    const nameEnd = this.nameEnd(lt + 2, 'an element name');
    const name = this.src.slice(lt + 2, nameEnd);
    const end = this.skipSpace(nameEnd);
    if (this.src.charCodeAt(end) !== GT) this.fail(`expected ">" after </${name}`, end);
    const top = this.stack.pop();
    if (!top) this.fail(`unexpected </${name}>`, lt);
    if (top.name !== name) this.fail(`expected </${top.name}>, found </${name}>`, lt);
    this.pos = end + 1;
    this.closed(top);
  }

  private startTag(lt: number): void {
    const parent = this.stack[this.stack.length - 1];
    if (!parent && this.root) this.fail('more than one root element', lt);
    if (this.stack.length >= MAX_ELEMENT_DEPTH) this.fail(`elements nested more than ${MAX_ELEMENT_DEPTH} levels deep (the limit; see docs/limits.md)`, lt);
    const nameEnd = this.nameEnd(lt + 1, 'an element name');
    const name = this.src.slice(lt + 1, nameEnd);
    const element: XmlElement = { name, nameAttr: undefined, typeAttr: undefined, children: NO_CHILDREN, text: '', at: lt };
    const selfClosing = this.attributes(element, nameEnd);
    if (!parent) this.root = element;
    else if (parent === this.root && this.onTopLevel) {
      // Streamed to the handler when complete (see TopLevelHandler), not stored.
    } else if (parent.children === NO_CHILDREN) parent.children = [element];
    else parent.children.push(element);
    if (selfClosing) this.closed(element);
    else this.stack.push(element);
  }

  private closed(element: XmlElement): void {
    if (this.onTopLevel && this.stack.length === 1 && this.root !== element) this.onTopLevel(this.root!, element);
  }

  /** Reads attributes up to the end of the start tag; returns whether it was `/>`. */
  private attributes(element: XmlElement, at: number): boolean {
    const src = this.src;
    let count = 0;
    for (;;) {
      const start = this.skipSpace(at);
      const c = src.charCodeAt(start);
      if (c === GT || (c === SLASH && src.charCodeAt(start + 1) === GT)) {
        this.pos = start + (c === GT ? 1 : 2);
        return c === SLASH;
      }
      if (start === at) this.fail(`expected whitespace, ">" or "/>" in <${element.name}>`, start);
      at = this.attribute(element, start, count++);
    }
  }

  /** Reads the `index`th attribute of a start tag; returns the offset after its value. */
  private attribute(element: XmlElement, start: number, index: number): number {
    const src = this.src;
    const nameEnd = this.nameEnd(start, `an attribute name, ">" or "/>" in <${element.name}>`);
    const name = src.slice(start, nameEnd);
    const seen = this.seenAttributes;
    for (let i = 0; i < index; i++) if (seen[i] === name) this.fail(`duplicate attribute ${name} in <${element.name}>`, start);
    seen[index] = name;
    let at = this.skipSpace(nameEnd);
    if (src.charCodeAt(at) !== 0x3d /* = */) this.fail(`expected "=" after attribute ${name}`, at);
    at = this.skipSpace(at + 1);
    const quote = src[at];
    if (quote !== '"' && quote !== "'") this.fail(`expected a quoted value for attribute ${name}`, at);
    const close = src.indexOf(quote, at + 1);
    if (close < 0) this.fail(`unterminated value of attribute ${name}`, at);
    let value = src.slice(at + 1, close);
    if (value.includes('<')) this.fail(`"<" in the value of attribute ${name}`, at);
    // XML attribute-value normalisation: literal whitespace becomes a space, character references stay.
    if (value.includes('\n') || value.includes('\t')) value = value.replace(/[\t\n]/g, ' ');
    if (value.includes('&')) value = this.decode(value, at + 1);
    if (name === 'name') element.nameAttr = value;
    else if (name === 'type') element.typeAttr = value;
    return close + 1;
  }
}

/**
 * Parses a whole XML document into an element tree; malformed input is a ModelError with a line
 * number. With `onTopLevel`, the root's children are handed over one by one instead of kept.
 */
export function parseXml(text: string, file: string, onTopLevel?: TopLevelHandler): XmlElement {
  return new XmlParser(normaliseXml(text), file, onTopLevel).parse();
}

/** The text the parser reads (and `XmlElement.at` points into): no byte order mark, `\n` line ends. */
function normaliseXml(text: string): string {
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  // XML end-of-line handling; keeps the line count, so error lines stay right.
  return src.includes('\r') ? src.replace(/\r\n?/g, '\n') : src;
}

// ---------------------------------------------------------------------------------------------
// Model readers. Paths are passed as (parent path, key) and only joined for an error or a nested
// value: building one array per scalar would double the allocations of a large document.

type Path = readonly PathSegment[];

interface Context {
  file: string;
  root: ModelKind;
  /** The document, for the line of an unknown element (offsets of `XmlElement.at`). */
  text: string;
}

/**
 * An element the model format does not have (a misspelt `<servce>`) is an error naming it and its
 * line: ignoring it would silently read an empty or partial model.
 */
function checkKnown(ctx: Context, element: XmlElement, known: ReadonlySet<string>, path: Path): void {
  if (known.has(element.name)) return;
  const expected = [...known].map((name) => `<${name}>`).join(', ');
  fail(ctx, path, `unknown element <${element.name}> at line ${lineAt(ctx.text, element.at)} (expected ${expected})`);
}

/** Checks every child of `parent` with checkKnown. */
function checkChildren(ctx: Context, parent: XmlElement, known: ReadonlySet<string>, path: Path): void {
  for (const child of parent.children) checkKnown(ctx, child, known, path);
}

/** Fails at path, or at path+key when a key is given. */
function fail(ctx: Context, path: Path, detail: string, key?: PathSegment): never {
  throw new ModelError(ctx.file, modelPath(ctx.root, key === undefined ? path : [...path, key]), detail);
}

/** Assignment that cannot change a prototype: names come from the document. */
function setKey<T>(record: Record<string, T>, key: string, value: T): void {
  if (key === '__proto__') Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
  else record[key] = value;
}

/** The children called `tag`, which must have a `name` attribute, each name once. */
function namedChildren(ctx: Context, parent: XmlElement, tag: string, path: Path): XmlElement[] {
  const out: XmlElement[] = [];
  // Few siblings: a linear scan is cheaper than a Set; many: a Set keeps it linear overall.
  const seen = parent.children.length > 16 ? new Set<string>() : undefined;
  for (const child of parent.children) {
    if (child.name !== tag) continue;
    const name = child.nameAttr;
    if (name === undefined) fail(ctx, path, `<${tag}> without a name attribute`);
    const duplicate = seen ? seen.has(name) : out.some((other) => other.nameAttr === name);
    if (duplicate) fail(ctx, [...path, name], `duplicate name "${name}"`);
    seen?.add(name);
    out.push(child);
  }
  return out;
}

/** Strict integers: the original used atoi ("12abc" = 12, "abc" = 0); we report such text instead. */
function parseInteger(ctx: Context, text: string, path: Path, key?: PathSegment): number {
  const trimmed = text.trim();
  if (!/^[+-]?[0-9]+$/.test(trimmed)) fail(ctx, path, `expected an integer, got ${JSON.stringify(text)}`, key);
  const value = Number(trimmed);
  if (!Number.isSafeInteger(value)) fail(ctx, path, `integer out of range: ${trimmed}`, key);
  return value === 0 ? 0 : value; // no -0
}

function parseFloatText(ctx: Context, text: string, path: Path, key?: PathSegment): number {
  const trimmed = text.trim();
  const value = Number(trimmed);
  if (!/^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$/.test(trimmed) || !Number.isFinite(value)) {
    fail(ctx, path, `expected a number, got ${JSON.stringify(text)}`, key);
  }
  return value === 0 ? 0 : value;
}

function parseBool(ctx: Context, text: string, path: Path, key?: PathSegment): boolean {
  const trimmed = text.trim();
  if (trimmed === 'true') return true;
  if (trimmed === 'false') return false;
  return fail(ctx, path, `expected true or false, got ${JSON.stringify(text)}`, key);
}

/**
 * A generic typed value (reference.md §0) at path+key. Without a `type` the original printed "has no
 * type annotation" and dropped the value (paths, nulls, derivations): undefined here, dropped by callers.
 */
function readTyped(ctx: Context, element: XmlElement, path: Path, key: PathSegment): Value | undefined {
  const type = element.typeAttr;
  switch (type) {
    case undefined:
      return undefined;
    case 'string':
      return element.text;
    case 'int':
      return parseInteger(ctx, element.text, path, key);
    case 'float':
      return parseFloatText(ctx, element.text, path, key);
    case 'bool':
      return parseBool(ctx, element.text, path, key);
    case 'list':
      return readList(ctx, element, [...path, key]);
    case 'attrs':
      return readAttrs(ctx, element, [...path, key]);
    default:
      return fail(ctx, path, `unknown type "${type}"`, key);
  }
}

function readList(ctx: Context, element: XmlElement, path: Path): Value[] {
  const out: Value[] = [];
  for (const child of element.children) {
    if (child.name !== 'elem') continue;
    const value = readTyped(ctx, child, path, out.length);
    if (value !== undefined) out.push(value);
  }
  return out;
}

/** `<property name=…>` children as an attrset (the element's own `type` is not checked: `<properties/>` has none). */
function readAttrs(ctx: Context, element: XmlElement, path: Path): Attrs {
  const out: Attrs = {};
  for (const child of namedChildren(ctx, element, 'property', path)) {
    const value = readTyped(ctx, child, path, child.nameAttr!);
    if (value !== undefined) setKey(out, child.nameAttr!, value);
  }
  return out;
}

/** Reads every `name`d child called `tag` into a record keyed by that name. */
function readNamed<T>(ctx: Context, parent: XmlElement, tag: string, path: Path, read: (child: XmlElement, path: Path) => T): Record<string, T> {
  const out: Record<string, T> = {};
  for (const child of namedChildren(ctx, parent, tag, path)) setKey(out, child.nameAttr!, read(child, [...path, child.nameAttr!]));
  return out;
}

// services ------------------------------------------------------------------------------------

const REFERENCE_LISTS = new Set(['dependsOn', 'connectsTo', 'activatesAfter']);

const SERVICE_CHILDREN = new Set(['property']);

function readService(ctx: Context, element: XmlElement, path: Path): Record<string, unknown> {
  checkChildren(ctx, element, SERVICE_CHILDREN, path);
  const out: Record<string, unknown> = {};
  for (const property of namedChildren(ctx, element, 'property', path)) {
    const key = property.nameAttr!;
    const value = REFERENCE_LISTS.has(key) ? readReferences(ctx, property, path, key) : readTyped(ctx, property, path, key);
    if (value !== undefined) setKey(out, key, value);
  }
  return out;
}

/**
 * dependsOn/connectsTo are written as untyped `<dependency>` lists. activatesAfter is not converted by
 * the original's filterDerivations, so it arrives as a typed attrset param → service (an attrset with a
 * `name`), or hand-written as a list or attrset of names.
 */
function readReferences(ctx: Context, property: XmlElement, path: Path, key: string): unknown {
  if (property.typeAttr === undefined) {
    return property.children.filter((child) => child.name === 'dependency').map((child) => child.text);
  }
  const value = readTyped(ctx, property, path, key);
  if (Array.isArray(value)) return value.map((item) => referenceName(item) ?? item);
  if (isAttrs(value)) return Object.keys(value).map((name) => referenceName(value[name]!) ?? name);
  return value; // a scalar: zod reports the wrong type
}

function referenceName(value: Value): string | undefined {
  if (typeof value === 'string') return value;
  if (isAttrs(value) && typeof value.name === 'string') return value.name;
  return undefined;
}

// infrastructure ------------------------------------------------------------------------------

const TARGET_CHILDREN = new Set(['properties', 'containers', 'system', 'clientInterface', 'targetProperty', 'numOfCores']);

function readTarget(ctx: Context, element: XmlElement, path: Path): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const child of element.children) {
    checkKnown(ctx, child, TARGET_CHILDREN, path);
    switch (child.name) {
      case 'properties':
        out.properties = readAttrs(ctx, child, [...path, 'properties']);
        break;
      case 'containers':
        out.containers = readNamed(ctx, child, 'container', [...path, 'containers'], (container, at) => readAttrs(ctx, container, at));
        break;
      case 'system':
      case 'clientInterface':
      case 'targetProperty':
        // infrastructure.xsl writes every field, empty when unset.
        if (!BLANK.test(child.text)) out[child.name] = child.text;
        break;
      case 'numOfCores':
        if (!BLANK.test(child.text)) out.numOfCores = parseInteger(ctx, child.text, path, 'numOfCores');
        break;
    }
  }
  return out;
}

// distribution --------------------------------------------------------------------------------

const SERVICE_MAPPINGS = new Set(['mapping', 'target']);
const MAPPING_CHILDREN = new Set(['target', 'container']);

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

const RESOURCE_CHILDREN = new Set(['min', 'max', 'step', 'scope']);

function readIdResource(ctx: Context, element: XmlElement, path: Path): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const child of element.children) {
    checkKnown(ctx, child, RESOURCE_CHILDREN, path);
    switch (child.name) {
      case 'min':
      case 'max':
      case 'step':
        // An empty <step/> crashed the original; here empty means unset.
        if (!BLANK.test(child.text)) out[child.name] = parseInteger(ctx, child.text, path, child.name);
        break;
      case 'scope':
        if (child.text !== '') out.scope = child.text;
        break;
    }
  }
  return out;
}

// ids -----------------------------------------------------------------------------------------

const IDS_CHILDREN = new Set(['ids', 'lastAssignments', 'lastAssignmentsPerTarget']);
const DOCS_CHILDREN = new Set(['groups', 'fields', 'descriptions']);

function readIds(ctx: Context, root: XmlElement): unknown {
  checkChildren(ctx, root, IDS_CHILDREN, []);
  const out: Record<string, unknown> = {};
  const assignments = (element: XmlElement, path: Path): Record<string, number> =>
    readNamed(ctx, element, 'assignment', path, (assignment, at) => parseInteger(ctx, assignment.text, at));
  for (const child of root.children) {
    switch (child.name) {
      case 'ids':
        out.ids = readNamed(ctx, child, 'resource', ['ids'], assignments);
        break;
      case 'lastAssignments':
        out.lastAssignments = assignments(child, ['lastAssignments']);
        break;
      case 'lastAssignmentsPerTarget':
        out.lastAssignmentsPerTarget = readNamed(ctx, child, 'target', ['lastAssignmentsPerTarget'], assignments);
        break;
    }
  }
  return out;
}

// docs ----------------------------------------------------------------------------------------

function readDocs(ctx: Context, root: XmlElement): unknown {
  checkChildren(ctx, root, DOCS_CHILDREN, []);
  const out: Record<string, unknown> = {};
  for (const child of root.children) {
    switch (child.name) {
      case 'groups':
        out.groups = readNamed(ctx, child, 'group', ['groups'], (group) => group.text);
        break;
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
  for (const child of element.children) {
    const key = child.name === 'description' && child.nameAttr !== undefined ? child.nameAttr : child.name;
    if (Object.hasOwn(out, key)) fail(ctx, ['descriptions', key], `duplicate name "${key}"`);
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

function checkRoot(ctx: Context, root: XmlElement): void {
  const expected = ROOT_ELEMENTS[ctx.root];
  if (root.name !== expected) fail(ctx, [], `expected root element <${expected}>, found <${root.name}>`);
}

type EntryReader = (ctx: Context, entry: XmlElement, path: Path) => unknown;

/** The models whose root holds one `name`d element per entry, the tag of that element, and its reader. */
const ENTRIES: Partial<Record<ModelKind, [string, EntryReader]>> = {
  services: ['service', readService],
  infrastructure: ['target', readTarget],
  distribution: ['service', (ctx, service, path) => {
    checkChildren(ctx, service, SERVICE_MAPPINGS, path);
    for (const child of service.children) if (child.name === 'mapping') checkChildren(ctx, child, MAPPING_CHILDREN, path);
    return readMappings(service);
  }],
  idresources: ['resource', readIdResource],
};

/** Reads entry by entry while parsing, so the whole tree of a large document is never alive at once. */
function readEntries(ctx: Context, text: string, tag: string, read: EntryReader): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const known = new Set([tag]);
  const root = parseXml(text, ctx.file, (root, child) => {
    checkRoot(ctx, root);
    checkKnown(ctx, child, known, []);
    const name = child.nameAttr;
    if (name === undefined) fail(ctx, [], `<${tag}> without a name attribute`);
    if (Object.hasOwn(out, name)) fail(ctx, [name], `duplicate name "${name}"`);
    setKey(out, name, read(ctx, child, [name]));
  });
  checkRoot(ctx, root);
  return out;
}

/** The JSON shape of an XML model document of the given kind (not yet validated: zod does that). */
export function parseXmlDocument(kind: ModelKind, text: string, file: string): unknown {
  text = normaliseXml(text);
  const ctx: Context = { file, root: kind, text };
  const entries = ENTRIES[kind];
  let value: unknown;
  if (entries) value = readEntries(ctx, text, entries[0], entries[1]);
  else {
    const root = parseXml(text, file);
    checkRoot(ctx, root);
    value = kind === 'ids' ? readIds(ctx, root) : readDocs(ctx, root);
  }
  checkPlain(value, file, kind);
  return value;
}
