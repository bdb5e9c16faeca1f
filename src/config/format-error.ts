import type { ConfigIssue } from './config-issue.ts';
import { renderPath } from './config-path.ts';
import { CONTROL_CHARACTERS, escapeControl } from '../errors/escape-control.ts';

/** Widest source excerpt shown, in characters, so one issue fits a terminal line. */
const MAX_WIDTH = 80;

/** How many issues one error prints before summarising the rest; keeps it one screen. */
export const MAX_ISSUES_SHOWN = 10;

/**
 * Codes whose empty path means "no place in the document" rather than "the root":
 * printing `(root)` for a missing file or a stray tab would only confuse.
 */
const PATHLESS_CODES = new Set([
  'FILE_NOT_FOUND',
  'FILE_UNREADABLE',
  'TOO_LARGE',
  'YAML_SYNTAX',
  'INVALID_SET',
  'PLUGIN',
]);

/**
 * Formats one issue as the user sees it:
 *
 * ```text
 * examples/bad.yaml:12:20  strategies[0].params.fast_period: expected a positive integer, received -3
 *    12 |       fast_period: -3
 *       |                    ^^
 *   hint: …
 * ```
 *
 * The location is `file:line:col` (just `file` when there is no line); the source
 * excerpt appears when the issue carries its line, trimmed to 80 characters around the
 * column, with carets under the offending range. Tabs are drawn as `→` so the caret
 * stays aligned and an indentation tab is visible.
 */
export function formatConfigIssue(issue: ConfigIssue): string {
  const where = issue.line === null ? issue.file : `${issue.file}:${issue.line}:${issue.col ?? 1}`;
  const what =
    issue.path.length === 0 && PATHLESS_CODES.has(issue.code)
      ? escapeControl(issue.message)
      : `${renderPath(issue.path)}: ${escapeControl(issue.message)}`;
  const lines = [`${where}  ${what}`];

  if (issue.sourceLine !== undefined && issue.col !== null) {
    const label = issue.line === null ? '' : String(issue.line);
    const gutter = `   ${label}`;
    const blank = ' '.repeat(gutter.length);
    if (issue.prevSourceLine !== undefined && issue.line !== null) {
      const prevGutter = `   ${String(issue.line - 1).padStart(label.length)}`;
      lines.push(`${prevGutter} | ${clip(escapeControl(issue.prevSourceLine), 1, undefined).text}`.trimEnd());
    }
    const shown = escapeLine(issue.sourceLine, issue.col, issue.endCol);
    const { text, caretAt, carets } = clip(shown.line, shown.col, shown.endCol);
    lines.push(`${gutter} | ${text}`.trimEnd());
    lines.push(`${blank} | ${' '.repeat(caretAt)}${'^'.repeat(carets)}`);
  }
  if (issue.hint !== undefined) lines.push(`  hint: ${escapeControl(issue.hint)}`);
  return lines.join('\n');
}

/** {@link escapeControl} on a source line, with the columns moved to match. */
function escapeLine(
  line: string,
  col: number,
  endCol: number | undefined,
): { line: string; col: number; endCol: number | undefined } {
  const grown = (upTo: number): number =>
    (line.slice(0, Math.max(0, upTo - 1)).match(CONTROL_CHARACTERS)?.length ?? 0) * 3;
  return {
    line: escapeControl(line),
    col: col + grown(col),
    endCol: endCol === undefined ? undefined : endCol + grown(endCol),
  };
}

/**
 * Formats several issues, one block each, in document order (file by file, then by
 * line and column), at most {@link MAX_ISSUES_SHOWN} of them and then `… and N more`.
 * This is the text of every {@link ConfigError}'s message.
 *
 * @param source a ConfigError (anything with `issues`) or the issues themselves.
 */
export function formatConfigError(
  source: { readonly issues: readonly ConfigIssue[] } | readonly ConfigIssue[],
  maxIssues: number = MAX_ISSUES_SHOWN,
): string {
  const issues = isIssueList(source) ? source : source.issues;
  if (issues.length === 0) return 'invalid configuration';
  const ordered = sortIssues(issues);
  const shown = ordered.slice(0, Math.max(1, maxIssues)).map(formatConfigIssue);
  const rest = ordered.length - shown.length;
  if (rest > 0) shown.push(`… and ${rest} more`);
  return shown.join('\n');
}

function isIssueList(
  source: { readonly issues: readonly ConfigIssue[] } | readonly ConfigIssue[],
): source is readonly ConfigIssue[] {
  return Array.isArray(source);
}

/**
 * Stable sort into reading order. Files keep the order in which they first appear
 * (the user's config before the patterns it pulls in, say); within a file, issues
 * without a line (about the whole file) come first.
 */
function sortIssues(issues: readonly ConfigIssue[]): ConfigIssue[] {
  const fileRank = new Map<string, number>();
  for (const i of issues) if (!fileRank.has(i.file)) fileRank.set(i.file, fileRank.size);
  return issues
    .map((issue, index) => ({ issue, index }))
    .sort(
      (a, b) =>
        (fileRank.get(a.issue.file) ?? 0) - (fileRank.get(b.issue.file) ?? 0) ||
        (a.issue.line ?? 0) - (b.issue.line ?? 0) ||
        // Columns only order issues on the same line; `--set` issues have no line and
        // columns in different arguments, so they keep their argument order.
        (a.issue.line === null ? 0 : (a.issue.col ?? 0) - (b.issue.col ?? 0)) ||
        a.index - b.index,
    )
    .map((x) => x.issue);
}

/**
 * Cuts a source line to {@link MAX_WIDTH} characters around `col` (1-based) and says
 * where the carets go in the cut text. Same rule as eemeli/yaml's prettifyError: only
 * scroll right when the column is far in, and mark each cut with `…`.
 */
function clip(
  line: string,
  col: number,
  endCol: number | undefined,
): { text: string; caretAt: number; carets: number } {
  let text = line.replace(/\t/g, '→');
  let ci = Math.min(Math.max(col - 1, 0), text.length);
  const width = Math.max(1, (endCol ?? col + 1) - col);
  if (ci >= 60 && text.length > MAX_WIDTH) {
    const start = Math.min(ci - 39, text.length - (MAX_WIDTH - 1));
    text = `…${text.slice(start)}`;
    ci -= start - 1;
  }
  if (text.length > MAX_WIDTH) text = `${text.slice(0, MAX_WIDTH - 1)}…`;
  // Never draw carets past the visible text (a long scalar cut at the edge).
  const visible = text.endsWith('…') && text.length === MAX_WIDTH ? MAX_WIDTH - 1 : text.length;
  const carets = Math.max(1, Math.min(width, visible - ci));
  return { text, caretAt: ci, carets };
}
