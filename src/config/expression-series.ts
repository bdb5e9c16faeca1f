/**
 * The series functions of an expression (`prev`, `crosses_above`/`crosses_below`,
 * `bars_since`, `highest`/`lowest`): what each computes, and the state each keeps per
 * evaluator, updated once per bar in O(1) (amortised O(1) for a window's extreme, a
 * monotonic deque) without allocating.
 */
import type { CompiledExpression, ExpressionValue } from './expression-language.ts';

/** The series functions, as their usage is shown in error messages and docs. */
export const SERIES_FUNCTIONS: Readonly<Record<string, string>> = {
  prev: 'prev(x, n): x as it was n bars ago (n ≥ 1; NaN for the first n bars)',
  crosses_above: 'crosses_above(a, b): true on the bar where a moves above b (the last non-zero a − b was negative)',
  crosses_below: 'crosses_below(a, b): true on the bar where a moves below b (the last non-zero a − b was positive)',
  bars_since: 'bars_since(cond): bars since cond was last true (0 on that bar; NaN before it ever was)',
  highest:
    'highest(x, n): the largest x of the last n bars, this one included (NaN until n bars, or while one of them is NaN)',
  lowest:
    'lowest(x, n): the smallest x of the last n bars, this one included (NaN until n bars, or while one of them is NaN)',
};

/** The longest lag or window a series function may have, in bars. */
export const MAX_SERIES_BARS = 100_000;
/**
 * A series function's state in one evaluator: `update` runs once per bar (after the
 * updates of the series functions in its arguments), `value` then reads its result.
 */
export interface SeriesState {
  readonly update: (scope: Readonly<Record<string, ExpressionValue>>) => void;
  readonly value: () => ExpressionValue;
}

/** `prev(x, lag)`: x as it was `lag` bars ago, in a ring of lag + 1 slots. */
export function laggedValue(x: CompiledExpression, lag: number): SeriesState {
  const size = lag + 1;
  const ring = new Float64Array(size);
  let next = 0;
  let seen = 0;
  let out = NaN;
  return {
    update: (s) => {
      ring[next] = num(x(s));
      next = next + 1 === size ? 0 : next + 1;
      if (seen < size) seen++;
      // `next` is now the oldest slot: the value `lag` bars before this one.
      out = seen === size ? ring[next]! : NaN;
    },
    value: () => out,
  };
}

/** `crosses_above(a, b)` (`up`) or `crosses_below(a, b)`: the sign of a − b changed on this bar. */
export function crossing(a: CompiledExpression, b: CompiledExpression, up: boolean): SeriesState {
  let last = 0;
  let out = false;
  return {
    update: (s) => {
      const d = num(a(s)) - num(b(s));
      const sign = d > 0 ? 1 : d < 0 ? -1 : 0; // NaN: no side, no cross
      out = up ? sign === 1 && last === -1 : sign === -1 && last === 1;
      if (sign !== 0) last = sign;
    },
    value: () => out,
  };
}

/** `bars_since(cond)`: bars since `cond` was last true. */
export function barsSince(cond: CompiledExpression): SeriesState {
  let count = NaN;
  return {
    update: (s) => {
      if (bool(cond(s))) count = 0;
      else if (!Number.isNaN(count)) count++;
    },
    value: () => count,
  };
}

/**
 * `highest(x, period)` (`max`) or `lowest(x, period)`: a monotonic deque of (bar, value)
 * in rings of `period` slots.
 */
export function windowExtreme(x: CompiledExpression, period: number, max: boolean): SeriesState {
  const values = new Float64Array(period);
  const bars = new Float64Array(period);
  let head = 0;
  let size = 0;
  let bar = -1;
  let lastNaN = -Infinity;
  let out = NaN;
  return {
    update: (s) => {
      const v = num(x(s));
      bar++;
      // Drop what left the window [bar − period + 1, bar].
      while (size > 0 && bars[head]! <= bar - period) {
        head = head + 1 === period ? 0 : head + 1;
        size--;
      }
      if (Number.isNaN(v)) lastNaN = bar;
      else {
        // Drop from the back what v dominates; the deque's values stay monotonic.
        while (size > 0) {
          const back = (head + size - 1) % period;
          if (max ? values[back]! <= v : values[back]! >= v) size--;
          else break;
        }
        const slot = (head + size) % period;
        values[slot] = v;
        bars[slot] = bar;
        size++;
      }
      out = bar < period - 1 || lastNaN > bar - period ? NaN : values[head]!;
    },
    value: () => out,
  };
}

// How values read as numbers and truth, for the closures evaluated on every bar. Each
// module that builds such closures keeps its own copy (expression.ts has the other): the
// same closures calling them as imports measured 4 to 8% slower per bar (2 M bars, a
// filter with and one without series functions), likely as V8 inlines an import less.

/** A value as a number. Strings never reach this: compile refuses them outside == and !=. */
function num(v: ExpressionValue): number {
  return typeof v === 'number' ? v : typeof v === 'string' ? NaN : v ? 1 : 0;
}

/** A value as truth: NaN and 0 are false, as is the empty label. */
function bool(v: ExpressionValue): boolean {
  return typeof v === 'boolean' ? v : typeof v === 'string' ? v !== '' : v !== 0 && !Number.isNaN(v);
}
