import { z } from 'zod';
import type { IndicatorDefinition, PriceInput } from './indicator.ts';
import { periodParam } from './params.ts';
import { PriceIndicator } from './price-indicator.ts';

/**
 * Exponential moving average, alpha = 2/(period+1), seeded with the simple average of
 * the first `period` values (the textbook definition; seeding with the first value instead
 * gives different numbers for many bars). First value at bar index period-1, then
 * ema += alpha * (x - ema). O(1), no buffer needed.
 */
export class Ema extends PriceIndicator {
  /** Window length. */
  readonly period: number;
  private readonly alpha: number;
  private count = 0;
  private sum = 0;
  private current = NaN;

  /**
   * @param period positive integer.
   * @param input series read by `update` (default close).
   */
  constructor(period: number, input?: PriceInput) {
    super(input);
    this.period = period;
    this.alpha = 2 / (period + 1);
  }

  /** Feeds one value. */
  push(x: number): void {
    if (this.count >= this.period) {
      this.current += this.alpha * (x - this.current);
      return;
    }
    this.sum += x;
    if (++this.count === this.period) this.current = this.sum / this.period;
  }

  /** True once `period` values have been seen. */
  get ready(): boolean {
    return this.count >= this.period;
  }

  /** The average; NaN until ready. */
  value(output = 0): number {
    return output === 0 ? this.current : NaN;
  }

  /** Forgets every value seen. */
  reset(): void {
    this.count = 0;
    this.sum = 0;
    this.current = NaN;
  }
}

const params = z.strictObject({ period: periodParam() });

/** `ema(period)`: SMA-seeded exponential moving average. Output `value`; warm-up `period` bars. */
export const ema: IndicatorDefinition<z.infer<typeof params>> = {
  name: 'ema',
  description: 'Exponential moving average, alpha = 2/(period+1), seeded with the SMA of the first `period` values.',
  params,
  outputs: ['value'],
  reads: 'price',
  warmup: (p) => p.period,
  create: (p, input) => new Ema(p.period, input),
};
