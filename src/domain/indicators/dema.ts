import { z } from 'zod';
import { Ema } from './ema.ts';
import type { PriceInput } from './indicator.ts';
import { periodParam } from './params.ts';
import { PriceIndicator } from './price-indicator.ts';
import { defineIndicator } from '../define.ts';

/**
 * Double exponential moving average (Mulloy): 2·EMA(x) - EMA(EMA(x)), both EMAs with the
 * same period and SMA-seeded (see Ema), the second seeded from the first `period` values
 * of the first. The inner EMA exists from bar index period-1, the outer from 2·period-2,
 * which is where DEMA starts (TA-Lib's lookback). O(1).
 */
export class Dema extends PriceIndicator {
  private readonly e1: Ema;
  private readonly e2: Ema;
  private current = NaN;

  /**
   * @param period positive integer.
   * @param input series read by `update` (default close).
   */
  constructor(period: number, input?: PriceInput) {
    super(input);
    this.e1 = new Ema(period);
    this.e2 = new Ema(period);
  }

  /** Feeds one value. */
  push(x: number): void {
    this.e1.push(x);
    if (!this.e1.ready) return;
    const a = this.e1.value();
    this.e2.push(a);
    if (this.e2.ready) this.current = 2 * a - this.e2.value();
  }

  /** True once the outer EMA exists (2·period - 1 values). */
  get ready(): boolean {
    return this.e2.ready;
  }

  /** The DEMA; NaN until ready. */
  value(output = 0): number {
    return output === 0 ? this.current : NaN;
  }

  /** Forgets every value seen. */
  reset(): void {
    this.e1.reset();
    this.e2.reset();
    this.current = NaN;
  }
}

const params = z.strictObject({ period: periodParam() });

/** `dema(period)`: double EMA. Output `value`; warm-up 2·period - 1 bars. */
export const dema = defineIndicator({
  name: 'dema',
  description: 'Double exponential moving average: 2·EMA - EMA(EMA), SMA-seeded EMAs.',
  params,
  outputs: ['value'],
  reads: 'price',
  warmup: (p) => 2 * p.period - 1,
  create: (p, input) => new Dema(p.period, input),
});
