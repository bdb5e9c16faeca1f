import { z } from 'zod';
import type { PriceInput } from './indicator.ts';
import { periodParam } from './params.ts';
import { PriceIndicator } from './price-indicator.ts';
import { RollingMoments } from './rolling-moments.ts';
import { defineIndicator } from '../define.ts';

/**
 * Realized volatility per bar: the sample standard deviation (ddof 1) of the last `period`
 * log returns ln(x_t / x_{t-1}), not annualized (multiply by √(bars per year) for that,
 * as volatility-target sizing does). Log returns, sample σ: the usual definition of
 * historical volatility (Hull, *Options, Futures and Other Derivatives*, "Estimating
 * volatility from historical data"). First value at bar index `period` (it needs
 * `period + 1` prices for `period` returns). A non-positive price has no log return: the
 * window restarts from the next positive price.
 */
export class Volatility extends PriceIndicator {
  /** Number of returns in the window. */
  readonly period: number;
  private readonly moments: RollingMoments;
  private prev = NaN;
  private current = NaN;

  /**
   * @param period returns per window, an integer >= 2 (one return has no sample σ).
   * @param input series read by `update` (default close).
   */
  constructor(period: number, input?: PriceInput) {
    super(input);
    this.period = period;
    this.moments = new RollingMoments(period);
  }

  /** Feeds one price. */
  push(x: number): void {
    if (!(x > 0)) {
      this.reset();
      return;
    }
    const prev = this.prev;
    this.prev = x;
    if (Number.isNaN(prev)) return;
    this.moments.push(Math.log(x / prev));
    if (this.moments.full) this.current = Math.sqrt(this.moments.variance(1));
  }

  /** True once `period` returns have been seen. */
  get ready(): boolean {
    return this.moments.full;
  }

  /** σ of the log returns; NaN until ready. */
  value(output = 0): number {
    return output === 0 ? this.current : NaN;
  }

  /** Forgets every value seen. */
  reset(): void {
    this.moments.reset();
    this.prev = NaN;
    this.current = NaN;
  }
}

const params = z.strictObject({ period: periodParam(20).refine((p) => p >= 2, 'period must be at least 2') });

/**
 * `volatility(period=20)`: sample σ of the last `period` log returns (per bar, not
 * annualized). Output `value`; warm-up `period + 1` bars.
 */
export const volatility = defineIndicator({
  name: 'volatility',
  description:
    'Realized volatility: sample standard deviation of the last `period` log returns (per bar, not annualized).',
  params,
  outputs: ['value'],
  reads: 'price',
  warmup: (p) => p.period + 1,
  create: (p, input) => new Volatility(p.period, input),
});
