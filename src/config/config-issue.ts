/**
 * What one config problem is (its kind, place and text): the plain data ConfigError carries,
 * kept apart from the error class so the formatter and path renderer need not import it.
 */
/**
 * Machine-readable kind of a config problem. The named ones are those this folder
 * produces; other parts of the engine may add their own (the type stays open).
 *
 * - `FILE_NOT_FOUND` — the config or pattern file does not exist.
 * - `FILE_UNREADABLE` — it exists but cannot be read (a directory, no permission).
 * - `YAML_SYNTAX` — the text is not valid YAML (tabs as indentation, unclosed brackets…).
 * - `DUPLICATE_KEY` — a mapping names the same key twice.
 * - `INVALID_TYPE` — a value has the wrong type (a string where a number belongs).
 * - `MISSING_KEY` — a required key is absent.
 * - `UNKNOWN_KEY` — a key the schema does not know (usually a typo).
 * - `UNKNOWN_NAME` — a name that must be one of a known set (a strategy type, an enum value).
 * - `INVALID_VALUE` — right type, wrong value (out of range, bad format, failed refinement).
 * - `INVALID_SET` — a malformed `--set path=value` on the command line.
 * - `GRID` — a parameter grid that cannot be expanded (bad `range()`, too many combinations).
 */
export type ConfigIssueCode =
  | 'FILE_NOT_FOUND'
  | 'FILE_UNREADABLE'
  | 'YAML_SYNTAX'
  | 'DUPLICATE_KEY'
  | 'INVALID_TYPE'
  | 'MISSING_KEY'
  | 'UNKNOWN_KEY'
  | 'UNKNOWN_NAME'
  | 'INVALID_VALUE'
  | 'INVALID_SET'
  | 'GRID'
  | (string & {});

/** A path into the config document: mapping keys and list indices. */
export type ConfigPath = (string | number)[];

/**
 * One user mistake in a config, located in its file.
 *
 * Lines and columns are 1-based; `endCol` is exclusive (the column just after the
 * offending range), so `endCol - col` carets are drawn under it.
 */
export interface ConfigIssue {
  /** What kind of problem; stable, for tools and tests. */
  code: ConfigIssueCode;
  /** The file the problem is in, as the user named it (or `--set` for command-line overrides). */
  file: string;
  /** 1-based line, or null when the problem has no place in the text (a missing file). */
  line: number | null;
  /** 1-based column, or null when unknown. */
  col: number | null;
  /** Exclusive end column of the offending range on the same line. */
  endCol?: number;
  /** Where in the document, e.g. `['strategies', 0, 'params', 'fast_period']`. */
  path: ConfigPath;
  /** What was expected and what was found, in the user's terms. */
  message: string;
  /** How to fix it, or a "did you mean …?". */
  hint?: string;
  /** The text of `line` (without the line break), shown under the message with carets. */
  sourceLine?: string;
  /**
   * The line before `line`, shown too when the error sits at the start of a line: YAML
   * often notices a problem (an unclosed bracket) only on the line after its cause.
   */
  prevSourceLine?: string;
  /** The error behind the issue, when it came from running user code (a plugin); shown by `--debug`. */
  cause?: unknown;
}
