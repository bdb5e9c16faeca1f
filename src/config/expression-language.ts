/**
 * The expression language's vocabulary, shared by its parser, its compiler and its
 * callers: the values an expression computes, what it may refer to (ExpressionEnv), the
 * functions every expression may call, and the error that points at a character of the
 * text.
 */
import { SluiceError } from '../errors/sluice-error.ts';

/** A value an expression computes: numbers and booleans; strings only as labels to compare. */
export type ExpressionValue = number | boolean | string;

/** A compiled expression: a plain closure over the scope, no `eval`, no `new Function`. */
export type CompiledExpression = (scope: Readonly<Record<string, ExpressionValue>>) => ExpressionValue;

/** A call's argument as written: a number or a bare name. */
export type CallArgument = number | string;

/** What an expression may refer to. */
export interface ExpressionEnv {
  /** Names the scope will hold when the expression runs. */
  readonly identifiers: readonly string[];
  /** Functions it may call, by name. */
  readonly functions?: Readonly<Record<string, (...args: number[]) => number>>;
  /**
   * Resolves a call that is not a function but a value supplied by the caller, such as
   * an indicator `rsi(14)` or `sma(volume, 20)`: returns the scope name the value will be
   * found under, or undefined when `name` is not such a call. Its arguments must be
   * numbers or bare names. `timeframe` is set for a call on a higher timeframe
   * (`sma(50)@1h` gives '1h'); a call that cannot take one should throw. May throw an
   * Error whose message explains a bad argument.
   */
  readonly resolveCall?: (name: string, args: readonly CallArgument[], timeframe?: string) => string | undefined;
  /** Names `resolveCall` accepts, offered in did-you-mean suggestions. */
  readonly callNames?: readonly string[];
  /**
   * Names whose value is a string label (a classifier's regime), each with the labels it
   * can take. Such a name may only be compared with `==` / `!=` against a quoted label
   * (`trend == 'trending_up'`) or another such name; a label it can never take is an
   * error (an empty list: labels unknown, not checked). With this set, quoted strings
   * are allowed in those comparisons (and '' for "no label yet"); without it, strings
   * are refused altogether.
   */
  readonly strings?: Readonly<Record<string, readonly string[]>>;
  /**
   * Read plain member access `a.b.c` as the single name 'a.b.c' (listed in `identifiers`
   * or `strings` like any name), for scopes of nested results such as
   * `phases.optimize.metrics.sharpe_ratio`. Computed access (`a[b]`) stays refused.
   */
  readonly dottedNames?: boolean;
  /**
   * Allow the series functions (`SERIES_FUNCTIONS`: lagged values, crosses, bars since,
   * highest/lowest of an expression), whose value depends on earlier bars. Only for
   * expressions evaluated once per bar in bar order: see `compileSeriesExpression`.
   */
  readonly series?: boolean;
}

/** A series expression: state kept per evaluator, one evaluation per bar. */
export interface SeriesExpression {
  /** True when the expression has a series function, so its value depends on earlier bars. */
  readonly stateful: boolean;
  /**
   * Bars of history the series functions need before their value exists (the longest
   * chain of lags and windows, nested ones added), 0 without series functions. Does not
   * include the warm-up of the features the expression reads. Unbounded look-backs
   * (`bars_since`) count 0.
   */
  readonly lookback: number;
  /**
   * A fresh evaluator with its own state. A stateful one must be called once per bar, in
   * bar order, on every bar (its series functions update on each call, whatever the
   * operators around them short-circuit); a stateless one is shared and may be called at
   * any time. Evaluating allocates nothing.
   */
  create(): CompiledExpression;
}

/** A mistake in an expression, with the character it was found at (0-based). */
export class ExpressionError extends SluiceError {
  readonly category = 'expression';
  constructor(
    message: string,
    /** 0-based character index in the expression text. */
    readonly index: number,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'ExpressionError';
  }
}

/** Functions every expression may call. */
export const BUILT_IN_FUNCTIONS: Readonly<Record<string, (...args: number[]) => number>> = {
  abs: Math.abs,
  min: Math.min,
  max: Math.max,
  sqrt: Math.sqrt,
  log: Math.log,
  round: Math.round,
  floor: Math.floor,
  ceil: Math.ceil,
};
