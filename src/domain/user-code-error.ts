import { SluiceError } from '../errors/sluice-error.ts';

/**
 * A plugin's code threw while the engine ran it (a strategy's logic, an indicator's
 * update, a classifier): the run fails as it would for a built-in, and the message says
 * whose code, where in it, and on which bar — the user's to fix, so no engine stack trace
 * (the original error is the `cause`, which `--debug` prints).
 */
export class UserCodeError extends SluiceError {
  readonly category = 'user-code';
  constructor(
    message: string,
    /** The plugin module whose code threw. */
    readonly plugin: string,
    options: { cause: unknown },
  ) {
    super(message, options);
    this.name = 'UserCodeError';
  }
}
