import { SluiceError } from '../errors/sluice-error.ts';

/** A look-ahead check that cannot be made as asked (unknown symbol, bar out of range, a failed run, no strategies). */
export class LookaheadError extends SluiceError {
  readonly category = 'lookahead';
  override readonly name = 'LookaheadError';
}
