import { z } from 'zod';
import type { BarInput, Indicator } from './indicator.ts';
import { periodParam } from './params.ts';
import { trueRange } from './true-range.ts';
import { defineIndicator } from '../define.ts';

/**
 * Wilder's average true range. The first bar's true range is high - low (there is no
 * previous close). The first ATR is the simple mean of the first `period` true ranges
 * (bar index period-1); afterwards ATR = (ATR * (period - 1) + TR) / period.
 */
export class Atr implements Indicator {
  /** Number of true ranges averaged. */
  readonly period: number;
  private prevClose = NaN;
  private count = 0;
  private current = NaN;
  private sum = 0;

  /** @param period positive integer. */
  constructor(period: number) {
    this.period = period;
  }

  /** Feeds one bar. */
  update(bar: BarInput): void {
    const tr = trueRange(bar.high, bar.low, this.prevClose);
    this.prevClose = bar.close;
    const p = this.period;
    if (this.count >= p) {
      this.current = (this.current * (p - 1) + tr) / p;
      return;
    }
    this.sum += tr;
    if (++this.count === p) this.current = this.sum / p;
  }

  /** True once `period` bars have been seen. */
  get ready(): boolean {
    return this.count >= this.period;
  }

  /** The ATR; NaN until ready. */
  value(output = 0): number {
    return output === 0 ? this.current : NaN;
  }

  /** Forgets every bar seen. */
  reset(): void {
    this.prevClose = NaN;
    this.count = 0;
    this.current = NaN;
    this.sum = 0;
  }
}

const params = z.strictObject({ period: periodParam(14) });

/** `atr(period=14)`: Wilder's average true range. Output `value`; warm-up `period` bars. Reads the bar. */
export const atr = defineIndicator({
  name: 'atr',
  description: "Wilder's average true range: SMA of the first `period` true ranges, then Wilder smoothing.",
  params,
  outputs: ['value'],
  reads: 'bar',
  warmup: (p) => p.period,
  create: (p) => new Atr(p.period),
});
