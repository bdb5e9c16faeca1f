import { z } from 'zod';
import { Adx } from './adx.ts';
import type { BarInput, Indicator } from './indicator.ts';
import { periodParam } from './params.ts';
import { defineIndicator } from '../define.ts';

/**
 * Wilder's average directional movement index rating: ADXR_t = (ADX_t + ADX_{t-lag}) / 2,
 * with this catalogue's ADX(period). Wilder (New Concepts in Technical Trading Systems,
 * 1978) averages today's ADX with the one "14 days ago" counted inclusively, which TA-Lib
 * writes as lag = period - 1 (the default here; TA-Lib's ADXR lookback 3·period - 2).
 * backtrader's ADXR uses lag = period; pass `lag` to reproduce it.
 *
 * The first ADX is at bar index 2·period - 1, so the first ADXR is at 2·period - 1 + lag.
 * O(1): a ring of the last `lag` ADX values.
 */
export class Adxr implements Indicator {
  private readonly adx: Adx;
  private readonly lag: number;
  private readonly ring: Float64Array;
  private idx = 0;
  private seen = 0;
  private current = NaN;

  /**
   * @param period ADX period, a positive integer.
   * @param lag bars between the two ADX values averaged, a non-negative integer.
   */
  constructor(period: number, lag: number) {
    this.adx = new Adx(period);
    this.lag = lag;
    this.ring = new Float64Array(Math.max(lag, 1));
  }

  /** Feeds one bar. */
  update(bar: BarInput): void {
    this.adx.update(bar);
    if (!this.adx.ready) return;
    const a = this.adx.value(0);
    // Once `lag` ADX values were seen, the slot about to be overwritten holds ADX_{t-lag}.
    const old = this.ring[this.idx]!;
    this.ring[this.idx] = a;
    if (++this.idx === this.ring.length) this.idx = 0;
    if (this.seen++ >= this.lag) this.current = this.lag === 0 ? a : (a + old) / 2;
  }

  /** True once lag + 1 ADX values exist. */
  get ready(): boolean {
    return this.seen > this.lag;
  }

  /** The ADXR; NaN until ready. */
  value(output = 0): number {
    return output === 0 ? this.current : NaN;
  }

  /** Forgets every bar seen. */
  reset(): void {
    this.adx.reset();
    this.ring.fill(0);
    this.idx = 0;
    this.seen = 0;
    this.current = NaN;
  }
}

const params = z.strictObject({
  period: periodParam(14),
  lag: z
    .number()
    .int()
    .nonnegative()
    .optional()
    .describe('Bars between the two ADX values averaged; default period - 1 (Wilder, TA-Lib); backtrader uses period'),
});

const lagOf = (p: { period: number; lag?: number | undefined }): number => p.lag ?? p.period - 1;

/**
 * `adxr(period=14, lag=period-1)`: Wilder's ADX rating. Output `value`; first value at bar
 * index 2·period - 1 + lag, so warm-up 2·period + lag bars (3·period - 1 by default). Reads the bar.
 */
export const adxr = defineIndicator({
  name: 'adxr',
  description: "Wilder's ADX rating: (ADX + ADX `lag` bars ago) / 2, lag = period - 1 by default (TA-Lib).",
  params,
  outputs: ['value'],
  reads: 'bar',
  warmup: (p) => 2 * p.period + lagOf(p),
  create: (p) => new Adxr(p.period, lagOf(p)),
});
