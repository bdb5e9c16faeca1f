import { z } from 'zod';
import type { PriceInput } from './indicator.ts';
import { periodParam } from './params.ts';
import { PriceIndicator } from './price-indicator.ts';
import { defineIndicator } from '../define.ts';

/**
 * Linearly weighted moving average: weights 1, 2, …, period from the oldest value to the
 * newest, divided by period·(period+1)/2.
 *
 * O(1) per update with two running sums, the plain sum S and the weighted sum W: when x
 * enters a full window every weight drops by one (the oldest's to zero), so
 * W' = W - S + period·x and S' = S - oldest + x. Both are recomputed from the buffer each
 * time the ring wraps (amortised O(1)), so rounding cannot drift. First value at bar index
 * period-1.
 */
export class Wma extends PriceIndicator {
  /** Window length. */
  readonly period: number;
  private readonly buf: Float64Array;
  private readonly divisor: number;
  private idx = 0;
  private count = 0;
  private sum = 0;
  private wsum = 0;
  private current = NaN;

  /**
   * @param period window length, a positive integer.
   * @param input series read by `update` (default close).
   */
  constructor(period: number, input?: PriceInput) {
    super(input);
    this.period = period;
    this.buf = new Float64Array(period);
    this.divisor = (period * (period + 1)) / 2;
  }

  /** Feeds one value. */
  push(x: number): void {
    const p = this.period;
    if (this.count < p) {
      // While filling, the newest value's weight is the number of values so far; once
      // full this gives weights 1..period with the oldest at 1.
      this.count++;
      this.sum += x;
      this.wsum += this.count * x;
    } else {
      this.wsum += p * x - this.sum;
      this.sum += x - this.buf[this.idx]!;
    }
    this.buf[this.idx] = x;
    if (++this.idx === p) {
      this.idx = 0;
      // The buffer is now in time order, oldest first: re-sum both sums exactly.
      let s = 0;
      let w = 0;
      for (let i = 0; i < p; i++) {
        const v = this.buf[i]!;
        s += v;
        w += (i + 1) * v;
      }
      this.sum = s;
      this.wsum = w;
    }
    if (this.count === p) this.current = this.wsum / this.divisor;
  }

  /** True once `period` values have been seen. */
  get ready(): boolean {
    return this.count === this.period;
  }

  /** The average; NaN until ready. */
  value(output = 0): number {
    return output === 0 ? this.current : NaN;
  }

  /** Forgets every value seen. */
  reset(): void {
    this.buf.fill(0);
    this.idx = 0;
    this.count = 0;
    this.sum = 0;
    this.wsum = 0;
    this.current = NaN;
  }
}

const params = z.strictObject({ period: periodParam() });

/** `wma(period)`: linearly weighted moving average. Output `value`; warm-up `period` bars. */
export const wma = defineIndicator({
  name: 'wma',
  description: 'Linearly weighted moving average: weights 1..period, newest heaviest.',
  params,
  outputs: ['value'],
  reads: 'price',
  warmup: (p) => p.period,
  create: (p, input) => new Wma(p.period, input),
});
