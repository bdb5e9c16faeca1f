/** Where a closed bar goes: the live source's `push`. */
export type BarEmitter = (
  symbol: string,
  ts: number,
  open: number,
  high: number,
  low: number,
  close: number,
  volume: number,
) => void;

export interface TickAggregatorOptions {
  /** Bar length in ms; intervals are aligned to the epoch (UTC): [k·tf, (k+1)·tf). */
  readonly timeframeMs: number;
  /**
   * A bar also closes this long after its interval's end by the wall clock, if no trade of
   * a later interval came first; null: only a later trade (or `flush`) closes a bar. The
   * timer is set only for trades in real time (the interval's end not yet past by the
   * wall clock when the bar opens), so replayed historical trades never close by timer.
   */
  readonly closeAfterMs: number | null;
  readonly emit: BarEmitter;
  /** Wall clock, epoch ms (default Date.now). */
  readonly now?: () => number;
  /** Timer functions (default setTimeout / clearTimeout, unref'd). */
  readonly setTimer?: (fn: () => void, ms: number) => unknown;
  readonly clearTimer?: (handle: unknown) => void;
}

/** The bar being built for one symbol. */
interface OpenBar {
  start: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  timer: unknown;
}

/**
 * Aggregates trades (ticks) into OHLCV bars of one timeframe, per symbol. A bar's
 * timestamp is the start of its interval (like the bundled bar files); open is the first
 * trade's price, high / low the extremes, close the last trade's price, volume the sum of
 * sizes. An interval without trades makes no bar.
 *
 * A bar closes (is emitted) when the first trade of a later interval arrives for its
 * symbol, when the wall clock passes its interval's end + `closeAfterMs` (real-time
 * trades only), or at `flush()` (end of the feed). A trade of an interval already closed
 * is late: counted and dropped (the bar has gone out; bars are never revised).
 */
export class TickAggregator {
  readonly counters = { trades: 0, late: 0, bars: 0, closedByTimer: 0 };
  private readonly open = new Map<string, OpenBar>();
  /** Per symbol: start of the last interval closed; trades before its end are late. */
  private readonly closedThrough = new Map<string, number>();
  private readonly now: () => number;
  private readonly setTimer: (fn: () => void, ms: number) => unknown;
  private readonly clearTimer: (handle: unknown) => void;

  constructor(private readonly opts: TickAggregatorOptions) {
    if (!(opts.timeframeMs > 0)) throw new RangeError(`timeframeMs must be positive, got ${opts.timeframeMs}`);
    this.now = opts.now ?? Date.now;
    this.setTimer =
      opts.setTimer ??
      ((fn, ms) => {
        const t = setTimeout(fn, ms);
        t.unref();
        return t;
      });
    this.clearTimer = opts.clearTimer ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>));
  }

  /** One trade. */
  trade(symbol: string, ts: number, price: number, size: number): void {
    this.counters.trades++;
    const tf = this.opts.timeframeMs;
    const start = Math.floor(ts / tf) * tf;
    const bar = this.open.get(symbol);
    if (bar !== undefined && start === bar.start) {
      if (price > bar.high) bar.high = price;
      if (price < bar.low) bar.low = price;
      bar.close = price;
      bar.volume += size;
      return;
    }
    if (bar !== undefined && start < bar.start) {
      this.counters.late++;
      return;
    }
    if (start <= (this.closedThrough.get(symbol) ?? Number.NEGATIVE_INFINITY)) {
      this.counters.late++;
      return;
    }
    if (bar !== undefined) this.close(symbol, bar);
    const next: OpenBar = { start, open: price, high: price, low: price, close: price, volume: size, timer: undefined };
    this.open.set(symbol, next);
    const after = this.opts.closeAfterMs;
    if (after !== null) {
      const delay = start + tf + after - this.now();
      if (delay > 0 && delay <= tf + after) {
        next.timer = this.setTimer(() => {
          if (this.open.get(symbol) !== next) return;
          this.counters.closedByTimer++;
          this.close(symbol, next);
        }, delay);
      }
    }
  }

  /** Closes every open bar (end of the feed), in symbol order. */
  flush(): void {
    for (const symbol of [...this.open.keys()].sort()) this.close(symbol, this.open.get(symbol)!);
  }

  /** Drops open bars and their timers without emitting (the run stops). */
  dispose(): void {
    for (const bar of this.open.values()) if (bar.timer !== undefined) this.clearTimer(bar.timer);
    this.open.clear();
  }

  private close(symbol: string, bar: OpenBar): void {
    if (bar.timer !== undefined) this.clearTimer(bar.timer);
    this.open.delete(symbol);
    this.closedThrough.set(symbol, bar.start);
    this.counters.bars++;
    this.opts.emit(symbol, bar.start, bar.open, bar.high, bar.low, bar.close, bar.volume);
  }
}
