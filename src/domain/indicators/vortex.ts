import { z } from 'zod';
import type { BarInput, Indicator } from './indicator.ts';
import { periodParam } from './params.ts';
import { RollingSum } from './rolling-sum.ts';
import { trueRange } from './true-range.ts';
import { defineIndicator } from '../define.ts';

/**
 * The Vortex indicator (Etienne Botes & Douglas Siepman, "The Vortex Indicator", Technical
 * Analysis of Stocks & Commodities, January 2010). From the second bar on:
 * VM+_t = |h_t - l_{t-1}|, VM-_t = |l_t - h_{t-1}|, TR_t = true range with the previous close;
 * VI+ = Σ VM+ / Σ TR and VI- = Σ VM- / Σ TR over the last `period` bars.
 *
 * The first bar has no previous bar, so the first values are at bar index `period`
 * (as backtrader's Vortex). When Σ TR is 0 (every bar of the window has h = l = the previous
 * close) the ratios are undefined and both outputs are 0 (backtrader divides by zero). O(1).
 */
export class Vortex implements Indicator {
  /** Summing window in bars. */
  readonly period: number;
  private readonly plusVm: RollingSum;
  private readonly minusVm: RollingSum;
  private readonly tr: RollingSum;
  private prevHigh = NaN;
  private prevLow = NaN;
  private prevClose = NaN;
  private plus = NaN;
  private minus = NaN;

  /** @param period summing window, a positive integer. */
  constructor(period: number) {
    this.period = period;
    this.plusVm = new RollingSum(period);
    this.minusVm = new RollingSum(period);
    this.tr = new RollingSum(period);
  }

  /** Feeds one bar. */
  update(bar: BarInput): void {
    const { high, low, close } = bar;
    const first = Number.isNaN(this.prevClose);
    if (!first) {
      this.plusVm.push(Math.abs(high - this.prevLow));
      this.minusVm.push(Math.abs(low - this.prevHigh));
      this.tr.push(trueRange(high, low, this.prevClose));
    }
    this.prevHigh = high;
    this.prevLow = low;
    this.prevClose = close;
    if (!this.tr.full) return;
    const tr = this.tr.sum;
    this.plus = tr > 0 ? this.plusVm.sum / tr : 0;
    this.minus = tr > 0 ? this.minusVm.sum / tr : 0;
  }

  /** True once `period` bars after the first were seen. */
  get ready(): boolean {
    return this.tr.full;
  }

  /** Output by index: 0 plus (VI+), 1 minus (VI-); NaN until ready. */
  value(output = 0): number {
    return output === 0 ? this.plus : output === 1 ? this.minus : NaN;
  }

  /** Forgets every bar seen. */
  reset(): void {
    this.plusVm.reset();
    this.minusVm.reset();
    this.tr.reset();
    this.prevHigh = NaN;
    this.prevLow = NaN;
    this.prevClose = NaN;
    this.plus = NaN;
    this.minus = NaN;
  }
}

const params = z.strictObject({ period: periodParam(14) });

/** `vortex(period=14)`: Vortex indicator. Outputs plus, minus; warm-up period + 1 bars. Reads the bar. */
export const vortex = defineIndicator({
  name: 'vortex',
  description:
    'Vortex indicator (Botes & Siepman): VI+ = Σ|h - l[1]| / Σ TR and VI- = Σ|l - h[1]| / Σ TR over `period` bars.',
  params,
  outputs: ['plus', 'minus'],
  reads: 'bar',
  warmup: (p) => p.period + 1,
  create: (p) => new Vortex(p.period),
});
