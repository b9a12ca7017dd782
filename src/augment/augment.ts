/**
 * dydisnix-augment-infra: add what discovery cannot see to an infrastructure model. The augmentation
 * (-a) is a Nix `{infrastructure, lib}: …` function (as in the original), a JS module exporting
 * `({infrastructure}) => infrastructure`, or a JSON merge patch with "*" for every target.
 */
import path from 'node:path';
import { ModelError } from '../errors.js';
import { readText } from '../io/input.js';
import type { LoadOptions } from '../model/load.js';
import type { Infrastructure } from '../model/types.js';

export async function augmentInfrastructure(infrastructureFile: string, augmentFile: string, options: LoadOptions = {}): Promise<Infrastructure> {
  const load = await import('../model/load.js');
  const { infrastructureToJsonShape } = await import('../model/formats/json-write.js');
  const infrastructure = await load.loadInfrastructure(infrastructureFile, options);
  const shape = JSON.parse(JSON.stringify(infrastructureToJsonShape(infrastructure))) as Record<string, unknown>;
  const lower = augmentFile.toLowerCase();
  let kind: 'json' | 'js' | 'nix';
  if (lower.endsWith('.json')) kind = 'json';
  else if (lower.endsWith('.js') || lower.endsWith('.mjs')) kind = 'js';
  else if (lower.endsWith('.nix')) kind = 'nix';
  else {
    const { formatFromContent } = await import('../model/formats/detect.js');
    const detected = formatFromContent(await readText(augmentFile));
    if (detected === 'xml') throw new ModelError(augmentFile, undefined, 'an augmentation must be a .nix function, a .js/.mjs module or a .json merge patch');
    kind = detected;
  }
  // Nix and JS are evaluated from a file: stdin (`-`) is copied to a temp file first.
  let source = augmentFile;
  let stdinDir: string | undefined;
  if (augmentFile === '-' && kind !== 'json') {
    const { promises: fs } = await import('node:fs');
    const os = await import('node:os');
    stdinDir = await fs.mkdtemp(path.join(os.tmpdir(), 'dydisnix-stdin-'));
    source = path.join(stdinDir, kind === 'js' ? 'stdin.mjs' : 'stdin.nix');
    await fs.writeFile(source, await readText('-'));
  }
  try {
    return await evaluate(source, kind, shape, augmentFile, options);
  } catch (error) {
    if (!stdinDir || !(error instanceof ModelError)) throw error;
    throw new ModelError(error.file === source ? augmentFile : error.file, error.path, error.detail.split(source).join('<stdin>'));
  } finally {
    if (stdinDir) {
      const { promises: fs } = await import('node:fs');
      await fs.rm(stdinDir, { recursive: true, force: true });
    }
  }
}

/** Applies the augmentation in `source` (`augmentFile` is the name the user gave, for errors). */
async function evaluate(source: string, kind: 'json' | 'js' | 'nix', shape: Record<string, unknown>, augmentFile: string, options: LoadOptions): Promise<Infrastructure> {
  let raw: unknown;
  if (kind === 'json') {
    const { parseJsonDocument } = await import('../model/formats/json.js');
    const patch = parseJsonDocument(await readText(augmentFile), augmentFile, 'augment');
    if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) throw new ModelError(augmentFile, 'augment', 'a merge patch must be an object of targets (or "*")');
    const { applyInfrastructurePatch } = await import('./merge-patch.js');
    raw = applyInfrastructurePatch(shape, patch as Record<string, unknown>);
  } else if (kind === 'js') {
    const { importDefault } = await import('../qos/js.js');
    const fn = (await importDefault(source, 'augmentation')) as (args: Record<string, unknown>) => unknown;
    try {
      raw = await fn({ infrastructure: shape });
    } catch (error) {
      throw new ModelError(augmentFile, undefined, `the augmentation function failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    const { plainCopy } = await import('../model/plain.js');
    raw = plainCopy(raw, augmentFile, 'infrastructure');
  } else {
    raw = await evalNixAugment(source, shape, options);
  }
  const { infrastructureFromRaw } = await import('../model/schemas.js');
  const { validateInfrastructure } = await import('../model/validate.js');
  const result = infrastructureFromRaw(raw, augmentFile);
  validateInfrastructure(result, augmentFile);
  return result;
}

async function evalNixAugment(file: string, infrastructure: Record<string, unknown>, options: LoadOptions): Promise<unknown> {
  const { promises: fs } = await import('node:fs');
  const os = await import('node:os');
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dydisnix-augment-'));
  try {
    const inputFile = path.join(dir, 'infrastructure.json');
    await fs.writeFile(inputFile, JSON.stringify(infrastructure));
    const { evalNixExpression } = await import('../model/formats/nix-eval.js');
    return await evalNixExpression('import <dydisnix/gendist/augment.nix>', {
      argstrs: { augmentFile: path.resolve(file), inputFile },
      file,
      ...(options.showTrace ? { showTrace: true } : {}),
    });
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}
