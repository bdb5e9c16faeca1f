import { ConfigError } from './config-error.ts';
import type { ConfigIssue, ConfigPath } from './config-error.ts';
import { isPlainObject } from './deep-merge.ts';
import { describeValue, quoteValue } from './describe-value.ts';
import type { YamlSource } from './yaml-source.ts';
import { issueAt } from './yaml-source.ts';

/** One value a parameter takes in a grid. */
export type ParamValue = number | string | boolean | null;

/** Most values one `range()` may produce; beyond it is almost surely a wrong step. */
export const MAX_RANGE_VALUES = 100_000;

/** Most combinations one parameter grid may expand to (product over its keys). */
export const MAX_GRID_COMBINATIONS = 1_000_000;

/** Where a grid sits, for error positions. */
export interface GridContext {
  /** The parsed file the parameters came from; without it, errors carry no line. */
  source?: YamlSource | undefined;
  /** Path of the params mapping in that file, e.g. `['strategies', 0, 'params']`. */
  path: readonly (string | number)[];
}

/** The file name used when a grid has no source (built in code, or from `--set` only). */
const NO_FILE = '<config>';

const RANGE_START = /^\s*range\s*\(/;
const RANGE_FULL = /^\s*range\s*\((.*)\)\s*$/s;
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i;

/**
 * The values one parameter takes:
 *
 * - a scalar (`20`, `'close'`, `true`, `null`) → that one value;
 * - a list of scalars (`[10, 20, 30]`) → those values, in order;
 * - a string `range(start, stop, step)` → numbers from start up to, not including,
 *   stop (Python semantics, also `range(stop)` and `range(start, stop)`; step may be
 *   negative or fractional). Fractional values are computed in scaled integers and come
 *   out exactly as written: `range(0.1, 0.4, 0.1)` is `[0.1, 0.2, 0.3]`, never
 *   `0.30000000000000004` nor a stray `0.4`.
 *
 * @param path where the value sits, for error positions.
 * @throws ConfigError `GRID` for a zero step, an empty range, more than
 *   {@link MAX_RANGE_VALUES} values, a malformed `range()`, an empty list, or a list
 *   holding lists or mappings.
 */
export function parseParamSpec(value: unknown, path: readonly (string | number)[], source?: YamlSource): ParamValue[] {
  const fail = (at: readonly (string | number)[], message: string, hint?: string): never => {
    throw new ConfigError(gridIssue(source, at, message, hint));
  };
  if (Array.isArray(value)) {
    if (value.length === 0)
      fail(path, 'empty list: a parameter needs at least one value', 'give one value, or a list of the values to try');
    return value.map((v: unknown, i) => {
      if (typeof v === 'string' && RANGE_START.test(v)) {
        return fail(
          [...path, i],
          'range() cannot appear inside a list',
          'write the range on its own: fast_period: range(5, 50, 5)',
        );
      }
      if (!isScalar(v)) {
        return fail([...path, i], `expected a number, string or boolean in a grid list, received ${describeValue(v)}`);
      }
      return v;
    });
  }
  if (typeof value === 'string' && RANGE_START.test(value)) return parseRange(value, (m, h) => fail(path, m, h));
  if (isScalar(value)) return [value];
  return fail(path, `expected a value, a list of values or range(start, stop, step), received ${describeValue(value)}`);
}

/**
 * How many combinations `params` expands to, without expanding (each key's value count
 * multiplied; a scalar counts 1). Validates each value as {@link parseParamSpec} does.
 */
export function gridSize(params: Record<string, unknown>, ctx: GridContext = { path: [] }): number {
  let size = 1;
  for (const key of Object.keys(params)) size *= valuesOf(params[key], [...ctx.path, key], ctx.source).length;
  return size;
}

/**
 * Expands a parameter grid into every combination (the cartesian product), in a fixed
 * order: keys in the order given, the LAST key varying fastest, each key's values in
 * their own order. A scalar stays one value; a nested mapping is kept whole as one
 * value (it is a structured parameter, not a grid).
 *
 * @example
 * expandGrid({ fast: [5, 10], slow: 'range(20, 40, 10)', ma: 'ema' }, { path: [] })
 * // [{fast: 5, slow: 20, ma: 'ema'}, {fast: 5, slow: 30, ma: 'ema'},
 * //  {fast: 10, slow: 20, ma: 'ema'}, {fast: 10, slow: 30, ma: 'ema'}]
 *
 * @throws ConfigError `GRID` for a bad value (see {@link parseParamSpec}) or more than
 *   {@link MAX_GRID_COMBINATIONS} combinations.
 */
export function expandGrid(params: Record<string, unknown>, ctx: GridContext): Record<string, unknown>[] {
  const keys = Object.keys(params);
  const issues: ConfigIssue[] = [];
  const axes: unknown[][] = [];
  for (const key of keys) {
    try {
      axes.push(valuesOf(params[key], [...ctx.path, key], ctx.source));
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      issues.push(...err.issues); // report every bad parameter at once
    }
  }
  if (issues.length > 0) throw new ConfigError(issues);

  const total = axes.reduce((n, a) => n * a.length, 1);
  if (total > MAX_GRID_COMBINATIONS) {
    const factors = keys
      .map((k, i) => ({ k, n: axes[i]!.length }))
      .filter((f) => f.n > 1)
      .map((f) => `${f.k} ${f.n}`)
      .join(' × ');
    throw new ConfigError(
      gridIssue(
        ctx.source,
        ctx.path,
        `parameter grid has ${total.toLocaleString('en-US')} combinations (${factors}), more than the limit of ${MAX_GRID_COMBINATIONS.toLocaleString('en-US')}`,
        'narrow the ranges or use larger steps',
      ),
    );
  }

  const out: Record<string, unknown>[] = [];
  const idx = new Array<number>(keys.length).fill(0);
  for (let n = 0; n < total; n++) {
    const combo: Record<string, unknown> = {};
    for (let k = 0; k < keys.length; k++) combo[keys[k]!] = axes[k]![idx[k]!];
    out.push(combo);
    // Odometer: bump the last key, carry leftwards.
    for (let k = keys.length - 1; k >= 0; k--) {
      if (++idx[k]! < axes[k]!.length) break;
      idx[k] = 0;
    }
  }
  return out;
}

/** A parameter's values for the grid; nested mappings stay one value. */
function valuesOf(value: unknown, path: ConfigPath, source: YamlSource | undefined): unknown[] {
  return isPlainObject(value) ? [value] : parseParamSpec(value, path, source);
}

function isScalar(v: unknown): v is ParamValue {
  return v === null || typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean';
}

// ---------------------------------------------------------------------------------
// range()

/** Parses and expands `range(...)`; `fail` throws a located error. */
function parseRange(text: string, fail: (message: string, hint?: string) => never): number[] {
  const m = RANGE_FULL.exec(text);
  if (m === null)
    return fail(`malformed range: ${quoteValue(text)}`, 'write range(start, stop, step), e.g. range(5, 50, 5)');
  const args = m[1]!.split(',').map((a) => a.trim());
  if (args.length === 1 && args[0] === '')
    return fail('range() needs at least a stop value', 'write range(start, stop, step), e.g. range(5, 50, 5)');
  if (args.length > 3)
    return fail(
      `range() takes at most 3 arguments (start, stop, step), received ${args.length}`,
      'e.g. range(5, 50, 5)',
    );
  const nums = args.map((a) => {
    if (!NUMBER.test(a)) return fail(`range() arguments must be numbers, received '${a}'`, 'e.g. range(5, 50, 5)');
    return Number(a);
  });
  const [start, stop, step] = nums.length === 1 ? [0, nums[0]!, 1] : [nums[0]!, nums[1]!, nums[2] ?? 1];
  const shown = `range(${args.join(', ')})`;

  if (step === 0) {
    return fail(
      'range() step must not be 0',
      `write range(${fmt(start)}, ${fmt(stop)}, ${stop >= start ? '' : '-'}${fmt(defaultStep(start, stop))})`,
    );
  }
  const count = rangeCount(args, start, stop, step);
  if (count <= 0) {
    if (start === stop) {
      return fail(
        `${shown} is empty: start equals stop, and stop is excluded`,
        `to try ${fmt(start)} alone, write ${fmt(start)}`,
      );
    }
    const up = stop > start;
    return fail(
      `${shown} is empty: ${up ? 'stop is above start but the step is negative' : 'stop is below start but the step is positive'}`,
      `count ${up ? 'up' : 'down'} with a ${up ? 'positive' : 'negative'} step: range(${fmt(start)}, ${fmt(stop)}, ${fmt(-step)})`,
    );
  }
  if (count > MAX_RANGE_VALUES) {
    return fail(
      `${shown} has ${count.toLocaleString('en-US')} values, more than the limit of ${MAX_RANGE_VALUES.toLocaleString('en-US')}`,
      'use a larger step',
    );
  }
  return rangeValues(args, start, stop, step, count);
}

/** A step for the hint when the user wrote 0: a tenth of the span, at least 1 for integers. */
function defaultStep(start: number, stop: number): number {
  const span = Math.abs(stop - start);
  if (Number.isInteger(start) && Number.isInteger(stop)) return Math.max(1, Math.round(span / 10));
  return Number((span / 10).toPrecision(2)) || 1;
}

function fmt(n: number): string {
  return String(n);
}

/** Decimal places written in a numeric literal (`0.25` → 2, `1e-3` → 3, `5` → 0). */
function decimals(literal: string): number {
  const m = /^[+-]?(\d*)(?:\.(\d*))?(?:e([+-]?\d+))?$/i.exec(literal);
  if (m === null) return 0;
  return Math.max(0, (m[2] ?? '').length - Number(m[3] ?? 0));
}

/**
 * Scaled-integer view of the range: with `scale = 10^d` (d the most decimals written
 * in any argument), start, stop and step are exact integers, so counting and stepping
 * accumulate no binary rounding. Undefined when scaling would leave safe integers.
 */
function scaled(
  args: readonly string[],
  start: number,
  stop: number,
  step: number,
): { s: number; e: number; t: number; scale: number } | undefined {
  const d = Math.max(...args.map(decimals));
  if (d > 15) return undefined;
  const scale = 10 ** d;
  const [s, e, t] = [start, stop, step].map((x) => Math.round(x * scale)) as [number, number, number];
  if (![s, e, t].every(Number.isSafeInteger)) return undefined;
  return { s, e, t, scale };
}

function rangeCount(args: readonly string[], start: number, stop: number, step: number): number {
  const sc = scaled(args, start, stop, step);
  if (sc !== undefined) return Math.max(0, Math.ceil((sc.e - sc.s) / sc.t));
  // Far outside safe integers: fall back to floats, rounded before ceil so that
  // 2.9999999999999996 counts as 3.
  return Math.max(0, Math.ceil(Number(((stop - start) / step).toPrecision(12))));
}

function rangeValues(args: readonly string[], start: number, stop: number, step: number, count: number): number[] {
  const sc = scaled(args, start, stop, step);
  const out = new Array<number>(count);
  for (let i = 0; i < count; i++) {
    // Dividing exact integers by a power of ten gives the double nearest the decimal,
    // the same number the user would get by typing it.
    const v = sc !== undefined ? (sc.s + i * sc.t) / sc.scale : Number((start + i * step).toPrecision(10));
    out[i] = v === 0 ? 0 : v; // no -0 in results
  }
  return out;
}

function gridIssue(
  source: YamlSource | undefined,
  path: readonly (string | number)[],
  message: string,
  hint?: string,
): ConfigIssue {
  if (source !== undefined) return issueAt(source, path, 'GRID', message, hint);
  const issue: ConfigIssue = { code: 'GRID', file: NO_FILE, line: null, col: null, path: [...path], message };
  if (hint !== undefined) issue.hint = hint;
  return issue;
}
