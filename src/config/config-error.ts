import { SluiceError } from '../errors/sluice-error.ts';
import { formatConfigError } from './format-error.ts';
import type { ConfigIssue, ConfigIssueCode } from './config-issue.ts';

export type { ConfigIssue, ConfigIssueCode, ConfigPath } from './config-issue.ts';

/**
 * A user mistake in a config, pattern or command-line override. Carries every issue
 * found (validation reports them all at once, not one per run); `message` is the
 * formatted text, so the CLI prints `err.message` without a stack trace and exits 1
 * (errors/exit.ts).
 */
export class ConfigError extends SluiceError {
  readonly category = 'config';
  /** The problems, in the order they were found. */
  readonly issues: ConfigIssue[];

  /** @param issues one issue or several; at least one. */
  constructor(issues: ConfigIssue | readonly ConfigIssue[]) {
    const list = Array.isArray(issues) ? [...(issues as readonly ConfigIssue[])] : [issues as ConfigIssue];
    super(formatConfigError(list));
    this.name = 'ConfigError';
    this.issues = list;
  }

  /** With `--debug`, the exceptions behind issues (a plugin's own error) are printed too. */
  override debugCauses(): readonly unknown[] {
    return this.issues.map((i) => i.cause).filter((c) => c !== undefined);
  }

  /** The code of the first issue; handy for callers that branch on one kind of error. */
  get code(): ConfigIssueCode | undefined {
    return this.issues[0]?.code;
  }
}

/** True when `err` is a user mistake in a config (print it plainly) rather than an engine bug. */
export function isConfigError(err: unknown): err is ConfigError {
  return err instanceof ConfigError;
}
