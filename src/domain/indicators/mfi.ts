import { z } from 'zod';
import type { BarInput, Indicator } from './indicator.ts';
import { periodParam } from './params.ts';
import { RollingSum } from './rolling-sum.ts';
import { defineIndicator } from '../define.ts';

/**
 * Money flow index: a volume-weighted RSI on the typical price tp = (h + l + c)/3, with
 * plain sums rather than Wilder smoothing. From the second bar on, the raw money flow
 * tp·volume counts as positive when tp rose, negative when it fell, neither when unchanged.
 * MFI = 100 - 100/(1 + ΣPos/ΣNeg) over the last `period` flows: 100 when ΣNeg = 0, 50 when
 * both sums are 0 (RSI's conventions). First value at bar index `period`. O(1): two rolling
 * sums, exact zero when a window holds no flow of a kind.
 */
export class Mfi implements Indicator {
  private readonly pos: RollingSum;
  private readonly neg: RollingSum;
  private prevTp = NaN;
  private current = NaN;

  /** @param period number of money flows summed, a positive integer. */
  constructor(period: number) {
    this.pos = new RollingSum(period);
    this.neg = new RollingSum(period);
  }

  /** Feeds one bar. */
  update(bar: BarInput): void {
    const tp = (bar.high + bar.low + bar.close) / 3;
    const prev = this.prevTp;
    this.prevTp = tp;
    if (Number.isNaN(prev)) return;
    const flow = tp * bar.volume;
    this.pos.push(tp > prev ? flow : 0);
    this.neg.push(tp < prev ? flow : 0);
    if (!this.pos.full) return;
    const p = this.pos.sum;
    const n = this.neg.sum;
    this.current = n === 0 ? (p === 0 ? 50 : 100) : 100 - 100 / (1 + p / n);
  }

  /** True once `period + 1` bars have been seen. */
  get ready(): boolean {
    return this.pos.full;
  }

  /** MFI in [0, 100]; NaN until ready. */
  value(output = 0): number {
    return output === 0 ? this.current : NaN;
  }

  /** Forgets every bar seen. */
  reset(): void {
    this.pos.reset();
    this.neg.reset();
    this.prevTp = NaN;
    this.current = NaN;
  }
}

const params = z.strictObject({ period: periodParam(14) });

/** `mfi(period=14)`: money flow index. Output `value`; warm-up `period + 1` bars. Reads the bar. */
export const mfi = defineIndicator({
  name: 'mfi',
  description:
    'Money flow index: 100 - 100/(1 + Σ positive / Σ negative money flow) over `period` bars, typical price × volume.',
  params,
  outputs: ['value'],
  reads: 'bar',
  warmup: (p) => p.period + 1,
  create: (p) => new Mfi(p.period),
});
