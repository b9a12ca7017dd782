/**
 * JSON merge patch (RFC 7396) over an infrastructure's JSON shape, where a top-level key "*" is a
 * patch for every target. The "*" patch is applied first (to the targets that exist before the
 * patch), then the patches of named targets, so a named target can override what "*" set.
 */
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const isObject = (value: unknown): value is Record<string, Json> => value !== null && typeof value === 'object' && !Array.isArray(value);

/** RFC 7396 MergePatch(target, patch). Never mutates its inputs. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return patch;
  const result: Record<string, unknown> = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

export function applyInfrastructurePatch(infrastructure: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  let result: Record<string, unknown> = { ...infrastructure };
  const everyTarget = patch['*'];
  if (everyTarget !== undefined) {
    for (const name of Object.keys(infrastructure)) {
      const patched = mergePatch(result[name], everyTarget);
      if (patched === null || patched === undefined) delete result[name];
      else result[name] = patched;
    }
  }
  const { '*': _every, ...rest } = patch;
  result = mergePatch(result, rest) as Record<string, unknown>;
  return result;
}
