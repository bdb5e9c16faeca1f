/**
 * Historical bars arrive in columnar chunks: the source pulls a chunk, the data container
 * pushes its rows synchronously, and the next chunk is read only once sinks have drained.
 * Columns are typed arrays so a chunk costs a handful of allocations, not one per bar.
 */
export interface BarChunk {
  /** Number of rows in this chunk (the typed arrays may be longer). */
  readonly length: number;
  /** Symbols referenced by `symbol`, a row's symbol is `symbols[symbol[i]]`. */
  readonly symbols: readonly string[];
  readonly symbol: Uint16Array;
  /** Epoch milliseconds, UTC. */
  readonly ts: Float64Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
}
