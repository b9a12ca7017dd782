/** Model paths in error messages: `services.web.dependsOn[0]`, `infrastructure["my.host"]`. */
export type PathSegment = string | number;

export function modelPath(root: string, segments: readonly PathSegment[]): string {
  let out = root;
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += /^[A-Za-z_][A-Za-z0-9_-]*$/.test(segment) ? `.${segment}` : `[${JSON.stringify(segment)}]`;
  }
  return out;
}
