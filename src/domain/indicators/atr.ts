import { z } from 'zod';
import type { BarInput, Indicator } from './indicator.ts';
import { type FirstBar, firstBarParam } from './first-bar.ts';
import { periodParam } from './params.ts';
import { trueRange } from './true-range.ts';
import { defineIndicator } from '../define.ts';

/**
 * Wilder's average true range. The first ATR is the simple mean of the first `period`
 * true ranges; afterwards ATR = (ATR * (period - 1) + TR) / period.
 *
 * The first bar has no previous close. With `firstBar = 'skip'` (the default, as TA-Lib
 * and backtrader) it has no true range, so the first ATR is at bar index `period` and
 * averages the true ranges of bars 1..period. With `'high_low'` its true range is
 * high - low and the first ATR is at bar index period - 1.
 */
export class Atr implements Indicator {
  /** Number of true ranges averaged. */
  readonly period: number;
  /** How the first bar (no previous close) is treated. */
  readonly firstBar: FirstBar;
  private prevClose = NaN;
  private count = 0;
  private current = NaN;
  private sum = 0;

  /**
   * @param period positive integer.
   * @param firstBar `skip` (default) or `high_low`; see the class comment.
   */
  constructor(period: number, firstBar: FirstBar = 'skip') {
    this.period = period;
    this.firstBar = firstBar;
  }

  /** Feeds one bar. */
  update(bar: BarInput): void {
    if (this.firstBar === 'skip' && Number.isNaN(this.prevClose)) {
      this.prevClose = bar.close;
      return;
    }
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

  /** True once `period` true ranges have been seen. */
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

const params = z.strictObject({ period: periodParam(14), first_bar: firstBarParam });

/**
 * `atr(period=14, first_bar=skip)`: Wilder's average true range. Output `value`; warm-up
 * `period + 1` bars (`period` with `first_bar: high_low`). Reads the bar.
 */
export const atr = defineIndicator({
  name: 'atr',
  description:
    "Wilder's average true range: SMA of the first `period` true ranges, then Wilder smoothing; bar 0 (no previous close) skipped unless first_bar: high_low.",
  params,
  outputs: ['value'],
  reads: 'bar',
  warmup: (p) => (p.first_bar === 'skip' ? p.period + 1 : p.period),
  create: (p) => new Atr(p.period, p.first_bar),
});
