/**
 * Solving an integer program with HiGHS (the `highs` npm package: HiGHS compiled to WebAssembly).
 * The only module that loads it, and only when called: the exact modes are the only users, so the
 * start-up of every other path is unchanged (docs/graph.md, "Exact modes").
 *
 * The persistent model API gives what the one-shot `solve()` does not: a MIP start (the heuristic's
 * plan, so the incumbent is never worse than it), and after the run the best bound
 * (`mip_dual_bound`) next to the incumbent's objective.
 */
import { ToolError } from '../../errors.js';
import { LpProblem } from './lp.js';

export type MipStatus = 'optimal' | 'infeasible' | 'time-limit' | 'interrupted';

export interface MipResult {
  status: MipStatus;
  /** Value of every variable (by index) of the incumbent, when there is one. */
  values: Float64Array | undefined;
  /** The incumbent's objective as the solver computed it. */
  objective: number | undefined;
  /** The best proven lower bound (minimisation); −Infinity when nothing is proven. */
  bound: number;
  /** Wall-clock seconds spent by the solver. */
  seconds: number;
}

export interface MipOptions {
  /** Seconds; undefined = no limit. */
  timeLimit?: number;
  /** A feasible assignment of every variable (by index) to start from. */
  start?: Float64Array;
}

type HighsLoader = typeof import('highs').default;
type HighsRuntime = Awaited<ReturnType<HighsLoader>>;
let runtime: Promise<HighsRuntime> | undefined;

async function loadHighs(): Promise<HighsRuntime> {
  // The package is CommonJS with an ESM build (build/highs.mjs) whose default export is the loader;
  // its typings describe the CommonJS side, hence the cast.
  runtime ??= import('highs').then(
    (module) => (module.default as unknown as HighsLoader)(),
    (error: unknown) => {
      throw new ToolError(`the exact mode needs the "highs" package, which could not be loaded: ${(error as Error).message}`);
    },
  );
  return runtime;
}

/** Solves `problem` (minimisation). Deterministic without a time limit: one thread, fixed seed. */
export async function solveMip(problem: LpProblem, options: MipOptions = {}): Promise<MipResult> {
  const highs = await loadHighs();
  const model = highs.createModel({ format: 'lp', data: problem.text() });
  try {
    model.options.set({
      output_flag: false,
      random_seed: 0,
      // Optimal means optimal: no relative tolerance (HiGHS defaults to 0.01 %).
      mip_rel_gap: 0,
      mip_abs_gap: 1e-6,
      ...(options.timeLimit === undefined ? {} : { time_limit: options.timeLimit }),
    });
    // Columns are numbered by first appearance in the text; map them back to our variables by name.
    const columns = model.getDimensions().numCols;
    const variableOfColumn = new Int32Array(columns);
    for (let column = 0; column < columns; column++) {
      const name = model.getColName(column);
      variableOfColumn[column] = Number(name.slice(1));
    }
    if (options.start) {
      const colValue = Float64Array.from(variableOfColumn, (variable) => options.start![variable]!);
      model.setSolution({ colValue });
    }
    const { modelStatus } = model.run();
    const codes = highs.constants.modelStatus;
    const status: MipStatus =
      modelStatus === codes.optimal ? 'optimal' : modelStatus === codes.infeasible ? 'infeasible' : modelStatus === codes.timeLimit ? 'time-limit' : 'interrupted';
    if (status === 'interrupted' && modelStatus !== codes.interrupted && modelStatus !== codes.solutionLimit && modelStatus !== codes.iterationLimit) {
      throw new ToolError(`HiGHS could not solve the integer program (model status ${modelStatus})`);
    }
    const hasSolution = Number(model.info.get('primal_solution_status')) === 2; // 2 = feasible
    let values: Float64Array | undefined;
    if (hasSolution) {
      const colValue = model.getSolution().colValue;
      values = new Float64Array(problem.variableCount);
      for (let column = 0; column < columns; column++) values[variableOfColumn[column]!] = colValue[column]!;
    }
    const objective = hasSolution ? model.getObjectiveValue() : undefined;
    const dualBound = Number(model.info.get('mip_dual_bound'));
    const bound = status === 'optimal' && objective !== undefined ? objective : Number.isFinite(dualBound) ? dualBound : -Infinity;
    return { status, values, objective, bound, seconds: model.getRunTime() };
  } finally {
    model.dispose();
  }
}
