import { z } from 'zod';
import { Ema } from './ema.ts';
import type { PriceInput } from './indicator.ts';
import { periodParam } from './params.ts';
import { PriceIndicator } from './price-indicator.ts';
import { defineIndicator } from '../define.ts';

/**
 * TRIX: the one-bar rate of change, in percent, of a triple-smoothed EMA:
 * E3 = EMA(EMA(EMA(x))) (all SMA-seeded, same period), TRIX = 100·(E3_t - E3_{t-1}) / E3_{t-1}.
 * E3 exists from bar index 3·period-3, so the first TRIX is at 3·period-2 (TA-Lib's
 * lookback). O(1).
 */
export class Trix extends PriceIndicator {
  private readonly e1: Ema;
  private readonly e2: Ema;
  private readonly e3: Ema;
  private prev = NaN;
  // Number of E3 values so far (capped at 2): TRIX needs two.
  private smoothed = 0;
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
    this.e2.push(this.e1.value());
    if (!this.e2.ready) return;
    this.e3.push(this.e2.value());
    if (!this.e3.ready) return;
    const e = this.e3.value();
    // The first E3 has no predecessor: TRIX starts one bar later.
    if (this.smoothed > 0) this.current = (100 * (e - this.prev)) / this.prev;
    this.prev = e;
    if (this.smoothed < 2) this.smoothed++;
  }

  /** True once two triple-smoothed values exist (3·period - 1 values). */
  get ready(): boolean {
    return this.smoothed === 2;
  }

  /** TRIX in percent; NaN until ready. */
  value(output = 0): number {
    return output === 0 ? this.current : NaN;
  }

  /** Forgets every value seen. */
  reset(): void {
    this.e1.reset();
    this.e2.reset();
    this.e3.reset();
    this.prev = NaN;
    this.smoothed = 0;
    this.current = NaN;
  }
}

const params = z.strictObject({ period: periodParam(15) });

/** `trix(period=15)`: 1-bar % change of a triple EMA. Output `value`; warm-up 3·period - 1 bars. */
export const trix = defineIndicator({
  name: 'trix',
  description: 'TRIX: one-bar rate of change (percent) of EMA(EMA(EMA(x))), SMA-seeded EMAs.',
  params,
  outputs: ['value'],
  reads: 'price',
  warmup: (p) => 3 * p.period - 1,
  create: (p, input) => new Trix(p.period, input),
});
