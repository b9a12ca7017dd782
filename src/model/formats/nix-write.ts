/**
 * Nix output in the original layouts. Deterministic: attribute names sorted byte-wise (except where
 * the original fixes an order), 2-space indentation, a final newline.
 *
 * Two styles: 'nix' is hand-written Nix (bare names where possible, `{ }`/`[ ]` when empty); 'c' is the
 * printer of the original C tools (reference §0: every name double-quoted, containers always opened
 * on their own line, so an empty one reads `{\n  }`).
 *
 * Every output reads back with nix/load.nix, with one loss: a service's `pkg` is never evaluated, so
 * it does not come back.
 */
import type { DocsConfig, Distribution, IdResources, Ids, Infrastructure, Mapping, Service, Services, Target } from '../types.js';
import { compareNames, sortedKeys, type Attrs, type Value } from '../value.js';

export type NixStyle = 'nix' | 'c';

const KEYWORDS = new Set(['if', 'then', 'else', 'assert', 'with', 'let', 'in', 'rec', 'inherit', 'or']);
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_'-]*$/;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '"': '\\"', '${': '\\${', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

export function nixString(s: string): string {
  return `"${s.replace(/\\|"|\$\{|\n|\r|\t/g, (match) => ESCAPES[match]!)}"`;
}

export function nixAttrName(k: string): string {
  return IDENTIFIER.test(k) && !KEYWORDS.has(k) ? k : nixString(k);
}

/** Integral numbers are ints; others get a `.` (Nix reads `1e3` as `1` applied to `e3`). */
export function nixNumber(n: number): string {
  if (!Number.isFinite(n)) throw new TypeError(`${n} has no Nix representation`);
  if (Number.isSafeInteger(n)) return String(n === 0 ? 0 : n);
  const text = String(n);
  return text.includes('.') ? text : text.replace(/e|$/, (match) => `.0${match}`);
}

const pad = (level: number): string => '  '.repeat(level);

/** `v` as it appears after `name = ` on a line at nesting level `indent`. */
export function nixValue(v: Value, indent: number, style: NixStyle = 'nix'): string {
  if (typeof v === 'string') return nixString(v);
  if (typeof v === 'number') return nixNumber(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (Array.isArray(v)) return nixList(v.map((item) => listItem(item, indent + 1, style)), indent, style);
  return nixAttrs(attrsBindings(v, indent + 1, style), indent, style);
}

/** List elements are not expressions in general: a negative number needs parentheses. */
function listItem(item: Value, level: number, style: NixStyle): string {
  const text = nixValue(item, level, style);
  return typeof item === 'number' && text.startsWith('-') ? `(${text})` : text;
}

function attrsBindings(attrs: Attrs, level: number, style: NixStyle): string[] {
  return sortedKeys(attrs)
    .filter((key) => attrs[key] !== undefined)
    .map((key) => binding(key, nixValue(attrs[key]!, level, style), style));
}

function binding(name: string, valueText: string, style: NixStyle): string {
  return `${style === 'c' ? nixString(name) : nixAttrName(name)} = ${valueText};`;
}

/** `items`/`bindings` are already rendered for level `indent + 1`. */
function nixList(items: string[], indent: number, style: NixStyle): string {
  if (items.length === 0 && style === 'nix') return '[ ]';
  return `[\n${items.map((item) => `${pad(indent + 1)}${item}\n`).join('')}${pad(indent)}]`;
}

function nixAttrs(bindings: string[], indent: number, style: NixStyle): string {
  if (bindings.length === 0 && style === 'nix') return '{ }';
  return `{\n${bindings.map((line) => `${pad(indent + 1)}${line}\n`).join('')}${pad(indent)}}`;
}

// ----- services ------------------------------------------------------------------------------------

const SERVICE_FIELDS = new Set(['name', 'type', 'pkg', 'dependsOn', 'connectsTo', 'activatesAfter']);
const REFERENCE_LISTS = ['dependsOn', 'connectsTo', 'activatesAfter'] as const;

export function servicesToNix(s: Services): string {
  const bindings = sortedKeys(s).map((key) => binding(key, serviceToNix(s[key]!, 2), 'nix'));
  return `{system, pkgs, distribution, invDistribution}:\n\nlet\n  services = ${nixAttrs(bindings, 1, 'nix')};\nin\nservices\n`;
}

function serviceToNix(service: Service, indent: number): string {
  const level = indent + 1;
  const lines = [binding('name', nixString(service.name), 'nix')];
  if (service.type !== undefined) lines.push(binding('type', nixString(service.type), 'nix'));
  if (service.pkg !== undefined) lines.push(binding('pkg', pkgLiteral(service.pkg), 'nix'));
  for (const list of REFERENCE_LISTS) {
    if (service[list].length > 0) lines.push(binding(list, references(service[list], level), 'nix'));
  }
  const others: Attrs = {};
  for (const key of Object.keys(service.properties)) if (!SERVICE_FIELDS.has(key)) others[key] = service.properties[key]!;
  return nixAttrs([...lines, ...attrsBindings(others, level, 'nix')], indent, 'nix');
}

/**
 * `{ inherit (services) db; "x.y" = services."x.y"; }`: load.nix turns this back into the names in
 * sorted order, so an unsorted list comes back sorted (the order carries no meaning).
 */
function references(names: string[], indent: number): string {
  const unique = [...new Set(names)].sort(compareNames);
  const bare = unique.filter((name) => nixAttrName(name) === name);
  const quoted = unique.filter((name) => nixAttrName(name) !== name);
  const lines = bare.length > 0 ? [`inherit (services) ${bare.join(' ')};`] : [];
  for (const name of quoted) lines.push(`${nixString(name)} = services.${nixString(name)};`);
  return nixAttrs(lines, indent, 'nix');
}

/** A relative path becomes a path literal relative to the written file; odd ones stay strings. */
function pkgLiteral(pkg: string): string {
  const trimmed = pkg.replace(/(.)\/+$/, '$1');
  const literal = /^(\/|\.\/|\.\.\/)/.test(trimmed) || trimmed === '.' || trimmed === '..' ? trimmed : `./${trimmed}`;
  const path = literal === '.' || literal === '..' ? `${literal}/.` : literal;
  return /^(\.\.?)?(\/[A-Za-z0-9._+-]+)+$/.test(path) ? path : nixString(pkg);
}

// ----- infrastructure ------------------------------------------------------------------------------

export function infrastructureToNix(i: Infrastructure): string {
  const bindings = sortedKeys(i).map((name) => binding(name, targetToNix(i[name]!, 1), 'nix'));
  return `${nixAttrs(bindings, 0, 'nix')}\n`;
}

function targetToNix(target: Target, indent: number): string {
  const level = indent + 1;
  const lines = [
    binding('properties', nixValue(target.properties, level), 'nix'),
    binding('containers', nixValue(target.containers, level), 'nix'),
  ];
  if (target.system !== undefined) lines.push(binding('system', nixString(target.system), 'nix'));
  if (target.numOfCores !== undefined) lines.push(binding('numOfCores', nixNumber(target.numOfCores), 'nix'));
  if (target.clientInterface !== undefined) lines.push(binding('clientInterface', nixString(target.clientInterface), 'nix'));
  if (target.targetProperty !== undefined) lines.push(binding('targetProperty', nixString(target.targetProperty), 'nix'));
  return nixAttrs(lines, indent, 'nix');
}

// ----- distribution --------------------------------------------------------------------------------

/**
 * 'function': gendist's `{infrastructure}:` layout; a service with a container mapping uses the
 * attrset form `{ targets = [ { target = infrastructure.t; container = "c"; } ]; }` (B1 fixed).
 * 'plain': the C tools' quoted attrset of names; when any mapping has a container, every item is a
 * `{ "target" = …; "container" = …; }` attrset (B1 fixed), in the C printer's key order.
 */
export function distributionToNix(d: Distribution, style: 'function' | 'plain'): string {
  if (style === 'plain') return `${plainDistribution(d)}\n`;
  const bindings = sortedKeys(d).map((svc) => binding(svc, functionTargets(d[svc]!), 'nix'));
  return `{infrastructure}:\n\n${nixAttrs(bindings, 0, 'c')}\n`;
}

const targetRef = (name: string): string => `infrastructure.${nixAttrName(name)}`;

function functionTargets(mappings: Mapping[]): string {
  if (!mappings.some((m) => m.container !== undefined)) return nixList(mappings.map((m) => targetRef(m.target)), 1, 'c');
  const items = mappings.map((m) =>
    m.container === undefined ? `{ target = ${targetRef(m.target)}; }` : `{ target = ${targetRef(m.target)}; container = ${nixString(m.container)}; }`,
  );
  return nixAttrs([binding('targets', nixList(items, 2, 'c'), 'nix')], 1, 'nix');
}

function plainDistribution(d: Distribution): string {
  const withContainers = Object.values(d).some((mappings) => mappings.some((m) => m.container !== undefined));
  const item = (m: Mapping): string => {
    if (!withContainers) return nixString(m.target);
    const lines = [binding('target', nixString(m.target), 'c')];
    if (m.container !== undefined) lines.push(binding('container', nixString(m.container), 'c'));
    return nixAttrs(lines, 2, 'c');
  };
  const bindings = sortedKeys(d).map((svc) => binding(svc, nixList(d[svc]!.map(item), 1, 'c'), 'c'));
  return nixAttrs(bindings, 0, 'c');
}

// ----- ID resources, IDs, docs ---------------------------------------------------------------------

export function idResourcesToNix(r: IdResources): string {
  const bindings = sortedKeys(r).map((name) => {
    const { min, max, scope, step } = r[name]!;
    const fields = [binding('min', nixNumber(min), 'nix'), binding('max', nixNumber(max), 'nix')];
    fields.push(binding('scope', nixString(scope), 'nix'), binding('step', nixNumber(step), 'nix'));
    return binding(name, nixAttrs(fields, 1, 'nix'), 'nix');
  });
  return `${nixAttrs(bindings, 0, 'nix')}\n`;
}

/**
 * The C printer's layout (reference §2.8): `"ids"` always, with every resource table of `ids.ids`
 * (plus `resources`, e.g. those of the resources model, as empty tables); the two memories only when
 * non-empty.
 */
export function idsToNix(ids: Ids, resources: Iterable<string> = []): string {
  const tables: Attrs = { ...ids.ids };
  for (const resource of resources) tables[resource] ??= {};
  const document: Attrs = { ids: tables };
  if (Object.keys(ids.lastAssignments).length > 0) document.lastAssignments = ids.lastAssignments;
  if (Object.keys(ids.lastAssignmentsPerTarget).length > 0) document.lastAssignmentsPerTarget = ids.lastAssignmentsPerTarget;
  return `${nixValue(document, 0, 'c')}\n`;
}

export function docsConfigToNix(d: DocsConfig): string {
  const lines = [
    binding('groups', nixValue(d.groups, 1), 'nix'),
    binding('fields', nixValue(d.fields, 1), 'nix'),
    binding('descriptions', nixValue(d.descriptions, 1), 'nix'),
  ];
  return `${nixAttrs(lines, 0, 'nix')}\n`;
}

/** Any generic value as a Nix file (e.g. an augmented or intermediate model). */
export function valueToNix(v: Value): string {
  return `${nixValue(v, 0)}\n`;
}
