/**
 * `{{ … }}` templates in workflow patterns and configs: `{{ config.data.timeframe }}`,
 * `{{ params.min_sharpe }}`, `{{ phases.optimize.best.parameters }}`,
 * `{{ phases.optimize.metrics.sharpe_ratio }}`, `{{ iteration }}`.
 *
 * A string that is exactly one template becomes the referenced value itself (a number,
 * a mapping…); a string with text around its templates, or several of them, is text with
 * each value interpolated (mappings and lists as JSON). A reference is a path of names
 * and list indices (`phases.optimize.iterations[0].metrics`, or `.0`); nothing is
 * evaluated.
 */
import { SluiceError } from '../errors/sluice-error.ts';
import type { ConfigPath } from '../config/config-error.ts';
import { renderPath } from '../config/config-path.ts';
import { clonePlain, isPlainObject } from '../config/deep-merge.ts';
import { didYouMean } from '../errors/suggest.ts';

/** Matches one template; the group is the reference inside the braces. */
const TEMPLATE = /\{\{(.*?)\}\}/g;
/** A string that is one template and nothing else. */
const WHOLE = /^\{\{([^{}]*)\}\}$/;
const SEGMENT = /^[A-Za-z_][\w-]*$/;

/** A template found in a value: where it is and what it refers to. */
export interface TemplateUse {
  /** Path of the string holding it, inside the value that was searched. */
  readonly at: ConfigPath;
  /** The reference as written, e.g. `phases.optimize.best.parameters`. */
  readonly text: string;
  /** The parsed reference, or undefined when it cannot be read as a path. */
  readonly path: readonly (string | number)[] | undefined;
}

/** A template that cannot be resolved; `at` is where it is inside the resolved value. */
export class TemplateError extends SluiceError {
  readonly category = 'template';
  constructor(
    message: string,
    /** The reference as written. */
    readonly ref: string,
    /** Path of the string holding it, inside the value being resolved. */
    readonly at: ConfigPath,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'TemplateError';
  }
}

/** Reads `a.b[0].c` (or `a.b.0.c`) as a path; undefined when it is not one. */
export function parseReference(text: string): (string | number)[] | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  const out: (string | number)[] = [];
  for (const part of t.replace(/\[(\d+)\]/g, '.$1').split('.')) {
    if (/^\d+$/.test(part)) out.push(Number(part));
    else if (SEGMENT.test(part)) out.push(part);
    else return undefined;
  }
  return typeof out[0] === 'string' ? out : undefined;
}

/** True when `value` is a string holding at least one template. */
export function hasTemplate(value: unknown): value is string {
  return typeof value === 'string' && value.includes('{{');
}

/** Every template in `value` (strings nested in mappings and lists), in document order. */
export function findTemplates(value: unknown, at: ConfigPath = []): TemplateUse[] {
  const out: TemplateUse[] = [];
  const visit = (v: unknown, path: ConfigPath): void => {
    if (typeof v === 'string') {
      for (const m of v.matchAll(TEMPLATE)) out.push({ at: path, text: m[1]!.trim(), path: parseReference(m[1]!) });
    } else if (Array.isArray(v)) {
      v.forEach((item, i) => visit(item, [...path, i]));
    } else if (isPlainObject(v)) {
      for (const [k, item] of Object.entries(v)) visit(item, [...path, k]);
    }
  };
  visit(value, at);
  return out;
}

/** The outcome of looking a path up: the value, or why there is none. */
export type Lookup =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly message: string; readonly hint?: string };

/**
 * Follows `path` through `scope`. A missing key or a step into null says which part of
 * the path is missing and, when it can, suggests a close key.
 *
 * @param explainNull adds context when a step meets null (e.g. why a phase has no best result).
 */
