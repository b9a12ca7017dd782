/**
 * Typed errors. Each carries the context a user needs to fix the problem; `exitCodeFor` is the one
 * place that turns them into exit statuses (contract §1: 1 = the job cannot be done, 2 = usage error
 * or invalid model).
 */

export abstract class DydisnixError extends Error {
  abstract readonly exitCode: 1 | 2;
}

/** A bad command line: missing or conflicting options. */
export class UsageError extends DydisnixError {
  readonly exitCode = 2 as const;
  override name = 'UsageError';
}

/**
 * An invalid model. `file` is the input file (or `-` for stdin), `path` the model path such as
 * `services.web.dependsOn[0]`. The message reads `services.json: services.web.dependsOn[0]: unknown service "db"`.
 */
export class ModelError extends DydisnixError {
  readonly exitCode = 2 as const;
  override name = 'ModelError';
  constructor(
    readonly file: string | undefined,
    readonly path: string | undefined,
    readonly detail: string,
  ) {
    super([file, path, detail].filter((part) => part !== undefined && part !== '').join(': '));
  }
}

/** The planning job itself cannot be done: not enough capacity, IDs depleted, too few machines. */
export class PlanningError extends DydisnixError {
  readonly exitCode = 1 as const;
  override name = 'PlanningError';
  /** Optional partial result, printed to stderr by the CLI layer. */
  constructor(message: string, readonly partialOutput?: string) {
    super(message);
  }
}

/** An activation (Dysnomia module run, deployment step) failed. */
export class ActivationError extends DydisnixError {
  readonly exitCode = 1 as const;
  override name = 'ActivationError';
}

/** An external tool (nix-instantiate, dot) is missing or failed in a way that is not the model's fault. */
export class ToolError extends DydisnixError {
  readonly exitCode = 1 as const;
  override name = 'ToolError';
}

/**
 * Writing an output failed for a reason that is not the path the user gave (a full disk, an I/O
 * error): the job cannot be done. Path problems (not writable, a file where a folder is wanted, …)
 * are UsageErrors naming the path (see io/atomic.ts).
 */
export class OutputError extends DydisnixError {
  readonly exitCode = 1 as const;
  override name = 'OutputError';
}

export function exitCodeFor(error: unknown): 1 | 2 {
  if (error instanceof DydisnixError) return error.exitCode;
  return 1;
}
