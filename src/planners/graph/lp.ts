/**
 * A small builder for integer programs, written as CPLEX LP text (the format HiGHS reads).
 *
 * Variables and constraints get generated names (`x0`, `x1`, …, `c0`, …) so that service and target
 * names, which may contain anything the models allow, never reach the LP text; callers keep their
 * own index → meaning tables. The text depends only on the order of the calls, so the same problem
 * is always written byte for byte the same (docs/graph.md, "Exact modes").
 */

export type VariableKind = 'binary' | 'continuous';

export interface Term {
  variable: number;
  coefficient: number;
}

export class LpProblem {
  private readonly kinds: VariableKind[] = [];
  private readonly upper: (number | undefined)[] = [];
  private readonly objective = new Map<number, number>();
  private readonly rows: string[] = [];

  /** A new variable (binary, or continuous ≥ 0 with an optional upper bound); returns its index. */
  variable(kind: VariableKind, upper?: number): number {
    this.kinds.push(kind);
    this.upper.push(upper);
    return this.kinds.length - 1;
  }

  get variableCount(): number {
    return this.kinds.length;
  }

  get constraintCount(): number {
    return this.rows.length;
  }

  /** Adds `coefficient` to the variable's objective coefficient (minimised). */
  cost(variable: number, coefficient: number): void {
    this.objective.set(variable, (this.objective.get(variable) ?? 0) + coefficient);
  }

  /** Σ terms (sense) rhs. Terms on the same variable are merged; zero coefficients dropped. */
  constraint(terms: readonly Term[], sense: '<=' | '>=' | '=', rhs: number): void {
    const merged = new Map<number, number>();
    for (const { variable, coefficient } of terms) merged.set(variable, (merged.get(variable) ?? 0) + coefficient);
    const kept = [...merged].filter(([, coefficient]) => coefficient !== 0);
    if (kept.length === 0) {
      const holds = sense === '<=' ? 0 <= rhs : sense === '>=' ? 0 >= rhs : rhs === 0;
      if (!holds) throw new Error(`lp: an empty constraint 0 ${sense} ${rhs} cannot hold (internal error)`);
      return;
    }
    this.rows.push(`c${this.rows.length}: ${linear(kept)} ${sense} ${number(rhs)}`);
  }

  /** The LP text. Every variable appears in the objective (coefficient 0 if need be), so HiGHS keeps it. */
  text(): string {
    const objectiveTerms: [number, number][] = this.kinds.map((_kind, i) => [i, this.objective.get(i) ?? 0]);
    const lines = ['\\ written by dydisnix (src/planners/graph/lp.ts)', 'Minimize', ` obj: ${linear(objectiveTerms, true)}`, 'Subject To'];
    for (const row of this.rows) lines.push(` ${row}`);
    const bounds: string[] = [];
    this.kinds.forEach((kind, i) => {
      const upper = this.upper[i];
      if (kind === 'continuous') bounds.push(upper === undefined ? ` x${i} >= 0` : ` 0 <= x${i} <= ${number(upper)}`);
    });
    if (bounds.length > 0) {
      lines.push('Bounds');
      for (const bound of bounds) lines.push(bound); // not push(...bounds): that overflows the stack on large problems
    }
    const binaries = this.kinds.flatMap((kind, i) => (kind === 'binary' ? [`x${i}`] : []));
    if (binaries.length > 0) {
      lines.push('Binary');
      for (let i = 0; i < binaries.length; i += 16) lines.push(` ${binaries.slice(i, i + 16).join(' ')}`);
    }
    lines.push('End', '');
    return lines.join('\n');
  }

  /** The generated name of a variable (what the solver reports values by). */
  static variableName(variable: number): string {
    return `x${variable}`;
  }
}

/** Numbers as LP text: integers plainly, others in JS's shortest round-trip form (exponents allowed by the format). */
function number(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`lp: coefficient ${value} is not finite (internal error)`);
  return String(value);
}

/** `2 x0 + x1 - 3 x4`, wrapped every 8 terms (LP readers limit line lengths). */
function linear(terms: readonly [number, number][], keepZero = false): string {
  const parts: string[] = [];
  terms.forEach(([variable, coefficient], i) => {
    if (coefficient === 0 && !keepZero) return;
    const sign = coefficient < 0 ? '-' : '+';
    const magnitude = Math.abs(coefficient);
    const term = `${magnitude === 1 ? '' : `${number(magnitude)} `}x${variable}`;
    const separator = parts.length === 0 ? (sign === '-' ? '- ' : '') : i % 8 === 0 ? `\n ${sign} ` : ` ${sign} `;
    parts.push(`${separator}${term}`);
  });
  return parts.length === 0 ? '0 x0' : parts.join('');
}
