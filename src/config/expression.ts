/**
 * Compiles a user expression (a grid constraint, a strategy filter, a workflow
 * condition) from its parsed tree into a tree of closures: every name, call, operator and
 * label comparison checked against its ExpressionEnv once, so evaluating is closure
 * calls only; series functions get their state per evaluator.
 */
import type jsep from 'jsep';
import { didYouMean } from '../errors/suggest.ts';
import {
  BUILT_IN_FUNCTIONS,
  ExpressionError,
  type CallArgument,
  type CompiledExpression,
  type ExpressionEnv,
  type ExpressionValue,
  type SeriesExpression,
} from './expression-language.ts';
import { isNode, parseExpression, REWRITTEN_TIMEFRAME } from './expression-parse.ts';
import {
  barsSince,
  crossing,
  laggedValue,
  MAX_SERIES_BARS,
  SERIES_FUNCTIONS,
  windowExtreme,
  type SeriesState,
} from './expression-series.ts';

type Node = jsep.Expression;

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
  const ast = parseExpression(text, env.dottedNames === true);
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

  /** `call@1h`: the indicator call on the left, on the timeframe on the right (rewritten `h1` by parseExpression). */
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
   * A series function: its state (expression-series.ts) is made for the evaluator being
   * built, its update pushed on `updates` after those of the series functions inside its
   * arguments; the node itself returns the value of the last update.
   */
  function compileSeriesCall(node: jsep.CallExpression, name: string, args: readonly Node[]): CompiledExpression {
    const track = (state: SeriesState): CompiledExpression => {
      updates.push(state.update);
      return state.value;
    };
    switch (name) {
      case 'prev': {
        arity(name, args, 2);
        const lag = barsArgument(name, args[1], 1);
        const x = compile(args[0]!);
        lookbacks.set(node, lag + lookbackOf(args[0]!));
        return track(laggedValue(x, lag));
      }
      case 'crosses_above':
      case 'crosses_below': {
        arity(name, args, 2);
        const a = compile(args[0]!);
        const b = compile(args[1]!);
        lookbacks.set(node, 1 + Math.max(lookbackOf(args[0]!), lookbackOf(args[1]!)));
        return track(crossing(a, b, name === 'crosses_above'));
      }
      case 'bars_since': {
        arity(name, args, 1);
        const cond = compile(args[0]!);
        lookbacks.set(node, lookbackOf(args[0]!));
        return track(barsSince(cond));
      }
      default: {
        // highest / lowest
        arity(name, args, 2);
        const period = barsArgument(name, args[1], 1);
        const x = compile(args[0]!);
        lookbacks.set(node, period - 1 + lookbackOf(args[0]!));
        return track(windowExtreme(x, period, name === 'highest'));
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

// How values read as numbers and truth, for the closures evaluated on every bar. Each
// module that builds such closures keeps its own copy (expression-series.ts has the other): the
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
