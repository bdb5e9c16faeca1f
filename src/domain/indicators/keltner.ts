import { z } from 'zod';
import { Atr } from './atr.ts';
import { Ema } from './ema.ts';
import { type FirstBar, firstBarParam } from './first-bar.ts';
import type { BarInput, Indicator } from './indicator.ts';
import { periodParam } from './params.ts';
import { defineIndicator } from '../define.ts';

/**
 * Keltner channels, the modern (Raschke / StockCharts) form: middle = EMA(close, period),
 * upper/lower = middle ± multiplier · ATR(atrPeriod), with the SMA-seeded EMA and Wilder's
 * ATR of this catalogue. Every output waits for both: first values at bar index
 * max(period - 1, atrPeriod) (the ATR skips bar 0 by default), or max(period, atrPeriod) - 1
 * with `firstBar = 'high_low'`. O(1).
 */
export class Keltner implements Indicator {
  private readonly ema: Ema;
  private readonly atr: Atr;
  private readonly multiplier: number;
  private upper = NaN;
  private middle = NaN;
  private lower = NaN;

  /**
   * @param period EMA period of the middle line.
   * @param multiplier ATR multiple of the band offset.
   * @param atrPeriod ATR period.
   * @param firstBar the ATR's first-bar convention (see Atr).
   */
  constructor(period: number, multiplier: number, atrPeriod: number, firstBar: FirstBar = 'skip') {
    this.ema = new Ema(period);
    this.atr = new Atr(atrPeriod, firstBar);
    this.multiplier = multiplier;
  }

  /** Feeds one bar. */
  update(bar: BarInput): void {
    this.ema.push(bar.close);
    this.atr.update(bar);
    if (!this.ema.ready || !this.atr.ready) return;
    const mid = this.ema.value();
    const off = this.multiplier * this.atr.value();
    this.upper = mid + off;
    this.middle = mid;
    this.lower = mid - off;
  }

  /** True once both the EMA and the ATR exist. */
  get ready(): boolean {
    return this.ema.ready && this.atr.ready;
  }

  /** Output by index: 0 upper, 1 middle, 2 lower; NaN until ready. */
  value(output = 0): number {
    return output === 0 ? this.upper : output === 1 ? this.middle : output === 2 ? this.lower : NaN;
  }

  /** Forgets every bar seen. */
  reset(): void {
    this.ema.reset();
    this.atr.reset();
    this.upper = NaN;
    this.middle = NaN;
    this.lower = NaN;
  }
}

const params = z.strictObject({
  period: periodParam(20),
  multiplier: z.number().positive().default(2),
  atr_period: periodParam(10),
  first_bar: firstBarParam,
});

/**
 * `keltner(period=20, multiplier=2, atr_period=10, first_bar=skip)`: Keltner channels.
 * Outputs upper, middle, lower; warm-up max(period, atr_period + 1) bars
 * (max(period, atr_period) with `first_bar: high_low`). Reads the bar.
 */
export const keltner = defineIndicator({
  name: 'keltner',
  description: 'Keltner channels: EMA(close, period) ± multiplier · ATR(atr_period) (Wilder ATR, first_bar as atr).',
  params,
  outputs: ['upper', 'middle', 'lower'],
  reads: 'bar',
  warmup: (p) => Math.max(p.period, p.first_bar === 'skip' ? p.atr_period + 1 : p.atr_period),
  create: (p) => new Keltner(p.period, p.multiplier, p.atr_period, p.first_bar),
});
