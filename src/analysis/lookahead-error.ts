/** A look-ahead check that cannot be made as asked (unknown symbol, bar out of range, a failed run, no strategies). */
export class LookaheadError extends Error {
  override readonly name = 'LookaheadError';
}
