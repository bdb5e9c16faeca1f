import { SluiceError } from '../errors/sluice-error.ts';
import jsep from 'jsep';
import { didYouMean } from '../errors/suggest.ts';

// Word operators read better in YAML than && / || / !, which also stay available.
jsep.addBinaryOp('and', 2);
jsep.addBinaryOp('or', 1);
jsep.addUnaryOp('not');
// `sma(50)@1h`: an indicator on a higher timeframe; binds tighter than any other operator.
jsep.addBinaryOp('@', 20);

/**
 * `@1h` as written, and the same text with the unit first (`@h1`): jsep reads no name that
 * starts with a digit, and a rewrite of equal length keeps every character index (errors
 * point into the user's text).
 */
const TIMEFRAME_SUFFIX = /@(\s*)([0-9]+)([smhdw])(?![A-Za-z0-9_])/g;
const REWRITTEN_TIMEFRAME = /^([smhdw])([0-9]+)$/;

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

type Node = jsep.Expression;

/** Characters an expression may have: far beyond any real one, small enough to parse at once. */
export const MAX_EXPRESSION_LENGTH = 10_000;
/**
 * Levels an expression may nest: parentheses, calls, operators (each term of a chain
 * `a and b and c` is one level deeper than the last, as the chain is parsed).
 */
export const MAX_EXPRESSION_DEPTH = 200;

/** The error of an expression beyond the limits; never echoes the text. */
function tooLarge(what: string): ExpressionError {
  return new ExpressionError(
    `expression too long or too deeply nested (${what})`,
    0,
    `an expression may have at most ${MAX_EXPRESSION_LENGTH.toLocaleString('en-US')} characters and ${MAX_EXPRESSION_DEPTH} levels of nesting (each term of a chain like a + b + c counts as one); split it up or simplify it`,
  );
}

/** Deepest nesting of ( and [ outside quoted strings. */
function nestingOf(text: string): number {
  let depth = 0;
  let max = 0;
  let quote = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (quote !== 0) {
      if (c === 92)
        i++; // backslash escape
      else if (c === quote) quote = 0;
    } else if (c === 34 || c === 39) quote = c;
    else if (c === 40 || c === 91) max = Math.max(max, ++depth);
    else if (c === 41 || c === 93) depth--;
  }
  return max;
}

/** Depth of a parsed tree, without recursion; stops counting a little past the limit. */
function depthOf(root: Node): number {
  const stack: [unknown, number][] = [[root, 1]];
  let max = 0;
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (!isNode(node)) continue;
    if (depth > max) max = depth;
    if (max > MAX_EXPRESSION_DEPTH * 4) return max;
    for (const value of Object.values(node)) {
      if (Array.isArray(value)) for (const v of value) stack.push([v, depth + 1]);
      else if (isNode(value)) stack.push([value, depth + 1]);
    }
  }
  return max;
}

/**
 * Parses and compiles a user expression once, for example a grid constraint
 * `slow_period > fast_period * 2` or a filter `signal > 0 and volume > 1000`.
 *
 * The language: numbers, `true`/`false`, identifiers from `env`, `+ - * / %`,
 * comparisons `< <= > >= == !=`, `and or not` (or `&& || !`), parentheses, and calls of
 * the built-in or given functions; with `env.strings`, label names compared with quoted
 * labels (`trend == 'ranging'`); with `env.dottedNames`, `a.b.c` read as one name.
 * Anything else (other member access, other uses of strings, arrays, assignment) is
 * refused. Parsing is jsep's; the result is a tree of closures, so user text is never
 * evaluated as JavaScript.
 *
 * @throws ExpressionError naming the character, with a did-you-mean for unknown names.
 */
export function compileExpression(text: string, env: ExpressionEnv): CompiledExpression {
  return compileSeriesExpression(text, env).create();
}

