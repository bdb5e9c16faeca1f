import { z } from 'zod';
import { Atr } from './atr.ts';
import { type FirstBar, firstBarParam } from './first-bar.ts';
import type { BarInput, Indicator } from './indicator.ts';
import { periodParam } from './params.ts';
import { defineIndicator } from '../define.ts';

/**
 * SuperTrend, as TradingView's `ta.supertrend` computes it, with the direction's sign made
 * intuitive (+1 up, -1 down; Pine uses the opposite).
 *
 * hl2 = (h + l)/2, ATR = Wilder's ATR(period); basic bands hl2 ± multiplier·ATR. The final
 * upper band only moves down, unless the previous close was above it; the final lower band
 * only moves up, unless the previous close was below it:
 *   upper_t = basicUpper < upper_{t-1} or close_{t-1} > upper_{t-1} ? basicUpper : upper_{t-1}
 *   lower_t = basicLower > lower_{t-1} or close_{t-1} < lower_{t-1} ? basicLower : lower_{t-1}
 * Direction: on the first bar (the ATR's first: index period, or period-1 with
 * `firstBar = 'high_low'`, which is what TradingView's `ta.atr` does) the bands are the basic
 * ones and the trend is down (Pine's start). Afterwards a downtrend turns up when the close
 * exceeds the upper band, an uptrend turns down when the close falls below the lower band.
 * value = lower band in an uptrend, upper band in a downtrend. O(1).
 */
export class Supertrend implements Indicator {
  private readonly atr: Atr;
  private readonly multiplier: number;
  private prevClose = NaN;
  private upper = NaN;
  private lower = NaN;
  private direction = 0;
  private current = NaN;

  /**
   * @param period ATR period.
   * @param multiplier ATR multiple of the band offset.
   * @param firstBar the ATR's first-bar convention (see Atr).
   */
  constructor(period: number, multiplier: number, firstBar: FirstBar = 'skip') {
    this.atr = new Atr(period, firstBar);
    this.multiplier = multiplier;
  }

  /** Feeds one bar. */
  update(bar: BarInput): void {
    this.atr.update(bar);
    const pc = this.prevClose;
    this.prevClose = bar.close;
    if (!this.atr.ready) return;
    const mid = (bar.high + bar.low) / 2;
    const off = this.multiplier * this.atr.value();
    const basicUpper = mid + off;
    const basicLower = mid - off;
    if (this.direction === 0) {
      this.upper = basicUpper;
      this.lower = basicLower;
      this.direction = -1;
    } else {
      if (basicUpper < this.upper || pc > this.upper) this.upper = basicUpper;
      if (basicLower > this.lower || pc < this.lower) this.lower = basicLower;
      if (this.direction === -1) {
        if (bar.close > this.upper) this.direction = 1;
      } else if (bar.close < this.lower) {
        this.direction = -1;
      }
    }
    this.current = this.direction === 1 ? this.lower : this.upper;
  }

  /** True once the ATR exists. */
  get ready(): boolean {
    return this.direction !== 0;
  }

  /** Output by index: 0 value, 1 direction (+1 up, -1 down); NaN until ready. */
  value(output = 0): number {
    if (this.direction === 0) return NaN;
    return output === 0 ? this.current : output === 1 ? this.direction : NaN;
  }

  /** Forgets every bar seen. */
  reset(): void {
    this.atr.reset();
    this.prevClose = NaN;
    this.upper = NaN;
    this.lower = NaN;
    this.direction = 0;
    this.current = NaN;
  }
}

const params = z.strictObject({
  period: periodParam(10),
  multiplier: z.number().positive().default(3),
  first_bar: firstBarParam,
});

/**
 * `supertrend(period=10, multiplier=3, first_bar=skip)`: SuperTrend. Outputs value,
 * direction (+1 up, -1 down); warm-up `period + 1` bars (`period` with
 * `first_bar: high_low`, TradingView's exact start). Reads the bar.
 */
export const supertrend = defineIndicator({
  name: 'supertrend',
  description:
    'SuperTrend (TradingView ta.supertrend): trailing hl2 ± multiplier·ATR(period) band; direction +1 up, -1 down; first_bar as atr.',
  params,
  outputs: ['value', 'direction'],
  reads: 'bar',
  warmup: (p) => (p.first_bar === 'skip' ? p.period + 1 : p.period),
  create: (p) => new Supertrend(p.period, p.multiplier, p.first_bar),
});
