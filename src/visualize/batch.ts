/**
 * Batch mode of visualize-services and document-services: one diagram / page for the root and for
 * every group (each service's group and all its ancestors), under `<output-dir>/<group>/`.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ModelError, ToolError } from '../errors.js';
import { makeOutputDir, writeFileAtomic } from '../io/atomic.js';
import type { DocsConfig, Services } from '../model/types.js';
import { sortedKeys } from '../model/value.js';
import { serviceGroup } from '../model/service-props.js';
import { documentPage } from './docs-html.js';
import { allGroups, buildServiceGraph, indexServices } from './graph.js';
import { renderDot } from './render.js';
import { packagePath } from '../package-root.js';
import { serviceGraphDot } from './services-dot.js';

// Letters and digits of any script (`Überwachung`, `日志`), plus . _ - + @; no separators, no `..`.
const SAFE_TOKEN = /^[\p{L}\p{N}_@+][\p{L}\p{M}\p{N}._@+-]*$/u;

/** Group paths become folders: every `/`-separated part must be a portable, harmless file name. */
export function checkGroupPaths(services: Services, file: string): void {
  for (const name of sortedKeys(services)) {
    const group = serviceGroup(services[name]!);
    if (group === '') continue;
    for (const token of group.split('/')) {
      if (!SAFE_TOKEN.test(token) || token.length > 200) {
        throw new ModelError(
          file,
          `services.${name}.group`,
          `group ${JSON.stringify(group)} cannot be a folder name: each /-separated part must use letters, digits and . _ - + @, not start with . or -, and not be empty`,
        );
      }
    }
  }
}

/** Run `work` over `items` with at most `limit` at a time, keeping nothing but errors. */
async function inParallel<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await work(items[next++]!);
  });
  await Promise.all(workers);
}

export interface BatchOptions {
  outputDir: string;
  /** Graphviz format for `diagram.dot.<format>`; none means DOT only. */
  format?: string;
  /** The services model file, for error messages. */
  file: string;
}

/** `visualize-services --batch`: writes `<dir>/<group>/diagram.dot[.<format>]`; returns the files written. */
export async function visualizeBatch(services: Services, options: BatchOptions): Promise<string[]> {
  checkGroupPaths(services, options.file);
  const written: string[] = [];
  const index = indexServices(services);
  await inParallel(allGroups(services), 2, async (group) => {
    const dir = path.join(options.outputDir, group);
    await makeOutputDir(dir);
    const dot = await serviceGraphDot(buildServiceGraph(services, group, { context: true, collapse: true }, index), { links: true });
    const dotFile = path.join(dir, 'diagram.dot');
    await writeFileAtomic(dotFile, dot);
    written.push(dotFile);
    if (options.format !== undefined) {
      const image = `${dotFile}.${options.format}`;
      await writeFileAtomic(image, await renderDot(dot, options.format, dotFile));
      written.push(image);
    }
  });
  return written.sort();
}

/** Where the stylesheet ships: `share/dydisnix/style.css` of the package. */
export const STYLESHEET = pathToFileURL(packagePath('share', 'dydisnix', 'style.css'));

/** `document-services --batch`: writes `<dir>/<group>/index.html` and `<dir>/style.css`. */
export async function documentBatch(services: Services, docs: DocsConfig | undefined, options: BatchOptions): Promise<string[]> {
  checkGroupPaths(services, options.file);
  const written: string[] = [];
  const index = indexServices(services);
  for (const group of allGroups(services)) {
    const dir = path.join(options.outputDir, group);
    await makeOutputDir(dir);
    const graph = buildServiceGraph(services, group, { context: false, collapse: true }, index);
    const html = documentPage(graph, docs, { ...(options.format !== undefined ? { imageFormat: options.format } : {}), asRoot: false, index });
    const file = path.join(dir, 'index.html');
    await writeFileAtomic(file, html);
    written.push(file);
  }
  const css = path.join(options.outputDir, 'style.css');
  let stylesheet: string;
  try {
    stylesheet = await fs.readFile(STYLESHEET, 'utf8');
  } catch (error) {
    throw new ToolError(`cannot open the stylesheet ${STYLESHEET.pathname} (a broken installation?): ${(error as Error).message}`);
  }
  await writeFileAtomic(css, stylesheet);
  written.push(css);
  return written.sort();
}
