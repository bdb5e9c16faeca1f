import { freeze, produce } from 'immer';
import { parseDocument } from 'yaml';
import { ConfigError } from './config-error.ts';
import type { ConfigIssue, ConfigPath } from './config-error.ts';
import { renderPath } from './config-path.ts';
import { clonePlain, isPlainObject } from './deep-merge.ts';
import { describeValue, lowerFirst, plural } from './describe-value.ts';

/** The `file` of every issue about a command-line override. */
export const SET_FILE = '--set';

/** One step of a parsed `--set` path, with where it sits in the argument (0-based, end exclusive). */
interface PathToken {
  seg: string | number;
  start: number;
  end: number;
}

/** A parsed `--set path=value`. */
export interface SetOverride {
  /** Where to set, e.g. `['strategies', 0, 'params', 'fast_period']`. */
  path: ConfigPath;
  /** The value, read as YAML: `5` → 5, `true` → true, `[1, 2]` → [1, 2], `abc` → 'abc'. */
  value: unknown;
  /** The argument as given, for error messages. */
  text: string;
}

/**
 * Applies command-line overrides (`--set strategies[0].params.fast_period=5`) to config
 * data, in order, and returns new data (the input is not changed): a frozen value made
 * with immer that shares every branch no override goes through with the input.
 *
 * Paths use dots between keys and `[i]` for list items; a key with dots or other
 * special characters is written in brackets and quotes, `symbols["BRK.B"].weight`.
 * Values are read as YAML, so `5` is a number, `true` a boolean, `[5, 10]` a list and
 * `{a: 1}` a mapping; quote to force a string (`name='007'`). Missing mappings along
 * the path are created; a list index may point at an existing item or one past the end
 * (append), never further.
 *
 * @throws ConfigError `INVALID_SET` (file `--set`) listing every malformed override,
 *   with the argument shown and a caret under the offending part.
 */
export function applySetOverrides<T>(data: T, sets: readonly string[]): T {
  const issues: ConfigIssue[] = [];
  let out: unknown = data;
  for (const text of sets) {
    const parsed = parseSet(text, issues);
    if (parsed === undefined) continue;
    const next = applyOne(out, parsed.tokens, parsed.value, text, issues);
    if (next !== undefined) out = next.value;
  }
  if (issues.length > 0) throw new ConfigError(issues);
  return out as T;
}

/**
 * Parses one `path=value` argument without applying it.
 *
 * @throws ConfigError `INVALID_SET` when it is malformed.
 */
export function parseSetOverride(text: string): SetOverride {
  const issues: ConfigIssue[] = [];
  const parsed = parseSet(text, issues);
  if (parsed === undefined) throw new ConfigError(issues);
  return { path: parsed.tokens.map((t) => t.seg), value: parsed.value, text };
}

function parseSet(text: string, issues: ConfigIssue[]): { tokens: PathToken[]; value: unknown } | undefined {
  const eq = findEquals(text);
  if (eq < 0) {
    issues.push(
      setIssue(text, [], 'expected path=value', 0, text.length, 'e.g. --set strategies[0].params.fast_period=5'),
    );
    return undefined;
  }
  const tokens = parsePath(text, eq, issues);
  if (tokens === undefined) return undefined;
  const path = tokens.map((t) => t.seg);
  const raw = text.slice(eq + 1);
  const doc = parseDocument(raw, { prettyErrors: false });
  const err = doc.errors[0] ?? doc.warnings[0];
  if (err !== undefined) {
    const at = eq + 1 + err.pos[0];
    issues.push(
      setIssue(
        text,
        path,
        `cannot read the value as YAML: ${lowerFirst(err.message)}`,
        at,
        Math.max(at + 1, text.length),
        "quote it to pass a string: name='a: b'",
      ),
    );
    return undefined;
  }
  return { tokens, value: doc.toJS() };
}

/** The first `=` outside a quoted bracket key (`a["x=y"]=1`). */
function findEquals(text: string): number {
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote !== undefined) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '=') return i;
  }
  return -1;
}

