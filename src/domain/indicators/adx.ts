import { z } from 'zod';
import type { BarInput, Indicator } from './indicator.ts';
import { periodParam } from './params.ts';
import { trueRange } from './true-range.ts';
import { defineIndicator } from '../define.ts';

/**
 * Wilder's average directional index, with +DI and -DI.
 *
 * From the second bar on: up = h - h_prev, down = l_prev - l; +DM = up if up > down and
 * up > 0, else 0; -DM = down if down > up and down > 0, else 0; TR = true range with the
 * previous close. The first smoothed sums TR_n, +DM_n, -DM_n are the plain sums of the
 * first n values (bars 1..n); afterwards S = S - S/n + x (Wilder's smoothing).
 * +DI = 100·(+DM_n)/TR_n, -DI = 100·(-DM_n)/TR_n, DX = 100·|+DI - -DI|/(+DI + -DI)
 * (DI = 0 when TR_n = 0; DX = 0 when both DI are 0). The first ADX is the mean of the first
 * n DX values (bars n..2n-1), then ADX = (ADX·(n-1) + DX)/n.
 *
 * So the first ADX is at bar index 2n-1 (TA-Lib's lookback); +DI/-DI exist from bar n
 * but, like every multi-output indicator here, all three outputs wait for the ADX. O(1).
 *
 * TA-Lib differs slightly in the first smoothed sums (it smooths the n-th value in rather
 * than adding it); the difference decays like (1 - 1/n)^t.
 */
export class Adx implements Indicator {
  /** Smoothing period n. */
  readonly period: number;
  private prevHigh = NaN;
  private prevLow = NaN;
  private prevClose = NaN;
  // One-bar values seen (bars after the first), capped once smoothing starts.
  private moves = 0;
  private sTr = 0;
  private sPlus = 0;
  private sMinus = 0;
  private dxCount = 0;
  private dxSum = 0;
  private adx = NaN;
  private plusDi = NaN;
  private minusDi = NaN;

  /** @param period smoothing period n, a positive integer. */
  constructor(period: number) {
    this.period = period;
  }

  /** Feeds one bar. */
  update(bar: BarInput): void {
    const { high, low } = bar;
    const first = Number.isNaN(this.prevClose);
    const up = high - this.prevHigh;
    const down = this.prevLow - low;
    const tr = trueRange(high, low, this.prevClose);
    this.prevHigh = high;
    this.prevLow = low;
    this.prevClose = bar.close;
    if (first) return;
    const plusDm = up > down && up > 0 ? up : 0;
    const minusDm = down > up && down > 0 ? down : 0;
    const n = this.period;
    if (this.moves < n) {
      this.sTr += tr;
      this.sPlus += plusDm;
      this.sMinus += minusDm;
      if (++this.moves < n) return;
    } else {
      this.sTr += tr - this.sTr / n;
      this.sPlus += plusDm - this.sPlus / n;
      this.sMinus += minusDm - this.sMinus / n;
    }
    const pdi = this.sTr > 0 ? (100 * this.sPlus) / this.sTr : 0;
    const mdi = this.sTr > 0 ? (100 * this.sMinus) / this.sTr : 0;
    const sum = pdi + mdi;
    const dx = sum > 0 ? (100 * Math.abs(pdi - mdi)) / sum : 0;
    if (this.dxCount < n) {
      this.dxSum += dx;
      if (++this.dxCount < n) return;
      this.adx = this.dxSum / n;
    } else {
      this.adx = (this.adx * (n - 1) + dx) / n;
    }
    this.plusDi = pdi;
    this.minusDi = mdi;
  }

  /** True once the first ADX exists (2·period bars). */
  get ready(): boolean {
    return this.dxCount >= this.period;
  }

  /** Output by index: 0 adx, 1 plus_di, 2 minus_di; NaN until ready. */
  value(output = 0): number {
    return output === 0 ? this.adx : output === 1 ? this.plusDi : output === 2 ? this.minusDi : NaN;
  }

  /** Forgets every bar seen. */
  reset(): void {
    this.prevHigh = NaN;
    this.prevLow = NaN;
    this.prevClose = NaN;
    this.moves = 0;
    this.sTr = 0;
    this.sPlus = 0;
    this.sMinus = 0;
    this.dxCount = 0;
    this.dxSum = 0;
    this.adx = NaN;
    this.plusDi = NaN;
    this.minusDi = NaN;
  }
}

const params = z.strictObject({ period: periodParam(14) });

/**
 * `adx(period=14)`: Wilder's ADX. Outputs adx, plus_di, minus_di; first value at bar index
 * 2·period - 1, so warm-up 2·period bars. Reads the bar.
 */
export const adx = defineIndicator({
  name: 'adx',
  description:
    "Wilder's average directional index with +DI and -DI (Wilder smoothing; first ADX = mean of the first `period` DX values).",
  params,
  outputs: ['adx', 'plus_di', 'minus_di'],
  reads: 'bar',
  warmup: (p) => 2 * p.period,
  create: (p) => new Adx(p.period),
});
