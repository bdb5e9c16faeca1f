import type { PriceInput } from './indicator.ts';
import { PriceIndicator } from './price-indicator.ts';

/**
 * An indicator of x_t and x_{t-period}: a ring of the last `period` values, O(1) per bar.
 * Momentum and ROC differ only in `combine`. Needs `period + 1` values (first value at bar
 * index `period`).
 */
export abstract class LagIndicator extends PriceIndicator {
  /** Look-back in bars. */
  readonly period: number;
  // The last `period` values; the slot about to be overwritten holds x_{t-period}.
  private readonly buf: Float64Array;
  private idx = 0;
  private count = 0;
  private current = NaN;

  /**
   * @param period look-back, a positive integer.
   * @param input series read by `update` (default close).
   */
  constructor(period: number, input?: PriceInput) {
    super(input);
    this.period = period;
    this.buf = new Float64Array(period);
  }

  /** The indicator's value from the current value and the one `period` bars earlier. */
  protected abstract combine(x: number, old: number): number;

  /** Feeds one value. */
  push(x: number): void {
    if (this.count >= this.period) this.current = this.combine(x, this.buf[this.idx]!);
    this.count++;
    this.buf[this.idx] = x;
    if (++this.idx === this.period) this.idx = 0;
  }

  /** True once `period + 1` values have been seen. */
  get ready(): boolean {
    return this.count > this.period;
  }

  /** The value; NaN until ready. */
  value(output = 0): number {
    return output === 0 ? this.current : NaN;
  }

  /** Forgets every value seen. */
  reset(): void {
    this.buf.fill(0);
    this.idx = 0;
    this.count = 0;
    this.current = NaN;
  }
}