/** Parses `a.b[0]["c.d"]` (the part before `=`) into segments with their positions. */
function parsePath(text: string, end: number, issues: ConfigIssue[]): PathToken[] | undefined {
  const tokens: PathToken[] = [];
  const fail = (message: string, at: number, to = at + 1, hint?: string): undefined => {
    issues.push(
      setIssue(
        text,
        tokens.map((t) => t.seg),
        message,
        at,
        Math.min(Math.max(to, at + 1), Math.max(end, at + 1)),
        hint,
      ),
    );
    return undefined;
  };
  if (end === 0) return fail('missing path before =', 0, 1, 'e.g. --set strategies[0].params.fast_period=5');
  let i = 0;
  let expectKey = true; // at the start and after a dot, a bare key must follow
  while (i < end) {
    const c = text[i]!;
    if (c === '[') {
      const close = text.indexOf(']', i);
      if (close < 0 || close > end) return fail("unclosed '['", i, end);
      const inner = text.slice(i + 1, close).trim();
      if (/^\d+$/.test(inner)) tokens.push({ seg: Number(inner), start: i, end: close + 1 });
      else if (/^(["']).*\1$/s.test(inner)) tokens.push({ seg: unquote(inner), start: i, end: close + 1 });
      else
        return fail(
          `expected a list index or a quoted key inside [], found '${inner}'`,
          i,
          close + 1,
          'write x[0] for a list item, or x["key.with.dots"]',
        );
      i = close + 1;
      expectKey = false;
    } else if (c === '.') {
      if (expectKey) return fail("empty key before '.'", i);
      i++;
      expectKey = true;
      if (i >= end) return fail("path ends with '.'", i - 1);
    } else {
      if (!expectKey) return fail(`expected '.' or '[' after ${renderPath(tokens.map((t) => t.seg))}`, i);
      let j = i;
      while (j < end && !'.[]'.includes(text[j]!)) j++;
      const key = text.slice(i, j);
      if (/\s/.test(key) || key.includes(']'))
        return fail(`invalid key '${key}'`, i, j, 'write keys with spaces as ["a key"]');
      tokens.push({ seg: key, start: i, end: j });
      i = j;
      expectKey = false;
      if (text[i] === ']') return fail("unexpected ']'", i);
    }
  }
  return tokens;
}

function unquote(s: string): string {
  const body = s.slice(1, -1);
  return body.replace(/\\(.)/g, '$1');
}

/**
 * Sets the value at `tokens` inside an immer draft, creating missing mappings and lists
 * on the way; false (with an issue) when the path does not fit the data. Only the path is
 * copied: every other branch stays the input's own object.
 */
function setIn(
  root: unknown,
  tokens: readonly PathToken[],
  value: unknown,
  text: string,
  issues: ConfigIssue[],
): boolean {
  let node = root;
  for (let k = 0; k < tokens.length; k++) {
    const tok = tokens[k]!;
    const last = k === tokens.length - 1;
    const here = tokens.slice(0, k).map((t) => t.seg);
    const where = here.length === 0 ? 'the config' : `'${renderPath(here)}'`;
    const fail = (message: string, hint?: string): false => {
      issues.push(
        setIssue(
          text,
          tokens.slice(0, k + 1).map((t) => t.seg),
          message,
          tok.start,
          tok.end,
          hint,
        ),
      );
      return false;
    };
    // A missing or empty (`key:` in YAML) container is created in the shape the next step asks for.
    const emptyFor = (next: PathToken): unknown[] | Record<string, unknown> => (typeof next.seg === 'number' ? [] : {});

    if (Array.isArray(node)) {
      const index = typeof tok.seg === 'number' ? tok.seg : /^\d+$/.test(tok.seg) ? Number(tok.seg) : undefined;
      if (index === undefined)
        return fail(`${where} is a list, not a mapping`, `use an index, e.g. ${renderPath([...here, 0])}`);
      if (index > node.length) {
        return fail(
          `index ${index} is out of range: ${where} has ${plural(node.length, 'item')}`,
          node.length === 0
            ? 'use [0] to add the first item'
            : `use [0]…[${node.length - 1}], or [${node.length}] to append`,
        );
      }
      const list = node as unknown[];
      if (last) list[index] = value;
      else if (list[index] === undefined || list[index] === null) list[index] = emptyFor(tokens[k + 1]!);
      node = list[index];
    } else if (isPlainObject(node)) {
      if (typeof tok.seg === 'number')
        return fail(`${where} is a mapping, not a list`, `write ${renderPath(here)}.<key>`);
      const key = tok.seg;
      const child = Object.prototype.hasOwnProperty.call(node, key) ? node[key] : undefined;
      if (last) define(node, key, value);
      else if (child === undefined || child === null) define(node, key, emptyFor(tokens[k + 1]!));
      node = node[key];
    } else {
      return fail(`cannot set a key inside ${where}: it is ${describeValue(node)}, not a mapping or a list`);
    }
  }
  return true;
}

/**
 * One override applied to `data` with immer: a new frozen value sharing every branch the
 * path does not go through, or undefined (with an issue) when the path does not fit.
 */
function applyOne(
  data: unknown,
  tokens: readonly PathToken[],
  value: unknown,
  text: string,
  issues: ConfigIssue[],
): { value: unknown } | undefined {
  // The root itself may be missing (an empty file): start from the shape the path asks for.
  const root = data === undefined || data === null ? (typeof tokens[0]!.seg === 'number' ? [] : {}) : data;
  if (!Array.isArray(root) && !isPlainObject(root)) {
    const tok = tokens[0]!;
    issues.push(
      setIssue(
        text,
        [tok.seg],
        `cannot set a key inside the config: it is ${describeValue(root)}, not a mapping or a list`,
        tok.start,
        tok.end,
      ),
    );
    return undefined;
  }
  // A key named `__proto__` cannot be set on an immer draft (see overlay.ts): such a rare
  // override is applied to a fresh copy instead, frozen all the same.
  if (tokens.some((t) => t.seg === '__proto__')) {
    const copy = clonePlain(root);
    return setIn(copy, tokens, value, text, issues) ? { value: freeze(copy, true) } : undefined;
  }
  let ok = true;
  const next = produce(root, (draft: unknown) => {
    ok = setIn(draft, tokens, value, text, issues);
  });
  return ok ? { value: next } : undefined;
}

/**
 * Own-property assignment that is safe for the key `__proto__` (plain assignment would
 * change the prototype); other keys are assigned plainly, as immer drafts require.
 */
function define(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__')
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

function setIssue(
  text: string,
  path: ConfigPath,
  message: string,
  start: number,
  end: number,
  hint?: string,
): ConfigIssue {
  const issue: ConfigIssue = {
    code: 'INVALID_SET',
    file: SET_FILE,
    line: null,
    col: start + 1,
    path,
    message,
    sourceLine: text,
  };
  if (end > start) issue.endCol = end + 1;
  if (hint !== undefined) issue.hint = hint;
  return issue;
}
