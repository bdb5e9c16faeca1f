import type { BarChunk } from '../events/bar-chunk.ts';

export type { BarChunk } from '../events/bar-chunk.ts';

/** What a source reports once it has been read to the end. */
export interface SourceStats {
  readonly rows: number;
  readonly skipped: number;
  /** Human-readable notes on skipped rows (first few), e.g. "row 12: duplicate timestamp". */
  readonly notes: readonly string[];
  readonly firstTs: number | null;
  readonly lastTs: number | null;
}

/** A pull-based source of bars in time order. */
export interface BarSource {
  /** Description for logs and the run manifest, e.g. the file path. */
  readonly description: string;
  readonly symbols: readonly string[];
  /** Yields chunks in (timestamp, symbol) order; the consumer pulls the next chunk when ready. */
  chunks(): AsyncIterable<BarChunk>;
  /** Statistics so far (complete once `chunks()` has finished). */
  stats(): SourceStats;
  /** Releases file handles; safe to call more than once, also mid-iteration. */
  close(): Promise<void>;
}

/** The columns of a chunk being filled (typed arrays of a capacity, rows written so far). */
export type ChunkColumns = Omit<BarChunk, 'length' | 'symbols'>;

/** The first `fill` rows of `cols` as a chunk (views into the same arrays, no copy). */
export function chunkOf(cols: ChunkColumns, fill: number, symbols: readonly string[]): BarChunk {
  return {
    length: fill,
    symbols,
    symbol: cols.symbol.subarray(0, fill),
    ts: cols.ts.subarray(0, fill),
    open: cols.open.subarray(0, fill),
    high: cols.high.subarray(0, fill),
    low: cols.low.subarray(0, fill),
    close: cols.close.subarray(0, fill),
    volume: cols.volume.subarray(0, fill),
  };
}
