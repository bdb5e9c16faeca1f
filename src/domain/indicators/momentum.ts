import { z } from 'zod';
import type { IndicatorDefinition, PriceInput } from './indicator.ts';
import { periodParam } from './params.ts';
import { PriceIndicator } from './price-indicator.ts';

/**
 * Momentum: x_t - x_{t-period}, in price units (ROC is the same in percent). Needs
 * `period + 1` values (first value at bar index `period`). O(1), a ring of `period` values.
 */
export class Momentum extends PriceIndicator {
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

  /** Feeds one value. */
  push(x: number): void {
    if (this.count >= this.period) this.current = x - this.buf[this.idx]!;
    this.count++;
    this.buf[this.idx] = x;
    if (++this.idx === this.period) this.idx = 0;
  }

  /** True once `period + 1` values have been seen. */
  get ready(): boolean {
    return this.count > this.period;
  }

  /** The momentum; NaN until ready. */
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

const params = z.strictObject({ period: periodParam(10) });

/** `momentum(period=10)`: x - x[period bars ago]. Output `value`; warm-up `period + 1` bars. */
export const momentum: IndicatorDefinition<z.infer<typeof params>> = {
  name: 'momentum',
  description: 'Momentum: x - x[period bars ago], in price units.',
  params,
  outputs: ['value'],
  reads: 'price',
  warmup: (p) => p.period + 1,
  create: (p, input) => new Momentum(p.period, input),
};
