import { z } from 'zod';
import type { BarInput, Indicator } from './indicator.ts';
import { periodParam } from './params.ts';
import { RollingExtreme } from './rolling-extreme.ts';
import { defineIndicator } from '../define.ts';

/**
 * Williams %R: -100·(HH - close)/(HH - LL) over the last `period` bars (current included),
 * in [-100, 0]; -50 when the range is empty (the fast stochastic's 50, shifted by -100).
 * First value at bar index period-1. Amortised O(1) via monotonic deques.
 */
export class WilliamsR implements Indicator {
  private readonly highs: RollingExtreme;
  private readonly lows: RollingExtreme;
  private current = NaN;

  /** @param period look-back in bars, a positive integer. */
  constructor(period: number) {
    this.highs = new RollingExtreme(period, 'max');
    this.lows = new RollingExtreme(period, 'min');
  }

  /** Feeds one bar. */
  update(bar: BarInput): void {
    this.highs.push(bar.high);
    this.lows.push(bar.low);
    if (!this.highs.full) return;
    const hh = this.highs.extreme;
    const range = hh - this.lows.extreme;
    this.current = range > 0 ? (-100 * (hh - bar.close)) / range : -50;
  }

  /** True once `period` bars have been seen. */
  get ready(): boolean {
    return this.highs.full;
  }

  /** %R in [-100, 0]; NaN until ready. */
  value(output = 0): number {
    return output === 0 ? this.current : NaN;
  }

  /** Forgets every bar seen. */
  reset(): void {
    this.highs.reset();
    this.lows.reset();
    this.current = NaN;
  }
}

const params = z.strictObject({ period: periodParam(14) });

/** `williams_r(period=14)`: Williams %R. Output `value`; warm-up `period` bars. Reads the bar. */
export const williams_r = defineIndicator({
  name: 'williams_r',
  description: 'Williams %R: -100·(HH - close)/(HH - LL) over `period` bars, in [-100, 0].',
  params,
  outputs: ['value'],
  reads: 'bar',
  warmup: (p) => p.period,
  create: (p) => new WilliamsR(p.period),
});
