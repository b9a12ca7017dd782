/**
 * Shared pieces of the filter library: argument types, property lookup with errors that name the
 * service and the target (exit 2), value equality/ordering with Nix semantics, and the explain trace.
 */
import { ModelError } from '../errors.js';
import type { Distribution, Infrastructure, Mapping, Service, Services, Target } from '../model/types.js';
import { isAttrs, type Value } from '../model/value.js';

/** The model arguments every filter may use (contract §3: one object argument). */
export interface ModelArgs {
  services: Services;
  infrastructure: Infrastructure;
  distribution: Distribution;
  previousDistribution?: Distribution | null;
}

/** A filter's error about its own arguments or the models it reads: exit 2, wrapped with the policy file by the QoS layer. */
export function filterError(filter: string, detail: string, path?: string): ModelError {
  return new ModelError(undefined, path, `${filter}: ${detail}`);
}

/**
 * A filter's model error names a model path (`infrastructure.t1.properties.mem`) but no file; a
 * command that read the models from files names the file the path belongs to.
 */
export function withModelFile(error: unknown, files: { services?: string; infrastructure?: string; distribution?: string }): unknown {
  if (!(error instanceof ModelError) || error.file !== undefined || error.path === undefined) return error;
  const root = error.path.split(/[.[]/, 1)[0] as keyof typeof files;
  const file = Object.hasOwn(files, root) ? files[root] : undefined;
  return file === undefined ? error : new ModelError(file, error.path, error.detail);
}

export function requireString(filter: string, args: Record<string, unknown>, name: string): string {
  const value = args[name];
  if (value === undefined || value === null) throw filterError(filter, `missing parameter "${name}"`);
  if (typeof value !== 'string') throw filterError(filter, `parameter "${name}" must be a string, got ${typeof value}`);
  return value;
}

export function lookupService(filter: string, services: Services, name: string): Service {
  const service = Object.hasOwn(services, name) ? services[name] : undefined;
  if (!service) throw filterError(filter, `the distribution names service "${name}", which is not in the services model`, `distribution.${name}`);
  return service;
}

export function lookupTarget(filter: string, infrastructure: Infrastructure, name: string, service: string): Target {
  const target = Object.hasOwn(infrastructure, name) ? infrastructure[name] : undefined;
  if (!target) throw filterError(filter, `service "${service}" has candidate target "${name}", which is not in the infrastructure model`, `distribution.${service}`);
  return target;
}

/** A service attribute as the Nix filters see it (`services.svc.<prop>`), or undefined. */
export function serviceValue(service: Service, property: string): Value | undefined {
  switch (property) {
    case 'name':
      return service.name;
    case 'type':
      return service.type;
    case 'dependsOn':
      return service.dependsOn;
    case 'connectsTo':
      return service.connectsTo;
    case 'activatesAfter':
      return service.activatesAfter;
    case 'pkg':
      return service.pkg;
    default:
      return Object.hasOwn(service.properties, property) ? service.properties[property] : undefined;
  }
}

export function targetValue(target: Target, property: string): Value | undefined {
  return Object.hasOwn(target.properties, property) ? target.properties[property] : undefined;
}

/** A service property that must exist: exit 2 naming the service, the property and the target being matched. */
export function requireServiceValue(filter: string, service: Service, property: string, target?: string): Value {
  const value = serviceValue(service, property);
  if (value === undefined) {
    const against = target === undefined ? '' : ` (needed to match candidate target "${target}")`;
    throw filterError(filter, `service "${service.name}" has no property "${property}"${against}`, `services.${service.name}.${property}`);
  }
  return value;
}

export function requireTargetValue(filter: string, target: Target, property: string, service: string): Value {
  const value = targetValue(target, property);
  if (value === undefined) {
    throw filterError(filter, `target "${target.name}" has no property "${property}" (needed for service "${service}")`, `infrastructure.${target.name}.properties.${property}`);
  }
  return value;
}

/** Nix `==`: deep structural equality; ints and floats compare numerically. */
export function valueEquals(a: Value | undefined, b: Value | undefined): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => valueEquals(x, b[i]));
  if (Array.isArray(b) || !isAttrs(a) || !isAttrs(b)) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => Object.hasOwn(b, k) && valueEquals(a[k], b[k]));
}

/** Nix `<` on two values: numbers numerically, strings byte-wise; anything else cannot be compared. */
export function valueLess(a: Value, b: Value): boolean | undefined {
  if (typeof a === 'number' && typeof b === 'number') return a < b;
  if (typeof a === 'string' && typeof b === 'string') return a < b;
  return undefined;
}

export function showValue(value: Value | undefined): string {
  return value === undefined ? '<missing>' : JSON.stringify(value);
}

export function showMapping(mapping: Mapping): string {
  return mapping.container === undefined ? mapping.target : `${mapping.target}/${mapping.container}`;
}

export function sameMapping(a: Mapping, b: Mapping): boolean {
  return a.target === b.target && (a.container ?? '') === (b.container ?? '');
}

