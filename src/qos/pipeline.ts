/**
 * JSON pipelines: `{ "pipeline": [ { "filter": "mapAttrOnList", "serviceProperty": "type", … }, … ] }`.
 * Each step gets the previous step's distribution (the first the initial one) and the models. The
 * whole pipeline is checked before anything runs: unknown filters and missing or unknown parameters
 * are rejected by name.
 */
import { ModelError } from '../errors.js';
import type { Distribution } from '../model/types.js';
import { checkParams, runFilter, type FilterContext, type FilterSpec } from '../planners/registry.js';

export interface PipelineStep {
  filter: string;
  params: Record<string, unknown>;
}

export function parsePipeline(document: unknown, file: string, specs: Record<string, FilterSpec>): PipelineStep[] {
  if (document === null || typeof document !== 'object' || Array.isArray(document)) throw new ModelError(file, 'qos', 'expected an object { "pipeline": [ … ] }');
  const unknownKeys = Object.keys(document).filter((k) => k !== 'pipeline');
  if (unknownKeys.length > 0) throw new ModelError(file, `qos.${unknownKeys[0]}`, 'unknown attribute (expected only "pipeline")');
  const pipeline = (document as { pipeline?: unknown }).pipeline;
  if (!Array.isArray(pipeline)) throw new ModelError(file, 'qos.pipeline', 'expected a list of steps');
  return pipeline.map((raw, index): PipelineStep => {
    const at = `qos.pipeline[${index}]`;
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new ModelError(file, at, 'expected an object { "filter": NAME, …parameters }');
    const { filter, ...params } = raw as Record<string, unknown>;
    if (typeof filter !== 'string') throw new ModelError(file, `${at}.filter`, 'missing the filter name (a string)');
    const spec = Object.hasOwn(specs, filter) ? specs[filter] : undefined;
    if (!spec) throw new ModelError(file, `${at}.filter`, `unknown filter "${filter}" (known: ${Object.keys(specs).sort().join(', ')})`);
    for (const model of ['services', 'infrastructure', 'distribution', 'previousDistribution']) {
      if (model in params) throw new ModelError(file, `${at}.${model}`, 'the models are given by the pipeline, not by a step');
    }
    try {
      checkParams(spec, params, true);
    } catch (error) {
      if (error instanceof ModelError) throw new ModelError(file, at, error.detail);
      throw error;
    }
    return { filter, params };
  });
}

export async function runPipeline(steps: PipelineStep[], specs: Record<string, FilterSpec>, context: FilterContext): Promise<Distribution> {
  let distribution = context.initialDistribution;
  for (const [index, step] of steps.entries()) {
    try {
      distribution = await runFilter(specs[step.filter]!, { ...step.params, distribution }, context);
    } catch (error) {
      // A filter's own complaint (a parameter it refuses at run time) names the step it came from.
      if (error instanceof ModelError && error.file === undefined && error.path === undefined) throw new ModelError(undefined, `qos.pipeline[${index}]`, error.detail);
      throw error;
    }
  }
  return distribution;
}
