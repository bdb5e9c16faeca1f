import { barFault, barIsSound } from './bar-check.ts';
import type { BarChunk, SourceStats } from './bar-source.ts';
import type { BadRowPolicy } from './bar-source-options.ts';
import { MAX_SKIP_NOTES } from './bar-source-options.ts';
import type { DataErrorCode } from './data-error.ts';
import { DataError } from './data-error.ts';

/** Answer of {@link BarIngest.admitTime}. */
export const Admit = {
  /** Inside the window and in order: parse the rest of the row and call `addBar`. */
  IN: 0,
  /** Before `start`: drop the row without parsing the rest. */
  BEFORE: 1,
  /** At or after `end`: the reader can stop, no later row can be inside the window. */
  AFTER: 2,
  /** Out of order and skipped under the `skip` policy. */
  REJECTED: 3,
} as const;
export type Admit = (typeof Admit)[keyof typeof Admit];

/** Settings of one read of one file. */
export interface BarIngestOptions {
  readonly file: string;
  readonly symbol: string;
  readonly chunkSize: number;
  readonly onBadRow: BadRowPolicy;
  readonly start?: number | undefined;
  readonly end?: number | undefined;
}

function iso(ts: number): string {
  return Number.isFinite(ts) && Math.abs(ts) < 8.64e15 ? new Date(ts).toISOString() : String(ts);
}

/**
 * The part every file source shares once a row's fields are numbers: time order, the
 * start/end window, bar sanity checks, the bad-row policy, the statistics, and writing
 * accepted rows into preallocated column arrays that are handed out as a chunk when full.
 *
 * Checks, in order: the timestamp must be strictly after the previous accepted bar's
 * (`TIME_BACKWARDS`, equal is `DUPLICATE_BAR`); then, inside the window only, the bar must
 * be sound by the rule every source shares, {@link barIsSound} (`INVALID_BAR`, worded by
 * {@link barFault}). Rows outside the window are not checked beyond their order, so
 * a narrow window over a big file parses only the timestamps it has to.
 */
export class BarIngest {
  private readonly opts: BarIngestOptions;
  private readonly symbols: readonly string[];
  /** All rows of a single-symbol source have symbol index 0: one read-only array serves every chunk. */
  private readonly zeros: Uint16Array;
  private readonly start: number;
  private readonly end: number;

  private ts: Float64Array;
  private open: Float64Array;
  private high: Float64Array;
  private low: Float64Array;
  private close: Float64Array;
  private volume: Float64Array;
  private fill = 0;

  private prevTs = -Infinity;
  private prevRow = 0;
  private rows = 0;
  private skipped = 0;
  private readonly notes: string[] = [];
  private firstTs: number | null = null;
  private lastTs: number | null = null;
  /** Set once a bar at or after `end` was seen: the reader may stop. */
  done = false;

  constructor(opts: BarIngestOptions) {
    this.opts = opts;
    this.symbols = [opts.symbol];
    this.zeros = new Uint16Array(opts.chunkSize);
    this.start = opts.start ?? -Infinity;
    this.end = opts.end ?? Infinity;
    const n = opts.chunkSize;
    this.ts = new Float64Array(n);
    this.open = new Float64Array(n);
    this.high = new Float64Array(n);
    this.low = new Float64Array(n);
    this.close = new Float64Array(n);
    this.volume = new Float64Array(n);
  }

  /**
   * Reports a bad row: throws a {@link DataError} under the `fail` policy, counts it and
   * keeps a note under `skip`.
   */
  reject(code: DataErrorCode, row: number, what: string, column?: string): void {
    if (this.opts.onBadRow === 'fail') {
      throw new DataError(
        column === undefined
          ? { code, file: this.opts.file, row, what }
          : { code, file: this.opts.file, row, column, what },
      );
    }
    this.skipped++;
    if (this.notes.length < MAX_SKIP_NOTES) this.notes.push(`row ${row}: ${what}`);
  }