/**
 * Compiles an expression that may read earlier bars (with `env.series`): the language of
 * `compileExpression` plus the series functions of `SERIES_FUNCTIONS`, each computed
 * incrementally (O(1) per bar for prev, crosses and bars_since; amortised O(1) for
 * highest/lowest, a monotonic deque), with its state preallocated per evaluator. Lagged
 * values are written `prev(close, 1)`; `close[1]` is refused with that hint.
 *
 * @throws ExpressionError as `compileExpression`.
 */
export function compileSeriesExpression(text: string, env: ExpressionEnv): SeriesExpression {
  if (text.length > MAX_EXPRESSION_LENGTH) throw tooLarge(`${text.length.toLocaleString('en-US')} characters`);
  const parens = nestingOf(text);
  if (parens > MAX_EXPRESSION_DEPTH) throw tooLarge(`parentheses nested ${parens.toLocaleString('en-US')} deep`);
  let ast: Node;
  try {
    ast = jsep(rewriteTimeframes(text));
  } catch (err) {
    // The parser recurses on nesting (unary operators, calls): too deep for the stack.
    if (err instanceof RangeError) throw tooLarge('nested too deep to parse');
    const e = err as { description?: string; index?: number; message: string };
    throw new ExpressionError(`cannot parse the expression: ${e.description ?? e.message}`, e.index ?? 0);
  }
  // Compiling and evaluating recurse on the tree's depth: a chain of 5,000 terms
  // (`a + a + … + a`) is a tree 5,000 deep.
  const depth = depthOf(ast);
  if (depth > MAX_EXPRESSION_DEPTH)
    throw tooLarge(
      `nested ${depth > MAX_EXPRESSION_DEPTH * 4 ? `more than ${(MAX_EXPRESSION_DEPTH * 4).toLocaleString('en-US')}` : depth} levels deep`,
    );
  if (env.dottedNames === true) ast = flattenMembers(ast);
  const functions = { ...BUILT_IN_FUNCTIONS, ...env.functions };
  const strings = env.strings;
  const labelsOf = (node: Node): readonly string[] | undefined =>
    strings !== undefined && node.type === 'Identifier' && Object.hasOwn(strings, (node as jsep.Identifier).name)
      ? strings[(node as jsep.Identifier).name]
      : undefined;
  const isString = (node: Node): boolean =>
    labelsOf(node) !== undefined ||
    (strings !== undefined && node.type === 'Literal' && typeof (node as jsep.Literal).value === 'string');
  const known = new Set([...env.identifiers, ...Object.keys(strings ?? {})]);
  const series = env.series === true;
  /** Scope name of each call `env.resolveCall` resolved (or undefined: not its call). */
  const resolvedCalls = new Map<Node, string | undefined>();
  /** Per-bar updates of the series functions of the evaluator being built, inner ones first. */
  let updates: ((scope: Readonly<Record<string, ExpressionValue>>) => void)[] = [];
  /** Bars of history the node being compiled needs (see SeriesExpression.lookback). */
  const lookbacks = new Map<Node, number>();
  const lookbackOf = (node: Node): number => {
    let own = lookbacks.get(node) ?? 0;
    for (const value of Object.values(node)) {
      if (Array.isArray(value)) for (const v of value) own = Math.max(own, isNode(v) ? lookbackOf(v) : 0);
      else if (isNode(value)) own = Math.max(own, lookbacks.get(value) ?? lookbackOf(value));
    }
    return own;
  };
  const at = (name: string): number =>
    Math.max(0, text.search(new RegExp(`\\b${name.replace(/[^\w.]/g, '').replace(/\./g, '\\.')}\\b`)));
  const rawAt = (node: Node): number => Math.max(0, text.indexOf(String((node as jsep.Literal).raw)));

  // `compare`: the node is an operand of == or != whose other side is a string too.
  const compile = (node: Node, compare = false): CompiledExpression => {
    switch (node.type) {
      case 'Literal': {
        const value = (node as jsep.Literal).value;
        if (typeof value === 'string' && strings !== undefined) {
          if (!compare)
            throw new ExpressionError(
              `a quoted label can only be compared with == or != to a regime, found ${JSON.stringify(value)}`,
              rawAt(node),
              `e.g. ${Object.keys(strings)[0] ?? 'trend'} == ${String((node as jsep.Literal).raw)}`,
            );
          return () => value;
        }
        if (typeof value !== 'number' && typeof value !== 'boolean') {
          throw new ExpressionError(
            `only numbers and true/false are allowed, found ${JSON.stringify(value)}`,
            text.indexOf(String((node as jsep.Literal).raw)),
          );
        }
        return () => value;
      }
      case 'Identifier': {
        const name = (node as jsep.Identifier).name;
        if (name === 'true' || name === 'false') {
          const value = name === 'true';
          return () => value;
        }
        if (!known.has(name)) {
          const guess = didYouMean(name, known);
          throw new ExpressionError(
            `unknown name '${name}'`,
            at(name),
            guess !== undefined ? `did you mean '${guess}'?` : `names: ${[...known].join(', ')}`,
          );
        }
        const labels = labelsOf(node);
        if (labels !== undefined && !compare) {
          throw new ExpressionError(
            `'${name}' is a regime label: compare it with == or != to a quoted label`,
            at(name),
            `e.g. ${name} == '${labels[0] ?? ''}'`,
          );
        }
        return (scope) => {
          const v = scope[name];
          if (v === undefined) throw new Error(`expression: '${name}' has no value`);
          return v;
        };
      }
      case 'UnaryExpression': {
        const { operator, argument } = node as jsep.UnaryExpression;
        const arg = compile(argument);
        if (operator === '-') return (s) => -num(arg(s));
        if (operator === '+') return (s) => num(arg(s));
        if (operator === '!' || operator === 'not') return (s) => !bool(arg(s));
        throw new ExpressionError(`operator '${operator}' is not allowed`, text.indexOf(operator));
      }
      case 'BinaryExpression': {
        const { operator, left, right } = node as jsep.BinaryExpression;
        if (operator === '@') return compileOnTimeframe(left, right);
        const equality = operator === '==' || operator === '===' || operator === '!=' || operator === '!==';
        if (equality && (isString(left) || isString(right))) checkLabelComparison(left, right);
        const compare = equality && isString(left) && isString(right);
        const l = compile(left, compare);
        const r = compile(right, compare);
        switch (operator) {
          case '+':
            return (s) => num(l(s)) + num(r(s));
          case '-':
            return (s) => num(l(s)) - num(r(s));
          case '*':
            return (s) => num(l(s)) * num(r(s));
          case '/':
            return (s) => num(l(s)) / num(r(s));
          case '%':
            return (s) => num(l(s)) % num(r(s));
          case '<':
            return (s) => num(l(s)) < num(r(s));
          case '<=':
            return (s) => num(l(s)) <= num(r(s));
          case '>':
            return (s) => num(l(s)) > num(r(s));
          case '>=':
            return (s) => num(l(s)) >= num(r(s));
          case '==':
          case '===':
            return (s) => l(s) === r(s);
          case '!=':
          case '!==':
            return (s) => l(s) !== r(s);
          case 'and':
          case '&&':
            return (s) => bool(l(s)) && bool(r(s));
          case 'or':
          case '||':
            return (s) => bool(l(s)) || bool(r(s));
          default:
            throw new ExpressionError(`operator '${operator}' is not allowed`, Math.max(0, text.indexOf(operator)));
        }
      }
      case 'CallExpression':
        return compileCall(node as jsep.CallExpression);
      case 'MemberExpression': {
        const m = node as jsep.MemberExpression;
        const object = m.object.type === 'Identifier' ? (m.object as jsep.Identifier).name : 'x';
        const where = m.object.type === 'Identifier' ? at(object) : 0;
        if (m.computed === true) {
          const index = m.property.type === 'Literal' ? String((m.property as jsep.Literal).raw) : 'n';
          if (series) {
            throw new ExpressionError(
              `indexing (${object}[${index}]) is not allowed: write a lagged value as prev(${object}, ${index})`,
              where,
              `series functions: ${Object.values(SERIES_FUNCTIONS)
                .map((u) => u.slice(0, u.indexOf(':')))
                .join(', ')}`,
            );
          }
          throw new ExpressionError(
            `member access or indexing (${object}[${index}]) is not allowed in this expression`,
            where,
            'use numbers, names, arithmetic, comparisons, and/or/not, and function calls',
          );
        }
        throw new ExpressionError(
          `member access (a.b) is not allowed in an expression`,
          where,
          `names: ${[...known].join(', ')}`,
        );
      }
      default:
        throw new ExpressionError(
          `${describe(node.type)} is not allowed in an expression`,
          0,
          'use numbers, names, arithmetic, comparisons, and/or/not, and function calls',
        );
    }
  };

  /**
   * A call: a series function, an indicator the caller resolves (on `timeframe` when the
   * call is written `sma(50)@1h`), or a plain function.
   */
  function compileCall(node: jsep.CallExpression, timeframe?: string): CompiledExpression {
    const { callee, arguments: args } = node;
    if (callee.type !== 'Identifier') {
      throw new ExpressionError(
        `${describe(callee.type)} is not allowed in an expression`,
        0,
        'call functions by name: abs(x), max(a, b)',
      );
    }
    const name = (callee as jsep.Identifier).name;
    if (timeframe === undefined && Object.hasOwn(SERIES_FUNCTIONS, name)) {
      if (!series) {
        if (name !== 'highest' && name !== 'lowest') {
          throw new ExpressionError(
            `${name}() reads earlier bars and is only allowed in strategy filters`,
            at(name),
            `functions here: ${Object.keys(functions).join(', ')}`,
          );
        }
      } else if (isSeriesCall(name, args)) {
        return compileSeriesCall(node as jsep.CallExpression, name, args);
      }
    }
    if (env.resolveCall !== undefined && !Object.hasOwn(functions, name)) {
      const literal = args.map((a): CallArgument => {
        if (a.type === 'Literal' && typeof (a as jsep.Literal).value === 'number')
          return (a as jsep.Literal).value as number;
        if (a.type === 'Identifier') return (a as jsep.Identifier).name;
        if (
          a.type === 'UnaryExpression' &&
          (a as jsep.UnaryExpression).operator === '-' &&
          (a as jsep.UnaryExpression).argument.type === 'Literal'
        ) {
          return -((a as jsep.UnaryExpression).argument as jsep.Literal).value!;
        }
        throw new ExpressionError(`the arguments of ${name}() must be numbers or names`, at(name));
      });
      // Each call is resolved once: evaluators built later (create()) reuse its slot.
      let slot: string | undefined = resolvedCalls.get(node);
      try {
        if (!resolvedCalls.has(node)) resolvedCalls.set(node, (slot = env.resolveCall(name, literal, timeframe)));
      } catch (err) {
        // `highest(signal, 5)`: not an indicator input, but a name the scope holds.
        if (
          timeframe === undefined &&
          series &&
          (name === 'highest' || name === 'lowest') &&
          args.length === 2 &&
          args[0]!.type === 'Identifier' &&
          known.has((args[0] as jsep.Identifier).name)
        ) {
          return compileSeriesCall(node as jsep.CallExpression, name, args);
        }
        // A timeframe's mistake points at its `@`.
        throw new ExpressionError(
          (err as Error).message,
          timeframe === undefined ? at(name) : Math.max(0, text.indexOf('@', at(name))),
        );
      }
      if (slot !== undefined) {
        return (scope) => {
          const v = scope[slot];
          if (v === undefined) throw new Error(`expression: '${name}(…)' has no value`);
          return v;
        };
      }
    }
    if (timeframe !== undefined) {
      throw new ExpressionError(
        `@${timeframe} can only follow an indicator call, not ${name}()`,
        at(name),
        'e.g. sma(50)@1h or rsi(14)@1d',
      );
    }
    // Own properties only: a plain lookup would find `constructor` on Object.prototype.
    const fn = Object.hasOwn(functions, name) ? functions[name] : undefined;
    if (fn === undefined) {
      const callable = [
        ...Object.keys(functions),
        ...(env.callNames ?? []),
        ...(series ? Object.keys(SERIES_FUNCTIONS) : []),
      ];
      const guess = didYouMean(name, callable);
      const listed = [...Object.keys(functions), ...(series ? Object.keys(SERIES_FUNCTIONS) : [])];
      throw new ExpressionError(
        `unknown function '${name}'`,
        at(name),
        guess !== undefined ? `did you mean '${guess}'?` : `functions: ${listed.join(', ')}`,
      );
    }
    const compiled = args.map((a) => compile(a));
    return (s) => fn(...compiled.map((a) => num(a(s))));
  }

  /** `call@1h`: the indicator call on the left, on the timeframe on the right (rewritten `h1`, see TIMEFRAME_SUFFIX). */
  function compileOnTimeframe(left: Node, right: Node): CompiledExpression {
    const written = right.type === 'Identifier' ? REWRITTEN_TIMEFRAME.exec((right as jsep.Identifier).name) : null;
    // The `@` after the call's name (the first `@` when the left side is not a call).
    const callee = left.type === 'CallExpression' ? (left as jsep.CallExpression).callee : undefined;
    const where = Math.max(
      0,
      text.indexOf('@', callee?.type === 'Identifier' ? at((callee as jsep.Identifier).name) : 0),
    );
    if (written === null) {
      throw new ExpressionError(
        '@ is followed by a timeframe: a whole number and a unit s, m, h or d',
        where,
        'e.g. sma(50)@1h, rsi(14)@4h, sma(20)@1d',
      );
    }
    const timeframe = `${written[2]!}${written[1]!}`;
    // `-sma(5)@1h`: jsep gives the sign to the call before the `@`; it belongs outside.
    if (
      left.type === 'UnaryExpression' &&
      ((left as jsep.UnaryExpression).operator === '-' || (left as jsep.UnaryExpression).operator === '+')
    ) {
      const { operator, argument } = left as jsep.UnaryExpression;
      const inner = compileOnTimeframe(argument, right);
      return operator === '-' ? (s) => -num(inner(s)) : (s) => num(inner(s));
    }
    if (left.type !== 'CallExpression') {
      throw new ExpressionError(
        `@${timeframe} can only follow an indicator call`,
        where,
        `e.g. sma(50)@${timeframe}; the bar's own fields on a higher timeframe are indicators too: sma(close, 1)@${timeframe}`,
      );
    }
    return compileCall(left as jsep.CallExpression, timeframe);
  }

  /** highest/lowest with an indicator's arguments (`highest(high, 20)`, `highest(20)`) stay the indicator. */
  function isSeriesCall(name: string, args: readonly Node[]): boolean {
    if (name !== 'highest' && name !== 'lowest') return true;
    if (env.resolveCall === undefined) return true;
    // `highest(20)`: the indicator on its default input.
    if (args.length !== 2) return false;
    const first = args[0]!;
    return (
      first.type !== 'Identifier' && !(first.type === 'Literal' && typeof (first as jsep.Literal).value === 'number')
    );
  }

  /** A whole number of bars, written as a literal. */
  function barsArgument(name: string, arg: Node | undefined, min: number): number {
    const value = arg !== undefined && arg.type === 'Literal' ? (arg as jsep.Literal).value : undefined;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > MAX_SERIES_BARS) {
      const found =
        arg === undefined ? 'nothing' : arg.type === 'Literal' ? String((arg as jsep.Literal).raw) : 'an expression';
      throw new ExpressionError(
        `the second argument of ${name}() is a number of bars: a whole number from ${min} to ${MAX_SERIES_BARS.toLocaleString('en-US')}, found ${found}`,
        at(name),
        SERIES_FUNCTIONS[name],
      );
    }
    return value;
  }

  function arity(name: string, args: readonly Node[], n: number): void {
    if (args.length !== n) {
      throw new ExpressionError(
        `${name}() takes ${n} argument${n === 1 ? '' : 's'}, found ${args.length}`,
        at(name),
        SERIES_FUNCTIONS[name],
      );
    }
  }

  /**
   * A series function: its state lives in this closure (one per evaluator), updated by a
   * function pushed on `updates` after those of the series functions inside its
   * arguments; the node itself returns the value of the last update.
   */
  function compileSeriesCall(node: jsep.CallExpression, name: string, args: readonly Node[]): CompiledExpression {
    switch (name) {
      case 'prev': {
        arity(name, args, 2);
        const lag = barsArgument(name, args[1], 1);
        const x = compile(args[0]!);
        lookbacks.set(node, lag + lookbackOf(args[0]!));
        const size = lag + 1;
        const ring = new Float64Array(size);
        let next = 0;
        let seen = 0;
        let out = NaN;
        updates.push((s) => {
          ring[next] = num(x(s));
          next = next + 1 === size ? 0 : next + 1;
          if (seen < size) seen++;
          // `next` is now the oldest slot: the value `lag` bars before this one.
          out = seen === size ? ring[next]! : NaN;
        });
        return () => out;
      }
      case 'crosses_above':
      case 'crosses_below': {
        arity(name, args, 2);
        const a = compile(args[0]!);
        const b = compile(args[1]!);
        lookbacks.set(node, 1 + Math.max(lookbackOf(args[0]!), lookbackOf(args[1]!)));
        const up = name === 'crosses_above';
        let last = 0;
        let out = false;
        updates.push((s) => {
          const d = num(a(s)) - num(b(s));
          const sign = d > 0 ? 1 : d < 0 ? -1 : 0; // NaN: no side, no cross
          out = up ? sign === 1 && last === -1 : sign === -1 && last === 1;
          if (sign !== 0) last = sign;
        });
        return () => out;
      }
      case 'bars_since': {
        arity(name, args, 1);
        const cond = compile(args[0]!);
        lookbacks.set(node, lookbackOf(args[0]!));
        let count = NaN;
        updates.push((s) => {
          if (bool(cond(s))) count = 0;
          else if (!Number.isNaN(count)) count++;
        });
        return () => count;
      }
      default: {
        // highest / lowest: a monotonic deque of (bar, value) in rings of `period` slots.
        arity(name, args, 2);
        const period = barsArgument(name, args[1], 1);
        const x = compile(args[0]!);
        lookbacks.set(node, period - 1 + lookbackOf(args[0]!));
        const max = name === 'highest';
        const values = new Float64Array(period);
        const bars = new Float64Array(period);
        let head = 0;
        let size = 0;
        let bar = -1;
        let lastNaN = -Infinity;
        let out = NaN;
        updates.push((s) => {
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
        });
        return () => out;
      }
    }
  }
  /** Both sides must be strings; a label literal must be one the named side can take. */
  function checkLabelComparison(left: Node, right: Node): void {
    // An unknown name on either side is reported as such (with its did-you-mean) first.
    for (const side of [left, right])
      if (side.type === 'Identifier' && !known.has((side as jsep.Identifier).name)) compile(side);
    const [named, other] = labelsOf(left) !== undefined ? [left, right] : [right, left];
    if (!isString(left) || !isString(right)) {
      const name =
        labelsOf(named) !== undefined ? `'${(named as jsep.Identifier).name}' (a regime label)` : 'a quoted label';
      throw new ExpressionError(
        `${name} can only be compared with a quoted label or another regime`,
        labelsOf(named) !== undefined ? at((named as jsep.Identifier).name) : rawAt(named),
      );
    }
    const labels = labelsOf(named);
    if (labels === undefined || other.type !== 'Literal') return;
    const value = (other as jsep.Literal).value as string;
    if (value === '' || labels.length === 0 || labels.includes(value)) return;
    const guess = didYouMean(value, labels);
    throw new ExpressionError(
      `'${(named as jsep.Identifier).name}' is never '${value}'`,
      rawAt(other),
      guess !== undefined ? `did you mean '${guess}'?` : `its labels: ${labels.join(', ')}`,
    );
  }

  const build = (): CompiledExpression => {
    updates = [];
    const root = compile(ast);
    const steps = updates;
    const n = steps.length;
    if (n === 0) return root;
    return (scope) => {
      for (let i = 0; i < n; i++) steps[i]!(scope);
      return root(scope);
    };
  };
  // Compiling once checks the whole expression (errors are thrown here, not by create).
  const first = build();
  const stateful = updates.length > 0;
  const lookback = stateful ? lookbackOf(ast) : 0;
  const shared: CompiledExpression | undefined = stateful ? undefined : first;
  let unused: CompiledExpression | undefined = stateful ? first : undefined;
  return {
    stateful,
    lookback,
    create: () => {
      if (shared !== undefined) return shared;
      // The evaluator built by the check is fresh: hand it out once.
      if (unused !== undefined) {
        const e = unused;
        unused = undefined;
        return e;
      }
      return build();
    },
  };
}

