import { readFile, stat } from 'node:fs/promises';
import { resolve as resolvePath } from 'node:path';
import { isAlias, isCollection, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import type { Document, Node, Pair, YAMLError, YAMLMap } from 'yaml';
import { ConfigError } from './config-error.ts';
import { lowerFirst } from './describe-value.ts';
import type { ConfigIssue, ConfigIssueCode, ConfigPath } from './config-error.ts';

/**
 * A parsed YAML config that remembers where everything came from, so any later check
 * (the zod schema, grid expansion, pattern resolution) can point at the exact place.
 */
export interface YamlSource {
  /** The file as the user named it; printed in every error. */
  readonly file: string;
  /** The full text (without a byte-order mark). */
  readonly text: string;
  /** The yaml document; every node keeps its source range. */
  readonly doc: Document.Parsed;
  /** Maps offsets to lines and columns. */
  readonly lineCounter: LineCounter;
  /** The document as plain data (`doc.toJS()`); `null` for an empty file. */
  readonly data: unknown;
}

/** A place in the text: 1-based line and column, exclusive end column on the same line. */
export interface SourcePosition {
  line: number;
  col: number;
  endCol?: number;
}

/** Options of {@link locate}. */
export interface LocateOptions {
  /** Point at the key of the mapping entry rather than its value (for unknown-key errors). */
  key?: boolean;
}

/** Largest config (or pattern) file read: beyond it parsing and checking take minutes and gigabytes. */
export const MAX_CONFIG_BYTES = 2 * 1024 * 1024;

/**
 * Reads and parses a YAML file.
 *
 * @throws ConfigError `FILE_NOT_FOUND` when the file does not exist, `FILE_UNREADABLE`
 *   when it cannot be read, `TOO_LARGE` beyond {@link MAX_CONFIG_BYTES}, and whatever
 *   {@link parseYamlText} throws.
 */

export async function loadYamlFile(file: string): Promise<YamlSource> {
  let text: string;
  try {
    const size = (await stat(file)).size;
    if (size > MAX_CONFIG_BYTES) {
      throw new ConfigError({
        code: 'TOO_LARGE',
        file,
        line: null,
        col: null,
        path: [],
        message: `the file is ${(size / 1024 / 1024).toFixed(1)} MB, more than ${MAX_CONFIG_BYTES / 1024 / 1024} MB: a config this large takes minutes and gigabytes to check`,
        hint: 'write parameter grids (lists or range()) in one strategy entry instead of one entry per combination, or split the work into several configs',
      });
    }
    text = await readFile(file, 'utf8');
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    const missing = code === 'ENOENT' || code === 'ENOTDIR';
    const issue: ConfigIssue = {
      code: missing ? 'FILE_NOT_FOUND' : 'FILE_UNREADABLE',
      file,
      line: null,
      col: null,
      path: [],
      message: missing
        ? 'file not found'
        : code === 'EISDIR'
          ? 'is a directory, not a file'
          : `cannot read the file (${code ?? String(err)})`,
    };
    // The user's working directory is the usual culprit; show where we looked.
    if (missing) issue.hint = `looked for ${resolvePath(file)}`;
    throw new ConfigError(issue);
  }
  return parseYamlText(text, file);
}

/**
 * Parses YAML text into a {@link YamlSource}.
 *
 * Strict on purpose: YAML errors *and* warnings (an unresolved tag silently turns a
 * value into a string) become a ConfigError with one located issue each; duplicate keys
 * are `DUPLICATE_KEY`, everything else `YAML_SYNTAX`. Merge keys (`<<: *defaults`) are
 * honoured, since configs share blocks with anchors.
 *
 * @param file the name printed in errors.
 * @throws ConfigError when the text is not a single valid YAML document.
 */
export function parseYamlText(text: string, file: string): YamlSource {
  // A BOM would shift every offset by one against what the user's editor shows.
  const clean = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const lineCounter = new LineCounter();
  const doc = parseDocument(clean, { lineCounter, prettyErrors: false, merge: true, uniqueKeys: true });
  const problems = [...doc.errors, ...doc.warnings];
  const partial = { file, text: clean, doc, lineCounter, data: null };
  if (problems.length > 0) {
    // One mistake, one message: the parser's first error on a line (a tab used as
    // indentation, say) usually sets off more on the same line that only confuse.
    const seenLines = new Set<number>();
    const issues: ConfigIssue[] = [];
    for (const err of problems) {
      const line = lineCounter.linePos(err.pos[0]).line;
      if (seenLines.has(line)) continue;
      seenLines.add(line);
      issues.push(yamlIssue(partial, err));
    }
    throw new ConfigError(issues);
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    if (!(err instanceof ReferenceError)) throw err;
    throw new ConfigError({
      code: 'YAML_SYNTAX',
      file,
      line: null,
      col: null,
      path: [],
      message: 'too many alias expansions (*name references)',
      hint: 'aliases that expand to thousands of nodes are refused; repeat fewer of them',
    });
  }
  return { ...partial, data };
}

/**
 * Where `path` is in the source, or null when the document has no node for any step of
 * it (an empty file).
 *
 * - A scalar (or a flow collection like `[1, 2]`) is spanned whole, quotes included.
 * - A block mapping or list reached through a key is shown at its key (`params:`),
 *   which is where the user looks for it; an empty value (`fast_period:`) too.
 * - A missing key points at the nearest existing parent: an error about a missing
 *   `slow_period` lands on `params:`.
 * - With `{ key: true }` (unknown-key errors) the key itself is spanned, not its value.
 *
 * Aliases and merge keys are followed, so a path into `<<: *defaults` finds its node.
 */
export function locate(
  source: YamlSource,
  path: readonly (string | number)[],
  options: LocateOptions = {},
): SourcePosition | null {
  const { steps, found } = walk(source.doc, path);
  const last = steps[steps.length - 1]!;
  if (found && options.key === true && last.pair !== undefined) return keyPosition(source, last.pair);
  return nodePosition(source, last);
}

/**
 * Builds a located issue: position from {@link locate} (the key for `UNKNOWN_KEY`, or
 * when `options.key` says so), plus the source line for the excerpt.
 */
export function issueAt(
  source: YamlSource,
  path: readonly (string | number)[],
  code: ConfigIssueCode,
  message: string,
  hint?: string,
  options: LocateOptions = {},
): ConfigIssue {
  const pos = locate(source, path, { key: options.key ?? code === 'UNKNOWN_KEY' });
  const issue: ConfigIssue = {
    code,
    file: source.file,
    line: pos?.line ?? null,
    col: pos?.col ?? null,
    path: [...path],
    message,
  };
  if (pos?.endCol !== undefined) issue.endCol = pos.endCol;
  if (hint !== undefined) issue.hint = hint;
  if (pos !== null) {
    const line = sourceLineAt(source, pos.line);
    if (line !== undefined) issue.sourceLine = line;
  }
  return issue;
}

/** The text of 1-based `line` without its line break, or undefined past the end. */
export function sourceLineAt(source: Pick<YamlSource, 'text' | 'lineCounter'>, line: number): string | undefined {
  const starts = source.lineCounter.lineStarts;
  const start = starts[line - 1];
  if (start === undefined) return undefined;
  const end = starts[line] ?? source.text.length;
  return source.text.slice(start, end).replace(/\r?\n$/, '');
}

// ---------------------------------------------------------------------------------
// Walking the document

/** One step of a path walk: the node reached and the mapping entry it came from. */
interface Step {
  node: Node | null;
  pair?: Pair;
}

/**
 * Follows `path` through the document. Stops at the first step that does not exist and
 * reports how far it got; `steps[0]` is the document root.
 */
function walk(doc: Document.Parsed, path: readonly (string | number)[]): { steps: Step[]; found: boolean } {
  const steps: Step[] = [{ node: doc.contents }];
  for (const seg of path) {
    const here = deref(doc, steps[steps.length - 1]!.node);
    if (isMap(here)) {
      const pair = findPair(doc, here, String(seg), 0);
      if (pair === undefined) return { steps, found: false };
      steps.push({ node: asNode(pair.value), pair });
    } else if (isSeq(here)) {
      const i = typeof seg === 'number' ? seg : /^\d+$/.test(seg) ? Number(seg) : -1;
      const item = i >= 0 ? here.items[i] : undefined;
      if (item === undefined) return { steps, found: false };
      steps.push({ node: asNode(item) });
    } else {
      return { steps, found: false };
    }
  }
  return { steps, found: true };
}

/** Resolves aliases (`*name`) to the anchored node; other nodes pass through. */
function deref(doc: Document.Parsed, node: Node | null): Node | null {
  let cur = node;
  // Bounded: an alias cannot point at itself, but stay safe against odd documents.
  for (let i = 0; i < 32 && isAlias(cur); i++) cur = (cur.resolve(doc) as Node | undefined) ?? null;
  return cur;
}

function asNode(value: unknown): Node | null {
  return isScalar(value) || isCollection(value) || isAlias(value) ? value : null;
}

function isMergeKey(key: unknown): boolean {
  return isScalar(key) && (key.source === '<<' || (typeof key.value === 'symbol' && key.value.description === '<<'));
}

/**
 * The entry of `map` whose key reads `key`; explicit keys first, then the merged maps
 * in order (YAML merge semantics: explicit wins, earlier merge sources win).
 */
function findPair(doc: Document.Parsed, map: YAMLMap, key: string, depth: number): Pair | undefined {
  for (const pair of map.items) {
    if (!isPair(pair) || isMergeKey(pair.key)) continue;
    const k = isScalar(pair.key) ? pair.key.value : pair.key;
    if (k !== null && k !== undefined && typeof k !== 'object' && String(k) === key) return pair;
  }
  if (depth > 16) return undefined;
  for (const pair of map.items) {
    if (!isPair(pair) || !isMergeKey(pair.key)) continue;
    const target = deref(doc, asNode(pair.value));
    const sources = isSeq(target) ? target.items.map((n) => deref(doc, asNode(n))) : [target];
    for (const src of sources) {
      if (!isMap(src)) continue;
      const found = findPair(doc, src, key, depth + 1);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

// ---------------------------------------------------------------------------------
// Positions

function nodePosition(source: YamlSource, step: Step): SourcePosition | null {
  const { node, pair } = step;
  const range = node?.range;
  const empty = range === undefined || range === null || range[1] <= range[0];
  if (empty || (isCollection(node) && node.flow !== true)) {
    // Block collections and empty values have no useful span of their own: their key
    // is the thing on screen. Without a key (list item, root), mark where they start.
    if (pair !== undefined) return keyPosition(source, pair);
    if (range === undefined || range === null) return null;
    return { ...linePos(source, range[0]) };
  }
  return span(source, range[0], range[1]);
}

function keyPosition(source: YamlSource, pair: Pair): SourcePosition | null {
  const range = (pair.key as Node | null)?.range;
  if (range === undefined || range === null) return null;
  return span(source, range[0], range[1]);
}

/** A span from `start` to `end`; a span running past its first line stops at that line's end. */
function span(source: YamlSource, start: number, end: number): SourcePosition {
  const from = linePos(source, start);
  if (end <= start) return from;
  const to = linePos(source, end);
  if (to.line === from.line) return to.col > from.col ? { ...from, endCol: to.col } : from;
  const lineText = sourceLineAt(source, from.line) ?? '';
  const stop = lineText.trimEnd().length + 1;
  return stop > from.col ? { ...from, endCol: stop } : from;
}

function linePos(source: Pick<YamlSource, 'lineCounter'>, offset: number): { line: number; col: number } {
  const { line, col } = source.lineCounter.linePos(offset);
  return { line, col };
}

// ---------------------------------------------------------------------------------
// YAML errors

/** Codes whose cause is often on the line before (an unclosed bracket, a bad indent). */
const LOOK_BACK = new Set([
  'BAD_INDENT',
  'MISSING_CHAR',
  'UNEXPECTED_TOKEN',
  'BLOCK_AS_IMPLICIT_KEY',
  'MULTILINE_IMPLICIT_KEY',
]);

/** Turns one yaml parse error or warning into a located issue in our words. */
function yamlIssue(source: YamlSource, err: YAMLError): ConfigIssue {
  const from = linePos(source, err.pos[0]);
  const to = linePos(source, err.pos[1]);
  let code: ConfigIssueCode = 'YAML_SYNTAX';
  let path: ConfigPath = [];
  let message = lowerFirst(err.message);
  let hint: string | undefined;
  let endCol = to.line === from.line && to.col > from.col ? to.col : undefined;

  switch (err.code) {
    case 'DUPLICATE_KEY': {
      code = 'DUPLICATE_KEY';
      const dup = findKeyAt(source.doc, source.doc.contents, err.pos[0], []);
      if (dup !== undefined) {
        path = dup.path;
        const pos = span(source, dup.range[0], dup.range[1]);
        endCol = pos.endCol;
        message =
          dup.firstOffset === undefined
            ? `duplicate key '${dup.name}'`
            : `duplicate key '${dup.name}' (first defined at line ${linePos(source, dup.firstOffset).line})`;
      } else {
        message = 'duplicate key';
      }
      hint = 'a key may appear only once in a mapping; remove or merge one of them';
      break;
    }
    case 'TAB_AS_INDENT':
      message = 'tab character used for indentation';
      hint = 'YAML indents with spaces only; replace the tab with spaces';
      break;
    case 'MULTIPLE_DOCS':
      message = "more than one YAML document in the file (a '---' separator)";
      hint = "a config is one document; remove the '---' line or split the file";
      endCol = undefined;
      break;
    case 'TAG_RESOLVE_FAILED': {
      const tag = /(![^\s]*)/.exec(err.message)?.[1];
      message = tag === undefined ? message : `unknown tag '${tag}'`;
      hint = 'remove the tag; config values need none';
      break;
    }
    default:
      break;
  }

  const issue: ConfigIssue = { code, file: source.file, line: from.line, col: from.col, path, message };
  if (endCol !== undefined) issue.endCol = endCol;
  if (hint !== undefined) issue.hint = hint;
  const line = sourceLineAt(source, from.line);
  if (line !== undefined) issue.sourceLine = line;
  if (LOOK_BACK.has(err.code) && from.line > 1 && /^\s*$/.test((line ?? '').slice(0, from.col - 1))) {
    const prev = sourceLineAt(source, from.line - 1);
    if (prev !== undefined) issue.prevSourceLine = prev;
  }
  return issue;
}

/**
 * Finds the mapping key that starts at `offset` (yaml reports a duplicate key by its
 * first character only) and where the same key appeared first in that mapping.
 */
function findKeyAt(
  doc: Document.Parsed,
  node: unknown,
  offset: number,
  path: ConfigPath,
): { path: ConfigPath; name: string; range: [number, number]; firstOffset?: number } | undefined {
  if (isMap(node)) {
    for (const pair of node.items) {
      const key = pair.key;
      if (isScalar(key) && key.range?.[0] === offset) {
        const name = String(key.value);
        const first = node.items.find((p) => isScalar(p.key) && p.key !== key && String(p.key.value) === name);
        const found: { path: ConfigPath; name: string; range: [number, number]; firstOffset?: number } = {
          path: [...path, name],
          name,
          range: [key.range[0], key.range[1]],
        };
        const firstStart = (first?.key as Node | undefined)?.range?.[0];
        if (firstStart !== undefined && firstStart < offset) found.firstOffset = firstStart;
        return found;
      }
      const name = isScalar(key) ? String(key.value) : '?';
      const inner = findKeyAt(doc, pair.value, offset, [...path, name]);
      if (inner !== undefined) return inner;
    }
  } else if (isSeq(node)) {
    for (let i = 0; i < node.items.length; i++) {
      const inner = findKeyAt(doc, node.items[i], offset, [...path, i]);
      if (inner !== undefined) return inner;
    }
  }
  return undefined;
}