// ---------------------------------------------------------------------------------------------
// Explain trace: per service, for each step, the candidates kept and removed and why.

export interface StepTrace {
  /** Why a candidate was removed from a service's list. */
  removed(service: string, mapping: Mapping, reason: string): void;
  /** A note about a service in this step (the choice of a planner, the sort keys, …). */
  note(service: string, text: string): void;
  /** A note about the step as a whole (an exact planner's objective, bound and gap), under the step list. */
  summary?(text: string): void;
}

interface StepRecord {
  label: string;
  reasons: Map<string, Map<string, string>>;
  notes: Map<string, string[]>;
  summaries: string[];
  before: Distribution | undefined;
  after: Distribution | undefined;
  /** The step's error message when it failed (`after` then holds its partial result, if any). */
  failed?: string;
}

export class Explainer {
  private readonly steps: StepRecord[] = [];

  /** Starts a step; `finish` records its input and output distributions for the diff. */
  begin(label: string): {
    trace: StepTrace;
    finish: (before: Distribution | undefined, after: Distribution) => void;
    fail: (before: Distribution | undefined, partial: Distribution | undefined, message: string) => void;
  } {
    const record: StepRecord = { label, reasons: new Map(), notes: new Map(), summaries: [], before: undefined, after: undefined };
    this.steps.push(record);
    const trace: StepTrace = {
      removed(service, mapping, reason) {
        let perService = record.reasons.get(service);
        if (!perService) record.reasons.set(service, (perService = new Map()));
        perService.set(showMapping(mapping), reason);
      },
      note(service, text) {
        const list = record.notes.get(service);
        if (list) list.push(text);
        else record.notes.set(service, [text]);
      },
      summary(text) {
        record.summaries.push(text);
      },
    };
    return {
      trace,
      finish(before, after) {
        record.before = before;
        record.after = after;
      },
      fail(before, partial, message) {
        record.before = before;
        record.after = partial;
        record.failed = message;
      },
    };
  }

  get stepCount(): number {
    return this.steps.length;
  }

  /** The report, services in sorted order. */
  render(): string {
    return [...this.chunks()].join('');
  }

  /** The report in chunks (one per service), for large runs. */
  *chunks(): Generator<string> {
    const services = new Set<string>();
    for (const step of this.steps) {
      for (const name of Object.keys(step.after ?? {})) services.add(name);
      for (const name of Object.keys(step.before ?? {})) services.add(name);
    }
    const lines: string[] = [];
    lines.push(`explain: ${this.steps.length} step${this.steps.length === 1 ? '' : 's'}`);
    const failed = this.steps.findIndex((step) => step.failed !== undefined);
    this.steps.forEach((step, i) => {
      lines.push(`  step ${i + 1}: ${step.label}${step.failed === undefined ? '' : ' (failed, see below)'}`);
      for (const text of step.summaries) lines.push(`    ${text}`);
    });
    if (failed !== -1) lines.push(`  step ${failed + 1} failed: ${this.steps[failed]!.failed}`);
    yield `${lines.join('\n')}\n`;
    for (const service of [...services].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) {
      lines.length = 0;
      lines.push(`service ${service}:`);
      this.steps.forEach((step, i) => {
        const before = step.before?.[service];
        const after = step.after?.[service];
        const prefix = `  step ${i + 1} (${step.label.split(' ')[0]}):`;
        if (after === undefined && step.failed !== undefined) {
          // The step stopped before (or while) handling this service: say why, with what it recorded.
          if (before === undefined) return;
          const reasons = step.reasons.get(service);
          const parts = [reasons || step.notes.has(service) ? 'no result' : 'no result (the step failed)'];
          if (reasons) parts.push(`removed ${[...reasons].map(([m, why]) => `${m} (${why})`).join(', ')}`);
          parts.push(...(step.notes.get(service) ?? []));
          lines.push(`${prefix} ${parts.join('; ')}`);
          return;
        }
        if (after === undefined) {
          if (before !== undefined) lines.push(`${prefix} service dropped from the distribution`);
          return;
        }
        const kept = after.map(showMapping);
        const afterKeys = new Set(kept);
        const removed = (before ?? []).filter((m) => !afterKeys.has(showMapping(m)));
        const reasons = step.reasons.get(service);
        const parts = [`kept [${kept.join(', ')}]`];
        if (removed.length > 0) {
          parts.push(`removed ${removed.map((m) => `${showMapping(m)} (${reasons?.get(showMapping(m)) ?? 'not kept by this filter'})`).join(', ')}`);
        }
        const beforeKeys = new Set((before ?? []).map(showMapping));
        const added = kept.filter((k) => !beforeKeys.has(k));
        if (before !== undefined && added.length > 0) parts.push(`added [${added.join(', ')}]`);
        const notes = step.notes.get(service);
        if (notes) parts.push(...notes);
        lines.push(`${prefix} ${parts.join('; ')}`);
      });
      yield `${lines.join('\n')}\n`;
    }
  }
}
