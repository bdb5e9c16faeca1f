import jsep from 'jsep';
import { didYouMean } from './suggest.ts';

// Word operators read better in YAML than && / || / !, which also stay available.
jsep.addBinaryOp('and', 2);
jsep.addBinaryOp('or', 1);
jsep.addUnaryOp('not');

/** A value an expression computes: numbers and booleans only. */
export type ExpressionValue = number | boolean;

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
   * numbers or bare names. May throw an Error whose message explains a bad argument.
   */
  readonly resolveCall?: (name: string, args: readonly CallArgument[]) => string | undefined;
  /** Names `resolveCall` accepts, offered in did-you-mean suggestions. */
  readonly callNames?: readonly string[];
}

/** A mistake in an expression, with the character it was found at (0-based). */
export class ExpressionError extends Error {
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

/**
 * Parses and compiles a user expression once, for example a grid constraint
 * `slow_period > fast_period * 2` or a filter `signal > 0 and volume > 1000`.
 *
 * The language: numbers, `true`/`false`, identifiers from `env`, `+ - * / %`,
 * comparisons `< <= > >= == !=`, `and or not` (or `&& || !`), parentheses, and calls of
 * the built-in or given functions. Anything else (member access, strings, arrays,
 * assignment) is refused. Parsing is jsep's; the result is a tree of closures, so user
 * text is never evaluated as JavaScript.
 *
 * @throws ExpressionError naming the character, with a did-you-mean for unknown names.
 */
export function compileExpression(text: string, env: ExpressionEnv): CompiledExpression {
  let ast: Node;
  try {
    ast = jsep(text);
  } catch (err) {
    const e = err as { description?: string; index?: number; message: string };
    throw new ExpressionError(`cannot parse the expression: ${e.description ?? e.message}`, e.index ?? 0);
  }
  const functions = { ...BUILT_IN_FUNCTIONS, ...env.functions };
  const known = new Set(env.identifiers);
  const at = (name: string): number => Math.max(0, text.search(new RegExp(`\\b${name.replace(/[^\w]/g, '')}\\b`)));

  const compile = (node: Node): CompiledExpression => {
    switch (node.type) {
      case 'Literal': {
        const value = (node as jsep.Literal).value;
        if (typeof value !== 'number' && typeof value !== 'boolean') {
          throw new ExpressionError(`only numbers and true/false are allowed, found ${JSON.stringify(value)}`, text.indexOf(String((node as jsep.Literal).raw)));
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
          throw new ExpressionError(`unknown name '${name}'`, at(name), guess !== undefined ? `did you mean '${guess}'?` : `names: ${[...known].join(', ')}`);
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
        const l = compile(left);
        const r = compile(right);
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
      case 'CallExpression': {
        const { callee, arguments: args } = node as jsep.CallExpression;
        if (callee.type !== 'Identifier') {
          throw new ExpressionError(`${describe(callee.type)} is not allowed in an expression`, 0, 'call functions by name: abs(x), max(a, b)');
        }
        const name = (callee as jsep.Identifier).name;
        if (env.resolveCall !== undefined && !Object.hasOwn(functions, name)) {
          const literal = args.map((a): CallArgument => {
            if (a.type === 'Literal' && typeof (a as jsep.Literal).value === 'number') return (a as jsep.Literal).value as number;
            if (a.type === 'Identifier') return (a as jsep.Identifier).name;
            if (a.type === 'UnaryExpression' && (a as jsep.UnaryExpression).operator === '-' && (a as jsep.UnaryExpression).argument.type === 'Literal') {
              return -((a as jsep.UnaryExpression).argument as jsep.Literal).value!;
            }
            throw new ExpressionError(`the arguments of ${name}() must be numbers or names`, at(name));
          });
          let slot: string | undefined;
          try {
            slot = env.resolveCall(name, literal);
          } catch (err) {
            throw new ExpressionError((err as Error).message, at(name));
          }
          if (slot !== undefined) {
            return (scope) => {
              const v = scope[slot];
              if (v === undefined) throw new Error(`expression: '${name}(…)' has no value`);
              return v;
            };
          }
        }
        // Own properties only: a plain lookup would find `constructor` on Object.prototype.
        const fn = Object.hasOwn(functions, name) ? functions[name] : undefined;
        if (fn === undefined) {
          const callable = [...Object.keys(functions), ...(env.callNames ?? [])];
          const guess = didYouMean(name, callable);
          throw new ExpressionError(`unknown function '${name}'`, at(name), guess !== undefined ? `did you mean '${guess}'?` : `functions: ${Object.keys(functions).join(', ')}`);
        }
        const compiled = args.map(compile);
        return (s) => fn(...compiled.map((a) => num(a(s))));
      }
      default:
        throw new ExpressionError(`${describe(node.type)} is not allowed in an expression`, 0, 'use numbers, names, arithmetic, comparisons, and/or/not, and function calls');
    }
  };
  return compile(ast);
}

function num(v: ExpressionValue): number {
  return typeof v === 'number' ? v : v ? 1 : 0;
}

function bool(v: ExpressionValue): boolean {
  return typeof v === 'boolean' ? v : v !== 0 && !Number.isNaN(v);
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
