import { z } from 'zod';
import { Ema } from './ema.ts';
import type { PriceInput } from './indicator.ts';
import { periodParam } from './params.ts';
import { PriceIndicator } from './price-indicator.ts';
import { defineIndicator } from '../define.ts';

/**
 * Triple exponential moving average (Mulloy): 3·E1 - 3·E2 + E3 with E1 = EMA(x),
 * E2 = EMA(E1), E3 = EMA(E2), all SMA-seeded with the same period, each seeded from the
 * first `period` values of the one before. E3 exists from bar index 3·period-3, which is
 * where TEMA starts (TA-Lib's lookback). O(1).
 */
export class Tema extends PriceIndicator {
  private readonly e1: Ema;
  private readonly e2: Ema;
  private readonly e3: Ema;
  private current = NaN;

  /**
   * @param period positive integer.
   * @param input series read by `update` (default close).
   */
  constructor(period: number, input?: PriceInput) {
    super(input);
    this.e1 = new Ema(period);
    this.e2 = new Ema(period);
    this.e3 = new Ema(period);
  }

  /** Feeds one value. */
  push(x: number): void {
    this.e1.push(x);
    if (!this.e1.ready) return;
    const a = this.e1.value();
    this.e2.push(a);
    if (!this.e2.ready) return;
    const b = this.e2.value();
    this.e3.push(b);
    if (this.e3.ready) this.current = 3 * a - 3 * b + this.e3.value();
  }

  /** True once the third EMA exists (3·period - 2 values). */
  get ready(): boolean {
    return this.e3.ready;
  }

  /** The TEMA; NaN until ready. */
  value(output = 0): number {
    return output === 0 ? this.current : NaN;
  }

  /** Forgets every value seen. */
  reset(): void {
    this.e1.reset();
    this.e2.reset();
    this.e3.reset();
    this.current = NaN;
  }
}

const params = z.strictObject({ period: periodParam() });

/** `tema(period)`: triple EMA. Output `value`; warm-up 3·period - 2 bars. */
export const tema = defineIndicator({
  name: 'tema',
  description: 'Triple exponential moving average: 3·E1 - 3·E2 + E3 of chained SMA-seeded EMAs.',
  params,
  outputs: ['value'],
  reads: 'price',
  warmup: (p) => 3 * p.period - 2,
  create: (p, input) => new Tema(p.period, input),
});
