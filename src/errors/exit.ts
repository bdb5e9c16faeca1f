import { escapeControl } from './escape-control.ts';
import { SluiceError } from './sluice-error.ts';

/** Exit codes of the `sluice` command (docs/cli.md): success, a user mistake or failed run, an engine bug, interrupted. */
export const EXIT = { ok: 0, failed: 1, bug: 2, interrupted: 130 } as const;

/** The line printed under an engine bug. */
export const BUG_NOTICE = 'this is a bug in sluice, please report it';

/** True when `err` is a user's mistake (printed plainly), false for an engine bug. */
export function isUserError(err: unknown): err is SluiceError {
  return err instanceof SluiceError && err.kind === 'user';
}

/** How the command reports an error that ended it. */
export interface ErrorReport {
  readonly exitCode: number;
  /** The lines for stderr, in order. */
  readonly lines: readonly string[];
}

/**
 * The one mapping from an error to what the user sees and the process's exit code.
 * A user mistake: its message (control characters escaped: it may quote a config or a
 * data file), exit 1; `--debug` adds the stacks. Anything else is an engine bug: its
 * message, {@link BUG_NOTICE}, exit 2; `--debug` adds the stacks.
 *
 * @param heading text before the message (`run failed during execute: `), when the error
 *   is reported as the reason something failed rather than on its own.
 */
export function reportFor(err: unknown, opts: { readonly debug: boolean; readonly heading?: string }): ErrorReport {
  const heading = opts.heading ?? '';
  const message = err instanceof Error ? err.message : String(err);
  if (isUserError(err)) {
    return {
      exitCode: EXIT.failed,
      lines: [`${heading}${escapeControl(message)}`, ...(opts.debug ? [debugStack(err)] : [])],
    };
  }
  const head = opts.heading !== undefined ? `${heading}${message}` : `sluice: internal error: ${message}`;
  const hint =
    opts.debug || !(err instanceof Error) ? BUG_NOTICE : `${BUG_NOTICE} (run again with --debug for the stack trace)`;
  return { exitCode: EXIT.bug, lines: [head, hint, ...(opts.debug && err instanceof Error ? [debugStack(err)] : [])] };
}

/** `--debug`: the error's stack and those of its causes (a plugin's own error, say). */
function debugStack(err: Error): string {
  const parts: string[] = [];
  for (let e: unknown = err; e instanceof Error; e = e.cause) parts.push(e.stack ?? e.message);
  for (const cause of err instanceof SluiceError ? err.debugCauses() : [])
    if (cause instanceof Error) parts.push(cause.stack ?? cause.message);
  return parts.join('\ncaused by: ');
}
