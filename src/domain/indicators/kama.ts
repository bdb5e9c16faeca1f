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
 * The first KAMA is at bar index `period` (the first with `period` changes). Two seeds:
 * - `price` (default, as TA-Lib): the previous price x_{period-1} stands for KAMA_{period-1},
 *   and the first KAMA is one adaptive step from it;
 * - `sma` (as backtrader's AdaptiveMovingAverage, via ExponentialSmoothingDynamic): the
 *   first KAMA is the simple mean of the last `period` prices x_1..x_period, no step.
 * O(1): a ring of the last `period` prices and a rolling sum of absolute changes.
 */
export class Kama extends PriceIndicator {
  /** Efficiency-ratio look-back in bars. */
  readonly period: number;
  /** How the first KAMA is seeded. */
  readonly seed: KamaSeed;
  private readonly fastSc: number;
  private readonly slowSc: number;
  // The last `period` prices; the slot about to be overwritten holds x_{t-period}.
  private readonly buf: Float64Array;
  private readonly volatility: RollingSum;
  private idx = 0;
  private count = 0;
  private prev = NaN;
  private current = NaN;
  // Sum of x_1..x_period, for the `sma` seed.
  private seedSum = 0;

  /**
   * @param period efficiency-ratio look-back, a positive integer.
   * @param fast period of the fastest EMA (its alpha 2/(fast+1) is the top of the range).
   * @param slow period of the slowest EMA.
   * @param input series read by `update` (default close).
   * @param seed `price` (TA-Lib, default) or `sma` (backtrader).
   */
  constructor(period: number, fast: number, slow: number, input?: PriceInput, seed: KamaSeed = 'price') {
    super(input);
    this.period = period;
    this.seed = seed;
    this.fastSc = 2 / (fast + 1);
    this.slowSc = 2 / (slow + 1);
    this.buf = new Float64Array(period);
    this.volatility = new RollingSum(period);
  }

  /** Feeds one value. */
  push(x: number): void {
    if (this.count > 0) {
      this.volatility.push(Math.abs(x - this.prev));
      if (this.count <= this.period) this.seedSum += x;
    }
    if (this.count === this.period && this.seed === 'sma') {
      this.current = this.seedSum / this.period;
    } else if (this.count >= this.period) {
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
    this.seedSum = 0;
  }
}

/** How the first KAMA is seeded: `price` (TA-Lib) or `sma` (backtrader). */
export type KamaSeed = 'price' | 'sma';

const params = z
  .strictObject({
    period: periodParam(10),
    fast: periodParam(2),
    slow: periodParam(30),
    seed: z
      .enum(['price', 'sma'])
      .default('price')
      .describe(
        "First KAMA: one step from the previous price ('price', TA-Lib) or the SMA of the last `period` prices ('sma', backtrader)",
      ),
  })
  .refine((p) => p.fast < p.slow, { path: ['slow'], message: 'slow must be greater than fast' });

/**
 * `kama(period=10, fast=2, slow=30, seed=price)`: Kaufman's adaptive MA. Output `value`;
 * warm-up `period + 1` bars with either seed.
 */
export const kama = defineIndicator({
  name: 'kama',
  description:
    "Kaufman's adaptive moving average: efficiency ratio over `period` bars scales the alpha between 2/(slow+1) and 2/(fast+1), squared; seeded from the previous price (TA-Lib) or an SMA (seed: sma, backtrader).",
  params,
  outputs: ['value'],
  reads: 'price',
  warmup: (p) => p.period + 1,
  create: (p, input) => new Kama(p.period, p.fast, p.slow, input, p.seed),
});
