/**
 * Model values are plain data of bounded depth (docs/limits.md). Every reader hands its result to
 * `checkPlain` (JSON, Nix, XML) or builds it with `plainCopy` (JS modules) before anything else walks
 * it, so that the recursive walks of the rest of the code (validation, writers, hashing, DOT labels)
 * never see more than MAX_DEPTH levels, and a key that JavaScript objects would swallow
 * (`__proto__`) is refused instead of silently dropped. Both walks are iterative: a 100,000-level
 * document is refused, never a stack overflow.
 */
import { ModelError } from '../errors.js';
import { modelPath, type PathSegment } from './path.js';

/** Nesting levels of lists and attrsets a model document may have, its root included. */
export const MAX_DEPTH = 1000;

/** The key that assignment to a JavaScript object turns into a prototype change. */
const PROTO = '__proto__';

const isContainer = (value: unknown): value is object => value !== null && typeof value === 'object';

/**
 * Refuses a parsed document nested deeper than `limit` or holding a `__proto__` key, naming the
 * file and the model path (rooted at `root`, e.g. `services`). Returns the number of object keys
 * in the document (the JSON reader's duplicate-key check needs it, and this walk sees them all).
 */
export function checkPlain(value: unknown, file: string | undefined, root: string, limit = MAX_DEPTH): number {
  if (!isContainer(value)) return 0;
  let keys = 0;
  // Two parallel stacks instead of one object per node: this runs over every node of 100k-service models.
  const values: object[] = [value];
  const depths: number[] = [1];
  while (values.length > 0) {
    const node = values.pop()!;
    const depth = depths.pop()!;
    if (depth > limit) throw tooDeep(file, root, pathTo(value, (_, at) => at > limit), limit);
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        const item: unknown = node[i];
        if (isContainer(item)) values.push(item), depths.push(depth + 1);
      }
      continue;
    }
    if (Object.hasOwn(node, PROTO)) throw protoKey(file, root, pathTo(value, (candidate) => isContainer(candidate) && !Array.isArray(candidate) && Object.hasOwn(candidate, PROTO)));
    for (const key in node) {
      keys++;
      const item: unknown = (node as Record<string, unknown>)[key];
      if (isContainer(item)) values.push(item), depths.push(depth + 1);
    }
  }
  return keys;
}

/**
 * The path to the first node (depth first) that `match`es, given the node and its depth (root = 1).
 * Only used to name the place of an error, so it may be slow; it is bounded like the check.
 */
function pathTo(root: object, match: (node: unknown, depth: number) => boolean): PathSegment[] {
  interface Entry { node: unknown; parent: Entry | undefined; key: PathSegment | undefined; depth: number }
  const stack: Entry[] = [{ node: root, parent: undefined, key: undefined, depth: 1 }];
  while (stack.length > 0) {
    const entry = stack.pop()!;
    if (match(entry.node, entry.depth)) {
      const path: PathSegment[] = [];
      for (let at: Entry | undefined = entry; at?.key !== undefined; at = at.parent) path.push(at.key);
      return path.reverse();
    }
    const node = entry.node;
    if (!isContainer(node)) continue;
    const keys: PathSegment[] = Array.isArray(node) ? node.map((_, i) => i) : Object.keys(node);
    for (let i = keys.length - 1; i >= 0; i--) {
      const child: unknown = (node as Record<PathSegment, unknown>)[keys[i]!];
      if (isContainer(child)) stack.push({ node: child, parent: entry, key: keys[i], depth: entry.depth + 1 });
    }
  }
  return [];
}

/** How many leading segments of a too-deep path an error shows. */
const SHOWN_SEGMENTS = 12;

/** A path of 1,000 segments is noise: its start, then how deep it goes. */
function shortPath(root: string, path: readonly PathSegment[]): string {
  if (path.length <= SHOWN_SEGMENTS) return modelPath(root, path);
  return `${modelPath(root, path.slice(0, SHOWN_SEGMENTS))}…(${path.length - SHOWN_SEGMENTS} more levels)`;
}

