import { SluiceError } from '../errors/sluice-error.ts';

/**
 * A user-facing problem with a trace: no trace where one was asked for, an order that is
 * not in it, a line that is not a trace record. The CLI prints the message (no stack)
 * and exits 1.
 */
export class TraceError extends SluiceError {
  readonly category = 'trace';
  override readonly name = 'TraceError';
}
