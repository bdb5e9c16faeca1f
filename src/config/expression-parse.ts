/**
 * An expression's text parsed into a tree (jsep), within the limits that keep parsing,
 * compiling and evaluating from recursing too deep: the word operators and the `@`
 * timeframe suffix added to jsep, `@1h` rewritten so jsep reads it, and with dotted
 * names, `a.b.c` read as one name.
 */
import jsep from 'jsep';
import { ExpressionError } from './expression-language.ts';

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
/** A timeframe as rewritten (`h1`), unit first. */
export const REWRITTEN_TIMEFRAME = /^([smhdw])([0-9]+)$/;

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
 * Parses `text`, refusing one too long or nested too deep before it reaches code that
 * recurses; with `dottedNames`, chains of plain member access become single names.
 *
 * @throws ExpressionError naming the character where jsep stopped.
 */
export function parseExpression(text: string, dottedNames: boolean): Node {
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
  return dottedNames ? flattenMembers(ast) : ast;
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

/** True for a node of a parsed tree (anything with a string `type`). */
export function isNode(v: unknown): v is Node {
  return v !== null && typeof v === 'object' && typeof (v as { type?: unknown }).type === 'string';
}
