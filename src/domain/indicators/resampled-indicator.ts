import type { BarInput, Indicator } from './indicator.ts';
import type { TimeframeBuckets } from './timeframe-buckets.ts';

/** A bar that carries its timestamp (BAR events do: `ts`, epoch ms UTC, the start of its interval). */
interface TimedBar extends BarInput {
  readonly ts?: number;
}

/** The higher bar being built; also what the wrapped indicator reads (its `ts` is the higher bar's start). */
interface MutableBar {
  ts: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

/**
 * An indicator computed on higher-timeframe bars built from the lower bars it is fed
 * (`sma(50)@1h` on 5-minute data), one lower bar at a time.
 *
 * The higher bar is the usual aggregate of the lower bars in its interval (see
 * `TimeframeBuckets` for the intervals): open of the first, highest high, lowest low,
 * close of the last, summed volume. The wrapped indicator sees each higher bar once,
 * when it has closed, so its value is that of the last *closed* higher bar:
 *
 * - on the lower bar whose end (timestamp + data timeframe) reaches the higher bar's end
 *   (the 15:55 bar of 5-minute data ends at 16:00 and closes the 15:30–16:00 bar), the
 *   higher bar is closed and its value is available on that very lower bar, as any
 *   feature of a bar is (orders act on it at the next open);
 * - when that lower bar is missing (a gap, an early close), the higher bar is known to be
 *   closed only when a lower bar of a later interval arrives: it is closed then, and its
 *   value is available on that later lower bar.
 *
 * Before the first higher bar has closed, and while the wrapped indicator warms up, the
 * value is NaN. A higher bar cut by the start of the data (a window starting mid-hour) is
 * a partial bar like any other; warm-up bars make it matter no more than any early bar.
 *
 * O(1) per lower bar plus the wrapped indicator's update once per higher bar; no
 * allocation per bar.
 */
export class ResampledIndicator implements Indicator {
  private readonly bar: MutableBar = { ts: 0, open: 0, high: 0, low: 0, close: 0, volume: 0 };
  /** A higher bar has lower bars and has not been handed to the wrapped indicator yet. */
  private building = false;
  private start = Number.POSITIVE_INFINITY;
  private end = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly inner: Indicator,
    private readonly buckets: TimeframeBuckets,
  ) {}

  /**
   * Feeds one lower bar (it must carry `ts`, as BAR events do).
   * @throws Error for a bar without a timestamp: higher bars cannot be cut without one.
   */
  update(bar: BarInput): void {
    const ts = (bar as TimedBar).ts;
    if (ts === undefined) throw new Error('a higher-timeframe feature needs bars with timestamps (ts)');
    if (ts >= this.end || ts < this.start) {
      // A later interval: the bar being built is closed, even if its last lower bar never came.
      if (this.building) this.close();
      const b = this.buckets;
      b.locate(ts);
      // Outside every higher bar (us_equity: outside the regular session).
      if (Number.isNaN(b.start)) {
        this.start = Number.POSITIVE_INFINITY;
        this.end = Number.NEGATIVE_INFINITY;
        return;
      }
      this.start = b.start;
      this.end = b.end;
      const h = this.bar;
      h.ts = b.start;
      h.open = bar.open;
      h.high = bar.high;
      h.low = bar.low;
      h.close = bar.close;
      h.volume = bar.volume;
      this.building = true;
    } else if (this.building) {
      const h = this.bar;
      if (bar.high > h.high) h.high = bar.high;
      if (bar.low < h.low) h.low = bar.low;
      h.close = bar.close;
      h.volume += bar.volume;
    } else {
      // A lower bar inside an interval already closed (data whose bars are not aligned to
      // their timeframe): it cannot change a higher bar the indicator has seen.
      return;
    }
    if (ts + this.buckets.barMs >= this.end) this.close();
  }

  get ready(): boolean {
    return this.inner.ready;
  }

  /** Output `output` of the wrapped indicator as of the last closed higher bar. */
  value(output = 0): number {
    return this.inner.value(output);
  }

  reset(): void {
    this.inner.reset();
    this.building = false;
    this.start = Number.POSITIVE_INFINITY;
    this.end = Number.NEGATIVE_INFINITY;
  }

  /** Hands the higher bar to the wrapped indicator: from now on its value is available. */
  private close(): void {
    this.building = false;
    this.inner.update(this.bar);
  }
}
