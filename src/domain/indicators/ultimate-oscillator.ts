import { z } from 'zod';
import type { BarInput, Indicator } from './indicator.ts';
import { periodParam } from './params.ts';
import { RollingSum } from './rolling-sum.ts';
import { defineIndicator } from '../define.ts';

/**
 * Ultimate oscillator (Williams). From the second bar on, with pc the previous close:
 * buying pressure BP = close - min(low, pc), true range TR = max(high, pc) - min(low, pc).
 * A_n = ΣBP / ΣTR over the last n bars (0.5 when ΣTR = 0, a window without any range),
 * UO = 100 · (4·A_short + 2·A_medium + A_long) / 7.
 *
 * The first bar has no previous close, so the first value is at bar index `long`
 * (TA-Lib's lookback). O(1): six rolling sums.
 */
export class UltimateOscillator implements Indicator {
  private readonly bpS: RollingSum;
  private readonly trS: RollingSum;
  private readonly bpM: RollingSum;
  private readonly trM: RollingSum;
  private readonly bpL: RollingSum;
  private readonly trL: RollingSum;
  private prevClose = NaN;
  private current = NaN;

  /**
   * @param short shortest window (weight 4).
   * @param medium middle window (weight 2).
   * @param long longest window (weight 1).
   */
  constructor(short: number, medium: number, long: number) {
    this.bpS = new RollingSum(short);
    this.trS = new RollingSum(short);
    this.bpM = new RollingSum(medium);
    this.trM = new RollingSum(medium);
    this.bpL = new RollingSum(long);
    this.trL = new RollingSum(long);
  }

  /** Feeds one bar. */
  update(bar: BarInput): void {
    const pc = this.prevClose;
    this.prevClose = bar.close;
    if (Number.isNaN(pc)) return;
    const lo = bar.low < pc ? bar.low : pc;
    const hi = bar.high > pc ? bar.high : pc;
    const bp = bar.close - lo;
    const tr = hi - lo;
    this.bpS.push(bp);
    this.trS.push(tr);
    this.bpM.push(bp);
    this.trM.push(tr);
    this.bpL.push(bp);
    this.trL.push(tr);
    if (!this.trL.full) return;
    const a = ratio(this.bpS.sum, this.trS.sum);
    const b = ratio(this.bpM.sum, this.trM.sum);
    const c = ratio(this.bpL.sum, this.trL.sum);
    this.current = (100 * (4 * a + 2 * b + c)) / 7;
  }

  /** True once `long + 1` bars have been seen. */
  get ready(): boolean {
    return this.trL.full;
  }

  /** The oscillator in [0, 100]; NaN until ready. */
  value(output = 0): number {
    return output === 0 ? this.current : NaN;
  }

  /** Forgets every bar seen. */
  reset(): void {
    this.bpS.reset();
    this.trS.reset();
    this.bpM.reset();
    this.trM.reset();
    this.bpL.reset();
    this.trL.reset();
    this.prevClose = NaN;
    this.current = NaN;
  }
}

// BP/TR of a window; 0.5 (neutral) when the window has no range at all.
function ratio(bp: number, tr: number): number {
  return tr > 0 ? bp / tr : 0.5;
}

const params = z
  .strictObject({ short: periodParam(7), medium: periodParam(14), long: periodParam(28) })
  .refine((p) => p.short < p.medium && p.medium < p.long, {
    path: ['medium'],
    message: 'windows must satisfy short < medium < long',
  });

/**
 * `ultimate_oscillator(short=7, medium=14, long=28)`: Williams' ultimate oscillator.
 * Output `value`; warm-up `long + 1` bars. Reads the bar.
 */
export const ultimate_oscillator = defineIndicator({
  name: 'ultimate_oscillator',
  description:
    "Williams' ultimate oscillator: 100·(4·A_short + 2·A_medium + A_long)/7, A_n = Σ buying pressure / Σ true range over n bars.",
  params,
  outputs: ['value'],
  reads: 'bar',
  warmup: (p) => p.long + 1,
  create: (p) => new UltimateOscillator(p.short, p.medium, p.long),
});
