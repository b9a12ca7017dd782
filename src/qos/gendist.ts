/**
 * dydisnix-gendist's job: load the models, make the initial distribution (the cartesian product or
 * `-d`), find the previous distribution (a file or the deployment state), run the QoS policy.
 */
import type { LoadOptions } from '../model/load.js';
import type { Distribution, Infrastructure, Services } from '../model/types.js';
import type { Explainer } from '../planners/common.js';
import type { FilterContext } from '../planners/registry.js';
import { loadOptionsOf } from '../model/load-options.js';

export interface GendistOptions extends LoadOptions {
  services: string;
  infrastructure: string;
  qos?: string;
  filters?: string;
  /** `-d`: initial candidates instead of the cartesian product. */
  distribution?: string;
  previousDistribution?: string;
  /** Deployment state folder and profile: `<stateDir>/<profile>/manifest.json` (src/deploy/state.ts). */
  stateDir?: string;
  profile?: string;
  explain?: boolean;
  /** `--max-moves N`: the move budget of the dynamic planners (docs/gendist.md, "Moves"). */
  maxMoves?: number;
  /** Where warnings go (e.g. a --max-moves budget that had to be exceeded); default: none. */
  warn?: (message: string) => void;
}

export interface GendistResult {
  distribution: Distribution;
  services: Services;
  infrastructure: Infrastructure;
  /** The previous distribution the policy got (null = none). */
  previousDistribution: Distribution | null;
}

/**
 * A previous distribution read from a file. JSON/XML ones (files or stdin) may name machines that are
 * gone: no target check for them; Nix ones are resolved against the infrastructure.
 */
export async function loadPreviousDistributionFile(file: string, loadOptions: LoadOptions, infrastructure: Infrastructure): Promise<Distribution> {
  const load = await import('../model/load.js');
  const data = file === '-'
    ? ['json', 'xml'].includes((await import('../model/formats/detect.js')).formatFromContent(await (await import('../io/input.js')).readText('-')))
    : /\.(json|xml)$/i.test(file);
  if (data) {
    const { distributionFromRaw } = await import('../model/schemas.js');
    return distributionFromRaw(await load.loadRaw('distribution', file, loadOptions), file);
  }
  return load.loadDistribution(file, { ...loadOptions, infrastructure });
}

async function loadPrevious(options: GendistOptions, loadOptions: LoadOptions, infrastructure: Infrastructure): Promise<Distribution | null> {
  if (options.previousDistribution) return loadPreviousDistributionFile(options.previousDistribution, loadOptions, infrastructure);
  // The deployment state of dydisnix-env (src/deploy/state.ts): <state-dir>/<profile>/manifest.json.
  const state = await import('../deploy/state.js');
  return state.previousDistributionFromState(options.stateDir ?? state.defaultStateDir(), options.profile ?? state.DEFAULT_PROFILE);
}

export async function gendist(options: GendistOptions, explainer?: Explainer): Promise<GendistResult> {
  const load = await import('../model/load.js');
  const loadOptions: LoadOptions = loadOptionsOf(options);
  const [services, infrastructure] = await Promise.all([load.loadServices(options.services, loadOptions), load.loadInfrastructure(options.infrastructure, loadOptions)]);
  const { createCartesianProduct } = await import('../planners/cartesian-product.js');
  const initialDistribution = options.distribution
    ? await load.loadDistribution(options.distribution, { ...loadOptions, infrastructure, services })
    : createCartesianProduct({ services, infrastructure });
  const previousDistribution = await loadPrevious(options, loadOptions, infrastructure);
  const context: FilterContext = {
    services,
    infrastructure,
    initialDistribution,
    previousDistribution,
    ...(explainer ? { explainer } : {}),
    ...(options.maxMoves !== undefined ? { maxMoves: options.maxMoves } : {}),
    ...(options.warn ? { warn: options.warn } : {}),
  };
  const { runPolicy } = await import('./policy.js');
  const distribution = await runPolicy(context, {
    ...(options.qos ? { qosFile: options.qos } : {}),
    ...(options.filters ? { filtersFile: options.filters } : {}),
    ...(options.showTrace ? { showTrace: true } : {}),
    modelFiles: {
      ...(options.services ? { services: options.services } : {}),
      ...(options.infrastructure ? { infrastructure: options.infrastructure } : {}),
      ...(options.distribution ? { distribution: options.distribution } : {}),
    },
  });
  // A hand-written result (Nix, JS or a catalogue filter) may name a service that does not exist
  // (a typo): that distribution could never be deployed. (Unknown targets are allowed: bound
  // services keep their previous machines even when those are gone, as in the original.)
  const unknown = Object.keys(distribution).filter((svc) => !Object.hasOwn(services, svc));
  if (unknown.length > 0) {
    const { ModelError } = await import('../errors.js');
    const { compareNames } = await import('../model/value.js');
    unknown.sort(compareNames);
    throw new ModelError(options.qos, `result.${unknown[0]}`, `the QoS model's result names ${unknown.map((s) => `"${s}"`).join(', ')}, not in the services model ${options.services}`);
  }
  if (options.maxMoves !== undefined && !context.dynamicRuns) {
    options.warn?.('--max-moves has no effect: the QoS policy ran no dynamic planner (divide or divideResources; docs/gendist.md, "Moves")');
  }
  return { distribution, services, infrastructure, previousDistribution };
}