function tooDeep(file: string | undefined, root: string, path: readonly PathSegment[], limit: number): ModelError {
  return new ModelError(file, shortPath(root, path), `nested more than ${limit} levels deep (the limit for model values; see docs/limits.md)`);
}

function protoKey(file: string | undefined, root: string, path: readonly PathSegment[]): ModelError {
  return new ModelError(file, modelPath(root, path), `the name "${PROTO}" is not allowed (JavaScript objects cannot hold it; see docs/limits.md)`);
}

/** Objects a JS module was given (the run's own models): kept by identity, never copied. */
export type Kept = ReadonlySet<object>;

interface Frame {
  source: object;
  target: Record<string, unknown> | unknown[];
  keys: string[];
  index: number;
  /** The segment under which this node sits in its parent. */
  at: PathSegment | undefined;
}

/**
 * A plain-data copy of what a JS module exported or returned: own enumerable string keys, read one by
 * one so that a getter or Proxy trap that throws, a cycle or too deep a nesting is a ModelError naming
 * `file` and the model path, instead of an exception somewhere later. Functions, primitives and the
 * objects in `kept` are taken as they are; an object referenced twice is copied once (shared, as in
 * the source), so identity comparisons of the caller keep working.
 */
export function plainCopy(value: unknown, file: string, root: string, kept: Kept = new Set()): unknown {
  const copies = new Map<object, unknown>();
  const onPath = new Set<object>();
  const frames: Frame[] = [];
  const pathOf = (key?: PathSegment): PathSegment[] => {
    const path = frames.slice(1).map((frame) => frame.at!);
    return key === undefined || frames.length === 0 ? path : [...path, key];
  };
  const unreadable = (error: unknown, key?: PathSegment): ModelError =>
    new ModelError(file, shortPath(root, pathOf(key)), `the module's default export could not be read: ${error instanceof Error ? error.message : String(error)}`);

  /** The copy of `node` (a fresh container pushed as a frame), or `node` itself when it is not copied. */
  const enter = (node: unknown, at: PathSegment | undefined): unknown => {
    if (!isContainer(node) || kept.has(node)) return node;
    if (onPath.has(node)) {
      throw new ModelError(file, shortPath(root, pathOf(at)), 'the value refers to itself (a cycle); models are trees of plain data');
    }
    if (copies.has(node)) return copies.get(node);
    if (frames.length >= MAX_DEPTH) throw tooDeep(file, root, pathOf(at), MAX_DEPTH);
    let target: Record<string, unknown> | unknown[];
    let keys: string[];
    try {
      if (Array.isArray(node)) {
        target = [];
        keys = Array.from({ length: (node as unknown[]).length }, (_, i) => String(i));
      } else {
        target = {};
        keys = Object.keys(node);
      }
    } catch (error) {
      throw unreadable(error, at);
    }
    copies.set(node, target);
    onPath.add(node);
    frames.push({ source: node, target, keys, index: 0, at });
    return target;
  };

  const result = enter(value, undefined);
  while (frames.length > 0) {
    const frame = frames[frames.length - 1]!;
    if (frame.index >= frame.keys.length) {
      onPath.delete(frame.source);
      frames.pop();
      continue;
    }
    const key = frame.keys[frame.index++]!;
    const segment: PathSegment = Array.isArray(frame.target) ? Number(key) : key;
    let child: unknown;
    try {
      child = (frame.source as Record<string, unknown>)[key];
    } catch (error) {
      throw unreadable(error, segment);
    }
    const target = frame.target;
    const copy = enter(child, segment);
    if (Array.isArray(target)) target.push(copy);
    else if (key === PROTO) Object.defineProperty(target, key, { value: copy, enumerable: true, writable: true, configurable: true });
    else target[key] = copy;
  }
  return result;
}