/** `text` with each `@1h` outside quoted strings written `@h1` (see TIMEFRAME_SUFFIX). */
function rewriteTimeframes(text: string): string {
  if (!text.includes('@')) return text;
  // Quoted strings (regime labels) are kept as they are: split on them, rewrite the rest.
  return text
    .split(/("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')/)
    .map((part, i) =>
      i % 2 === 1
        ? part
        : part.replace(
            TIMEFRAME_SUFFIX,
            (_m, space: string, count: string, unit: string) => `@${space}${unit}${count}`,
          ),
    )
    .join('');
}

// Strings never reach these: compile refuses them outside == and !=.
function num(v: ExpressionValue): number {
  return typeof v === 'number' ? v : typeof v === 'string' ? NaN : v ? 1 : 0;
}

function bool(v: ExpressionValue): boolean {
  return typeof v === 'boolean' ? v : typeof v === 'string' ? v !== '' : v !== 0 && !Number.isNaN(v);
}

/** Replaces each chain of plain member access (`a.b.c`) by the identifier 'a.b.c'. */
function flattenMembers(node: Node): Node {
  const dotted = (n: Node): string | undefined => {
    if (n.type === 'Identifier') return (n as jsep.Identifier).name;
    if (n.type !== 'MemberExpression') return undefined;
    const m = n as jsep.MemberExpression;
    if (m.computed === true || m.property.type !== 'Identifier') return undefined;
    const head = dotted(m.object);
    return head === undefined ? undefined : `${head}.${(m.property as jsep.Identifier).name}`;
  };
  if (node.type === 'MemberExpression') {
    const name = dotted(node);
    if (name !== undefined) return { type: 'Identifier', name } as jsep.Identifier;
  }
  const out: Record<string, unknown> = { ...node };
  for (const [key, value] of Object.entries(node)) {
    if (Array.isArray(value)) out[key] = value.map((v: unknown) => (isNode(v) ? flattenMembers(v) : v));
    else if (isNode(value)) out[key] = flattenMembers(value);
  }
  return out as Node;
}

function isNode(v: unknown): v is Node {
  return v !== null && typeof v === 'object' && typeof (v as { type?: unknown }).type === 'string';
}

function describe(type: string): string {
  switch (type) {
    case 'MemberExpression':
      return 'member access (a.b)';
    case 'ArrayExpression':
      return 'a list';
    case 'Compound':
      return 'more than one expression';
    case 'ConditionalExpression':
      return 'a ? b : c';
    default:
      return type;
  }
}