  /**
   * Under `skip` with the notes full, counts the row and returns true: the caller can drop
   * it without building a message. A file with a million bad rows then costs a counter,
   * not a million strings.
   */
  skipQuietly(): boolean {
    if (this.opts.onBadRow === 'fail' || this.notes.length < MAX_SKIP_NOTES) return false;
    this.skipped++;
    return true;
  }

  /** Checks a row's timestamp against the previous bar and the window; see {@link Admit}. */
  admitTime(row: number, ts: number): Admit {
    if (ts <= this.prevTs) {
      if (this.skipQuietly()) return Admit.REJECTED;
      if (ts === this.prevTs) {
        this.reject('DUPLICATE_BAR', row, `duplicate bar: timestamp ${iso(ts)} is the same as row ${this.prevRow}'s`);
      } else {
        this.reject(
          'TIME_BACKWARDS',
          row,
          `timestamp ${iso(ts)} goes backwards: row ${this.prevRow} was at ${iso(this.prevTs)}`,
        );
      }
      return Admit.REJECTED;
    }
    if (ts < this.start) {
      this.prevTs = ts;
      this.prevRow = row;
      return Admit.BEFORE;
    }
    if (ts >= this.end) {
      this.done = true;
      return Admit.AFTER;
    }
    return Admit.IN;
  }

  /**
   * Checks and stores a bar whose time was admitted. Returns the chunk when this row
   * filled it, else null.
   */
  addBar(row: number, ts: number, o: number, h: number, l: number, c: number, v: number): BarChunk | null {
    if (!barIsSound(o, h, l, c, v)) {
      if (this.skipQuietly()) return null;
      this.reject('INVALID_BAR', row, `invalid bar: ${barFault(o, h, l, c, v)?.what ?? 'not a bar'}`);
      return null;
    }
    const i = this.fill;
    this.ts[i] = ts;
    this.open[i] = o;
    this.high[i] = h;
    this.low[i] = l;
    this.close[i] = c;
    this.volume[i] = v;
    this.fill = i + 1;
    this.prevTs = ts;
    this.prevRow = row;
    this.rows++;
    if (this.firstTs === null) this.firstTs = ts;
    this.lastTs = ts;
    return this.fill === this.opts.chunkSize ? this.take() : null;
  }

  /**
   * The rows gathered since the last full chunk, or null when there are none. Its arrays
   * are views cut to the row count, so a consumer reading `ts.length` is not misled.
   * Ends the read: call it once, after the last row.
   */
  flush(): BarChunk | null {
    const n = this.fill;
    if (n === 0) return null;
    this.fill = 0;
    return {
      length: n,
      symbols: this.symbols,
      symbol: this.zeros.subarray(0, n),
      ts: this.ts.subarray(0, n),
      open: this.open.subarray(0, n),
      high: this.high.subarray(0, n),
      low: this.low.subarray(0, n),
      close: this.close.subarray(0, n),
      volume: this.volume.subarray(0, n),
    };
  }

  /** Statistics so far. */
  stats(): SourceStats {
    return {
      rows: this.rows,
      skipped: this.skipped,
      notes: this.notes.slice(),
      firstTs: this.firstTs,
      lastTs: this.lastTs,
    };
  }

  private take(): BarChunk {
    // The filled arrays go to the consumer, who may keep them; the next chunk gets new ones.
    const chunk: BarChunk = {
      length: this.fill,
      symbols: this.symbols,
      symbol: this.zeros,
      ts: this.ts,
      open: this.open,
      high: this.high,
      low: this.low,
      close: this.close,
      volume: this.volume,
    };
    const n = this.opts.chunkSize;
    this.ts = new Float64Array(n);
    this.open = new Float64Array(n);
    this.high = new Float64Array(n);
    this.low = new Float64Array(n);
    this.close = new Float64Array(n);
    this.volume = new Float64Array(n);
    this.fill = 0;
    return chunk;
  }
}
