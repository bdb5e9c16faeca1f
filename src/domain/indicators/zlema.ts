import { z } from 'zod';
import { Ema } from './ema.ts';
import type { PriceInput } from './indicator.ts';
import { periodParam } from './params.ts';
import { PriceIndicator } from './price-indicator.ts';
import { defineIndicator } from '../define.ts';

/**
 * Zero-lag exponential moving average, attributed to John Ehlers and Ric Way, in the form
 * backtrader's ZeroLagExponentialMovingAverage and most platforms compute: lag = floor((period - 1) / 2), the de-lagged series
 * d_t = 2·x_t - x_{t-lag}, and ZLEMA = EMA(d, period), alpha 2/(period+1), SMA-seeded like
 * this catalogue's EMA.
 *
 * d exists from bar index lag, so the first ZLEMA is at bar index lag + period - 1. O(1):
 * a ring of the last `lag` prices.
 */
export class Zlema extends PriceIndicator {
  /** EMA period. */
  readonly period: number;
  /** Look-back of the de-lagging term. */
  readonly lag: number;
  private readonly ring: Float64Array;
  private readonly ema: Ema;
  private idx = 0;
  private count = 0;

  /**
   * @param period EMA period, a positive integer.
   * @param input series read by `update` (default close).
   */
  constructor(period: number, input?: PriceInput) {
    super(input);
    this.period = period;
    this.lag = Math.floor((period - 1) / 2);
    this.ring = new Float64Array(Math.max(this.lag, 1));
    this.ema = new Ema(period);
  }

  /** Feeds one value. */
  push(x: number): void {
    // Once `lag` values were seen, the slot about to be overwritten holds x_{t-lag}.
    const old = this.ring[this.idx]!;
    this.ring[this.idx] = x;
    if (++this.idx === this.ring.length) this.idx = 0;
    if (this.count < this.lag) {
      this.count++;
      return;
    }
    this.ema.push(this.lag === 0 ? x : 2 * x - old);
  }

  /** True once the EMA of the de-lagged series exists. */
  get ready(): boolean {
    return this.ema.ready;
  }

  /** The ZLEMA; NaN until ready. */
  value(output = 0): number {
    return output === 0 ? this.ema.value() : NaN;
  }

  /** Forgets every value seen. */
  reset(): void {
    this.ring.fill(0);
    this.idx = 0;
    this.count = 0;
    this.ema.reset();
  }
}

const params = z.strictObject({ period: periodParam() });

/**
 * `zlema(period)`: zero-lag EMA. Output `value`; warm-up floor((period - 1)/2) + period bars.
 */
export const zlema = defineIndicator({
  name: 'zlema',
  description: 'Zero-lag EMA (Ehlers & Way): EMA(period) of 2·x - x[lag], lag = floor((period - 1)/2), SMA-seeded.',
  params,
  outputs: ['value'],
  reads: 'price',
  warmup: (p) => Math.floor((p.period - 1) / 2) + p.period,
  create: (p, input) => new Zlema(p.period, input),
});