export function lookup(
  scope: unknown,
  path: readonly (string | number)[],
  explainNull?: (prefix: readonly (string | number)[]) => string | undefined,
): Lookup {
  let cur: unknown = scope;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i]!;
    const prefix = path.slice(0, i);
    if (cur === null || cur === undefined) {
      const why = explainNull?.(prefix);
      return { ok: false, message: `${renderPath([...prefix])} is null${why !== undefined ? ` (${why})` : ''}` };
    }
    if (Array.isArray(cur)) {
      if (typeof seg !== 'number' || seg >= cur.length) {
        return {
          ok: false,
          message: `${renderPath([...prefix])} is a list of ${cur.length}: no item ${typeof seg === 'number' ? `[${seg}]` : `'${seg}'`}`,
        };
      }
      cur = cur[seg];
      continue;
    }
    if (isPlainObject(cur)) {
      const key = String(seg);
      if (!Object.hasOwn(cur, key) || cur[key] === undefined) {
        const keys = Object.keys(cur);
        const where =
          prefix.length === 0 ? `'${key}' is not a template root` : `${renderPath([...prefix])} has no '${key}'`;
        const guess = didYouMean(key, keys);
        const hint =
          guess !== undefined
            ? `did you mean '${guess}'?`
            : keys.length > 0
              ? `${prefix.length === 0 ? 'roots' : 'keys'}: ${keys.slice(0, 20).join(', ')}`
              : undefined;
        return hint !== undefined ? { ok: false, message: where, hint } : { ok: false, message: where };
      }
      cur = cur[key];
      continue;
    }
    return {
      ok: false,
      message: `${renderPath([...prefix])} is ${JSON.stringify(cur)}, which has no '${String(seg)}'`,
    };
  }
  return { ok: true, value: cur };
}

/** Options of {@link resolveTemplates}. */
export interface ResolveOptions {
  /** Context for a reference that meets null (see {@link lookup}). */
  readonly explainNull?: (prefix: readonly (string | number)[]) => string | undefined;
}

/**
 * Returns a copy of `value` with every template resolved against `scope` (a mapping of
 * roots: `config`, `params`, `phases`, `iteration`…). The input is not changed.
 *
 * @throws TemplateError for the first template that cannot be resolved, with its path.
 */
export function resolveTemplates(
  value: unknown,
  scope: Readonly<Record<string, unknown>>,
  options: ResolveOptions = {},
): unknown {
  const visit = (v: unknown, at: ConfigPath): unknown => {
    if (typeof v === 'string') return hasTemplate(v) ? resolveString(v, scope, at, options) : v;
    if (Array.isArray(v)) return v.map((item, i) => visit(item, [...at, i]));
    if (isPlainObject(v)) {
      const out: Record<string, unknown> = {};
      for (const [k, item] of Object.entries(v)) {
        if (k === '__proto__')
          Object.defineProperty(out, k, {
            value: visit(item, [...at, k]),
            enumerable: true,
            writable: true,
            configurable: true,
          });
        else out[k] = visit(item, [...at, k]);
      }
      return out;
    }
    return v;
  };
  return visit(value, []);
}

function resolveString(
  text: string,
  scope: Readonly<Record<string, unknown>>,
  at: ConfigPath,
  options: ResolveOptions,
): unknown {
  const get = (ref: string): unknown => {
    const path = parseReference(ref);
    if (path === undefined) {
      throw new TemplateError(
        `cannot read {{ ${ref.trim()} }} as a reference`,
        ref.trim(),
        at,
        'write a dotted path such as {{ phases.optimize.best.parameters }}',
      );
    }
    const found = lookup(scope, path, options.explainNull);
    if (!found.ok)
      throw new TemplateError(`cannot resolve {{ ${ref.trim()} }}: ${found.message}`, ref.trim(), at, found.hint);
    return found.value;
  };
  const whole = WHOLE.exec(text);
  if (whole !== null) return clonePlain(get(whole[1]!));
  return text.replace(TEMPLATE, (_, ref: string) => interpolate(get(ref)));
}

/** How a value reads inside text. */
export function interpolate(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  return JSON.stringify(value);
}
