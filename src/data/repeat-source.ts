import type { BarChunk, BarSource, SourceStats } from './bar-source.ts';
import { checkChunkSize, DEFAULT_CHUNK_SIZE } from './bar-source-options.ts';
import type { BarColumns } from './memory-source.ts';

/** Options of {@link repeatSource}. */
export interface RepeatOptions {
  /** Symbol of the bars (default `SYN`, for synthetic). */
  readonly symbol?: string;
  /** Rows per chunk (default 8192). */
  readonly chunkSize?: number;
}

/**
 * A long synthetic series for benchmarks: `base` repeated `times` times, computed chunk by
 * chunk, so ten million bars need no ten-million-row arrays.
 *
 * Copy k is the base shifted in time by k times the base's span plus one bar spacing (the
 * smallest gap between its bars, e.g. 5 minutes for 5-minute bars with overnight gaps), so
 * time keeps increasing at the base's bar rhythm; and its prices are multiplied by
 * (lastClose / firstOpen)^k, so each copy opens where the previous one closed and
 * indicators see no jump. The price level therefore compounds with the base's return
 * (SPY 5m ×500 ends near 10^16): fine for throughput, not for thresholds in dollars.
 * Volume is repeated unchanged.
 *
 * @param base at least two bars with strictly increasing `ts`
 * @param times how many copies, at least 1
 */
export function repeatSource(base: BarColumns, times: number, opts: RepeatOptions = {}): BarSource {
  return new RepeatedSource(base, times, opts.symbol ?? 'SYN', opts.chunkSize ?? DEFAULT_CHUNK_SIZE);
}

class RepeatedSource implements BarSource {
  readonly description: string;
  readonly symbols: readonly string[];
  private readonly base: BarColumns;
  private readonly n: number;
  private readonly times: number;
  private readonly chunkSize: number;
  private readonly zeros: Uint16Array;
  /** Time shift from one copy to the next. */
  private readonly period: number;
  /** Price factor from one copy to the next. */
  private readonly ratio: number;
  private rows = 0;
  private firstTs: number | null = null;
  private lastTs: number | null = null;
  private closed = false;

  constructor(base: BarColumns, times: number, symbol: string, chunkSize: number) {
    checkChunkSize(chunkSize);
    const n = base.ts.length;
    if (n < 2) throw new RangeError(`repeatSource needs at least 2 bars to know their spacing, got ${n}`);
    if (!Number.isInteger(times) || times < 1) throw new RangeError(`times must be a whole number >= 1, got ${times}`);
    let spacing = Infinity;
    for (let i = 1; i < n; i++) {
      const gap = (base.ts[i] as number) - (base.ts[i - 1] as number);
      if (!(gap > 0)) throw new RangeError(`base ts must increase strictly: ts[${i}] after ts[${i - 1}]`);
      if (gap < spacing) spacing = gap;
    }
    const firstOpen = base.open[0] as number;
    const lastClose = base.close[n - 1] as number;
    if (!(firstOpen > 0 && lastClose > 0)) throw new RangeError('base prices must be positive');
    this.base = base;
    this.n = n;
    this.times = times;
    this.chunkSize = chunkSize;
    this.zeros = new Uint16Array(chunkSize);
    this.period = (base.ts[n - 1] as number) - (base.ts[0] as number) + spacing;
    this.ratio = lastClose / firstOpen;
    this.description = `repeat(${n} bars × ${times})`;
    this.symbols = [symbol];
  }

  async *chunks(): AsyncGenerator<BarChunk, void, undefined> {
    this.closed = false;
    this.rows = 0;
    this.firstTs = null;
    this.lastTs = null;
    const { base, n, chunkSize } = this;
    const total = n * this.times;
    let copy = 0;
    let i = 0;
    let shift = 0;
    let scale = 1;
    while (this.rows < total && !this.closed) {
      const len = Math.min(chunkSize, total - this.rows);
      const ts = new Float64Array(len);
      const open = new Float64Array(len);
      const high = new Float64Array(len);
      const low = new Float64Array(len);
      const close = new Float64Array(len);
      const volume = new Float64Array(len);
      for (let j = 0; j < len; j++) {
        ts[j] = (base.ts[i] as number) + shift;
        open[j] = (base.open[i] as number) * scale;
        high[j] = (base.high[i] as number) * scale;
        low[j] = (base.low[i] as number) * scale;
        close[j] = (base.close[i] as number) * scale;
        volume[j] = base.volume[i] as number;
        if (++i === n) {
          i = 0;
          copy++;
          shift = copy * this.period;
          scale *= this.ratio;
        }
      }
      this.rows += len;
      this.firstTs ??= ts[0] as number;
      this.lastTs = ts[len - 1] as number;
      yield {
        length: len,
        symbols: this.symbols,
        symbol: this.zeros.subarray(0, len),
        ts,
        open,
        high,
        low,
        close,
        volume,
      };
    }
  }

  stats(): SourceStats {
    return { rows: this.rows, skipped: 0, notes: [], firstTs: this.firstTs, lastTs: this.lastTs };
  }

  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }
}
