import { z } from 'zod';
import type { PriceInput } from './indicator.ts';
import { ddofParam, periodParam } from './params.ts';
import { PriceIndicator } from './price-indicator.ts';
import { RollingMoments } from './rolling-moments.ts';
import { defineIndicator } from '../define.ts';

/**
 * Bollinger Bands: middle = SMA(period), upper/lower = middle ± k·σ, where σ is the
 * rolling standard deviation (population by default, ddof 1 for the sample one);
 * percent_b = (price - lower)/(upper - lower), bandwidth = (upper - lower)/middle.
 *
 * When σ is 0 (a flat window) percent_b is 0.5: the price then equals the middle band,
 * which is halfway between the (coinciding) bands. First values at bar index period-1.
 */
export class BollingerBands extends PriceIndicator {
  /** Window length. */
  readonly period: number;
  /** Band width in standard deviations. */
  readonly k: number;
  /** Delta degrees of freedom of σ. */
  readonly ddof: number;
  private readonly moments: RollingMoments;
  private upper = NaN;
  private middle = NaN;
  private lower = NaN;
  private percentB = NaN;
  private bandwidth = NaN;

  /**
   * @param period window length, a positive integer greater than `ddof`.
   * @param k multiplier of σ (the `stddev` param).
   * @param ddof 0 (population) or 1 (sample).
   * @param input series read by `update` (default close).
   */
  constructor(period: number, k: number, ddof = 0, input?: PriceInput) {
    super(input);
    this.period = period;
    this.k = k;
    this.ddof = ddof;
    this.moments = new RollingMoments(period);
  }

  /** Feeds one value. */
  push(x: number): void {
    const m = this.moments;
    m.push(x);
    if (!m.full) return;
    const mid = m.getMean();
    const half = this.k * Math.sqrt(m.variance(this.ddof));
    const up = mid + half;
    const lo = mid - half;
    const width = up - lo;
    this.upper = up;
    this.middle = mid;
    this.lower = lo;
    this.percentB = width > 0 ? (x - lo) / width : 0.5;
    this.bandwidth = width / mid;
  }

  /** True once `period` values have been seen. */
  get ready(): boolean {
    return this.moments.full;
  }

  /** Output by index: 0 upper, 1 middle, 2 lower, 3 percent_b, 4 bandwidth; NaN until ready. */
  value(output = 0): number {
    switch (output) {
      case 0:
        return this.upper;
      case 1:
        return this.middle;
      case 2:
        return this.lower;
      case 3:
        return this.percentB;
      case 4:
        return this.bandwidth;
      default:
        return NaN;
    }
  }

  /** Forgets every value seen. */
  reset(): void {
    this.moments.reset();
    this.upper = NaN;
    this.middle = NaN;
    this.lower = NaN;
    this.percentB = NaN;
    this.bandwidth = NaN;
  }
}

const params = z
  .strictObject({
    period: periodParam(20),
    stddev: z.number().positive().default(2),
    ddof: ddofParam,
  })
  .refine((p) => p.period > p.ddof, { path: ['period'], message: 'period must be greater than ddof' });

/**
 * `bbands(period=20, stddev=2, ddof=0)`: Bollinger Bands.
 * Outputs upper, middle, lower, percent_b, bandwidth; warm-up `period` bars.
 */
export const bbands = defineIndicator({
  name: 'bbands',
  description:
    'Bollinger Bands: SMA(period) ± stddev·σ, with %B and bandwidth (σ population by default, ddof=1 for sample).',
  params,
  outputs: ['upper', 'middle', 'lower', 'percent_b', 'bandwidth'],
  reads: 'price',
  warmup: (p) => p.period,
  create: (p, input) => new BollingerBands(p.period, p.stddev, p.ddof, input),
});
