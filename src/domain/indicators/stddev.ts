import { z } from 'zod';
import type { PriceInput } from './indicator.ts';
import { ddofParam, periodParam } from './params.ts';
import { PriceIndicator } from './price-indicator.ts';
import { RollingMoments } from './rolling-moments.ts';
import { defineIndicator } from '../define.ts';

/**
 * Rolling standard deviation of the last `period` values: sqrt(M2 / (period - ddof)),
 * ddof 0 = population (default), 1 = sample. First value at bar index period-1.
 * See RollingMoments for why this stays accurate at price levels far above the spread.
 */
export class StdDev extends PriceIndicator {
  /** Window length. */
  readonly period: number;
  /** Delta degrees of freedom. */
  readonly ddof: number;
  private readonly moments: RollingMoments;
  private current = NaN;

  /**
   * @param period window length, a positive integer greater than `ddof`.
   * @param ddof 0 (population) or 1 (sample).
   * @param input series read by `update` (default close).
   */
  constructor(period: number, ddof = 0, input?: PriceInput) {
    super(input);
    this.period = period;
    this.ddof = ddof;
    this.moments = new RollingMoments(period);
  }

  /** Feeds one value. */
  push(x: number): void {
    this.moments.push(x);
    if (this.moments.full) this.current = Math.sqrt(this.moments.variance(this.ddof));
  }

  /** True once `period` values have been seen. */
  get ready(): boolean {
    return this.moments.full;
  }

  /** The standard deviation; NaN until ready. */
  value(output = 0): number {
    return output === 0 ? this.current : NaN;
  }

  /** Forgets every value seen. */
  reset(): void {
    this.moments.reset();
    this.current = NaN;
  }
}

const params = z
  .strictObject({ period: periodParam(), ddof: ddofParam })
  .refine((p) => p.period > p.ddof, { path: ['period'], message: 'period must be greater than ddof' });

/** `stddev(period, ddof=0)`: rolling standard deviation. Output `value`; warm-up `period` bars. */
export const stddev = defineIndicator({
  name: 'stddev',
  description: 'Rolling standard deviation of the last `period` values (ddof 0 = population, 1 = sample).',
  params,
  outputs: ['value'],
  reads: 'price',
  warmup: (p) => p.period,
  create: (p, input) => new StdDev(p.period, p.ddof, input),
});
