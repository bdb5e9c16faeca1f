/**
 * What kind of failure an error stands for, decided once by its class:
 * - `user`: a mistake in what the user gave (config, data, plugin code, a folder, a feed, a
 *   queue): printed as its message alone, exit code 1;
 * - `bug`: the engine itself is wrong: printed as a bug to report, exit code 2.
 * Any error that is not a {@link SluiceError} is a bug.
 */
export type ErrorKind = 'user' | 'bug';

/**
 * The stable names of the error families, for scripts and logs (docs/cli.md lists them,
 * generated from this list). The property is `category`, not `code`: several families
 * already use `code` for the detail (ConfigError's issue code, DataError's
 * `MISSING_COLUMN`, SignalStoreError's `MISSING`).
 */
export const ERROR_CATEGORIES = [
  'config',
  'expression',
  'template',
  'condition',
  'data',
  'fetch',
  'plugin',
  'definition',
  'registry',
  'feature-spec',
  'user-code',
  'signal-store',
  'results-write',
  'results-file',
  'live',
  'queue',
  'trace',
  'report',
  'query',
  'lookahead',
  'marble',
  'init',
] as const;

/** The family of an error: one of {@link ERROR_CATEGORIES}. */
export type ErrorCategory = (typeof ERROR_CATEGORIES)[number];

/**
 * The base of every error the engine throws on purpose. A subclass names its
 * {@link category} and, when it is not a user mistake, its {@link kind}; catch sites ask
 * {@link isUserError} (errors/exit.ts) instead of listing classes, so a new error family is
 * handled everywhere the moment it extends this.
 */
export abstract class SluiceError extends Error {
  /** The family of the error; stable across releases. */
  abstract readonly category: ErrorCategory;
  /** User mistake or engine bug (see {@link ErrorKind}). */
  readonly kind: ErrorKind = 'user';

  /**
   * Errors behind this one besides `cause` that `--debug` prints (a config error's
   * per-issue causes: a plugin's own exception, say). None by default.
   */
  debugCauses(): readonly unknown[] {
    return [];
  }
}
