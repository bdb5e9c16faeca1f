import type { BarChunk, BarSource, SourceStats } from './bar-source.ts';
import { checkChunkSize, DEFAULT_CHUNK_SIZE } from './bar-source-options.ts';

/** A bar series as parallel columns; `ts` in epoch milliseconds, strictly increasing. */
export interface BarColumns {
  readonly ts: ArrayLike<number>;
  readonly open: ArrayLike<number>;
  readonly high: ArrayLike<number>;
  readonly low: ArrayLike<number>;
  readonly close: ArrayLike<number>;
  readonly volume: ArrayLike<number>;
}

const FIELDS = ['ts', 'open', 'high', 'low', 'close', 'volume'] as const;

/** The column as a Float64Array: itself when it already is one, else one copy. */
function asFloat64(values: ArrayLike<number>): Float64Array {
  return values instanceof Float64Array ? values : Float64Array.from(values);
}

/**
 * Bars of one symbol held in memory, for tests and benchmarks. Chunks are `subarray`
 * views of the columns, so a pass costs a few view objects per chunk and no copying
 * (columns that are not Float64Arrays are copied once, here).
 *
 * The series is checked once on construction: equal column lengths and strictly
 * increasing timestamps. It is code, not a user's file, so a mistake is a RangeError.
 */
export class MemoryBarSource implements BarSource {
  readonly description: string;
  readonly symbols: readonly string[];
  private readonly columns: Record<(typeof FIELDS)[number], Float64Array>;
  private readonly zeros: Uint16Array;
  private readonly chunkSize: number;
  private rows = 0;
  private closed = false;

  constructor(symbol: string, columns: BarColumns, chunkSize: number = DEFAULT_CHUNK_SIZE) {
    checkChunkSize(chunkSize);
    const n = columns.ts.length;
    for (const field of FIELDS) {
      if (columns[field].length !== n) {
        throw new RangeError(`column ${field} has ${columns[field].length} values, ts has ${n}`);
      }
    }
    const ts = asFloat64(columns.ts);
    for (let i = 1; i < n; i++) {
      if (!((ts[i] as number) > (ts[i - 1] as number))) {
        throw new RangeError(`ts must increase strictly: ts[${i}] = ${ts[i]} after ts[${i - 1}] = ${ts[i - 1]}`);
      }
    }
    this.columns = {
      ts,
      open: asFloat64(columns.open),
      high: asFloat64(columns.high),
      low: asFloat64(columns.low),
      close: asFloat64(columns.close),
      volume: asFloat64(columns.volume),
    };
    this.chunkSize = chunkSize;
    this.zeros = new Uint16Array(chunkSize);
    this.description = `memory:${symbol}`;
    this.symbols = [symbol];
  }

  /** Yields the series as views of at most `chunkSize` rows. */
  async *chunks(): AsyncGenerator<BarChunk, void, undefined> {
    this.closed = false;
    this.rows = 0;
    const { ts, open, high, low, close, volume } = this.columns;
    const n = ts.length;
    for (let from = 0; from < n && !this.closed; from += this.chunkSize) {
      const to = Math.min(from + this.chunkSize, n);
      this.rows = to;
      yield {
        length: to - from,
        symbols: this.symbols,
        symbol: this.zeros.subarray(0, to - from),
        ts: ts.subarray(from, to),
        open: open.subarray(from, to),
        high: high.subarray(from, to),
        low: low.subarray(from, to),
        close: close.subarray(from, to),
        volume: volume.subarray(from, to),
      };
    }
  }

  /** Rows handed out so far; first and last timestamps of those. */
  stats(): SourceStats {
    const ts = this.columns.ts;
    return {
      rows: this.rows,
      skipped: 0,
      notes: [],
      firstTs: this.rows > 0 ? (ts[0] as number) : null,
      lastTs: this.rows > 0 ? (ts[this.rows - 1] as number) : null,
    };
  }

  /** Ends a pass in progress after the chunk being used. */
  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }
}
