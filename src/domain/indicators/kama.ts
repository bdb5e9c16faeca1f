import { z } from 'zod';
import type { PriceInput } from './indicator.ts';
import { periodParam } from './params.ts';
import { PriceIndicator } from './price-indicator.ts';
import { RollingSum } from './rolling-sum.ts';
import { defineIndicator } from '../define.ts';

/**
 * Kaufman's adaptive moving average.
 *
 * Efficiency ratio over `period` changes: ER = |x_t - x_{t-period}| / Σ|x_i - x_{i-1}|
 * (the last `period` one-bar changes); ER = 1 when that sum is 0 (TA-Lib's rule: a window
 * without movement counts as fully efficient). Smoothing constant
 * sc = (ER·(2/(fast+1) - 2/(slow+1)) + 2/(slow+1))², and KAMA_t = KAMA_{t-1} + sc·(x_t - KAMA_{t-1}).
 *
 * Seed as TA-Lib: the first KAMA is at bar index `period` (the first with `period`
 * changes), taking the previous price x_{period-1} as KAMA_{period-1}. O(1): a ring of the
 * last `period` prices and a rolling sum of absolute changes.
 */
export class Kama extends PriceIndicator {
  /** Efficiency-ratio look-back in bars. */
  readonly period: number;
  private readonly fastSc: number;
  private readonly slowSc: number;
  // The last `period` prices; the slot about to be overwritten holds x_{t-period}.
  private readonly buf: Float64Array;
  private readonly volatility: RollingSum;
  private idx = 0;
  private count = 0;
  private prev = NaN;
  private current = NaN;

  /**
   * @param period efficiency-ratio look-back, a positive integer.
   * @param fast period of the fastest EMA (its alpha 2/(fast+1) is the top of the range).
   * @param slow period of the slowest EMA.
   * @param input series read by `update` (default close).
   */
  constructor(period: number, fast: number, slow: number, input?: PriceInput) {
    super(input);
    this.period = period;
    this.fastSc = 2 / (fast + 1);
    this.slowSc = 2 / (slow + 1);
    this.buf = new Float64Array(period);
    this.volatility = new RollingSum(period);
  }

  /** Feeds one value. */
  push(x: number): void {
    if (this.count > 0) this.volatility.push(Math.abs(x - this.prev));
    if (this.count >= this.period) {
      const direction = Math.abs(x - this.buf[this.idx]!);
      const vol = this.volatility.sum;
      // The running sum can round a hair below |net change| on a one-way window.
      const er = vol === 0 || direction >= vol ? 1 : direction / vol;
      const a = er * (this.fastSc - this.slowSc) + this.slowSc;
      const base = this.count === this.period ? this.prev : this.current;
      this.current = base + a * a * (x - base);
    }
    this.buf[this.idx] = x;
    if (++this.idx === this.period) this.idx = 0;
    this.prev = x;
    this.count++;
  }

  /** True once `period + 1` values have been seen. */
  get ready(): boolean {
    return this.count > this.period;
  }

  /** The KAMA; NaN until ready. */
  value(output = 0): number {
    return output === 0 ? this.current : NaN;
  }

  /** Forgets every value seen. */
  reset(): void {
    this.buf.fill(0);
    this.volatility.reset();
    this.idx = 0;
    this.count = 0;
    this.prev = NaN;
    this.current = NaN;
  }
}

const params = z
  .strictObject({ period: periodParam(10), fast: periodParam(2), slow: periodParam(30) })
  .refine((p) => p.fast < p.slow, { path: ['slow'], message: 'slow must be greater than fast' });

/** `kama(period=10, fast=2, slow=30)`: Kaufman's adaptive MA. Output `value`; warm-up `period + 1` bars. */
export const kama = defineIndicator({
  name: 'kama',
  description:
    "Kaufman's adaptive moving average: efficiency ratio over `period` bars scales the alpha between 2/(slow+1) and 2/(fast+1), squared.",
  params,
  outputs: ['value'],
  reads: 'price',
  warmup: (p) => p.period + 1,
  create: (p, input) => new Kama(p.period, p.fast, p.slow, input),
});
