import { SluiceError } from './sluice-error.ts';

/**
 * A live run stopped for a reason the user can act on (a feed that cannot be reached, a
 * full buffer under `overflow: error`, a bar out of order under `out_of_order: fail`):
 * printed as one line by the CLI, never with a stack trace.
 */
export class LiveError extends SluiceError {
  readonly category = 'live';
  override readonly name = 'LiveError';
}
