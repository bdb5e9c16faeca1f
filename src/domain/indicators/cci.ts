import { z } from 'zod';
import type { BarInput, Indicator } from './indicator.ts';
import { periodParam } from './params.ts';
import { defineIndicator } from '../define.ts';

/**
 * Commodity channel index (Lambert) on the typical price tp = (h + l + c)/3:
 * CCI = (tp - SMA(tp)) / (constant · MD), MD = mean of |tp_i - SMA(tp)| over the window;
 * 0 when MD = 0 (a flat window, where tp equals its mean). First value at bar index
 * period-1.
 *
 * **O(period) per update**, an exception to the O(1) rule: the mean deviation is taken
 * around the *current* mean, which moves every bar, so every term changes and no running
 * sum can carry it. The mean is re-summed in the same pass, which keeps the two exactly
 * consistent. No allocation: a ring buffer of typical prices.
 */
export class Cci implements Indicator {
  /** Window length. */
  readonly period: number;
  private readonly constant: number;
  private readonly buf: Float64Array;
  private idx = 0;
  private count = 0;
  private current = NaN;

  /**
   * @param period window length, a positive integer.
   * @param constant Lambert's scaling constant (0.015 makes ~70–80% of values fall in ±100).
   */
  constructor(period: number, constant: number) {
    this.period = period;
    this.constant = constant;
    this.buf = new Float64Array(period);
  }

  /** Feeds one bar. */
  update(bar: BarInput): void {
    const p = this.period;
    const tp = (bar.high + bar.low + bar.close) / 3;
    this.buf[this.idx] = tp;
    if (++this.idx === p) this.idx = 0;
    if (this.count < p) {
      this.count++;
      if (this.count < p) return;
    }
    const b = this.buf;
    let s = 0;
    for (let i = 0; i < p; i++) s += b[i]!;
    const mean = s / p;
    let dev = 0;
    for (let i = 0; i < p; i++) dev += Math.abs(b[i]! - mean);
    const md = dev / p;
    this.current = md > 0 ? (tp - mean) / (this.constant * md) : 0;
  }

  /** True once `period` bars have been seen. */
  get ready(): boolean {
    return this.count === this.period;
  }

  /** The CCI; NaN until ready. */
  value(output = 0): number {
    return output === 0 ? this.current : NaN;
  }

  /** Forgets every bar seen. */
  reset(): void {
    this.buf.fill(0);
    this.idx = 0;
    this.count = 0;
    this.current = NaN;
  }
}

const params = z.strictObject({ period: periodParam(20), constant: z.number().positive().default(0.015) });

/**
 * `cci(period=20, constant=0.015)`: commodity channel index of the typical price.
 * Output `value`; warm-up `period` bars. Reads the bar. O(period) per update.
 */
export const cci = defineIndicator({
  name: 'cci',
  description:
    'Commodity channel index: (tp - SMA(tp)) / (constant · mean deviation) over `period` bars, tp = (h+l+c)/3. O(period) per bar.',
  params,
  outputs: ['value'],
  reads: 'bar',
  warmup: (p) => p.period,
  create: (p) => new Cci(p.period, p.constant),
});
