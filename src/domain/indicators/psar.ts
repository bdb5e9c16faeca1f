import { z } from 'zod';
import type { BarInput, Indicator } from './indicator.ts';
import { defineIndicator } from '../define.ts';

/**
 * Wilder's parabolic SAR, bootstrapped as TA-Lib (and MetaStock) do, since Wilder left the
 * start open:
 *
 * - **Initial trend**, decided on the second bar: short if its -DM against the first bar
 *   is positive (down = l_0 - l_1 > 0 and down > up = h_1 - h_0), long otherwise (ties long).
 * - The first SAR (the value at bar 1) is the first bar's extreme against the trend (l_0 when
 *   long, h_0 when short); the extreme point EP starts at bar 1's high (long) or low (short);
 *   the acceleration factor AF starts at `step`.
 *
 * Then, per bar t, with SAR the stop carried from bar t-1:
 * - long and l_t <= SAR: reverse to short; the value at t is max(EP, h_{t-1}, h_t); EP = l_t,
 *   AF = step. (Mirror image for short and h_t >= SAR.)
 * - otherwise the value at t is SAR; a new extreme moves EP and raises AF by `step`, capped
 *   at `max`.
 * - the stop for t+1 is value + AF·(EP - value), kept outside the range of bars t-1 and t
 *   (at or below both lows when long, at or above both highs when short). On bar 1 the
 *   "previous" bar is bar 1 itself, as in TA-Lib.
 *
 * The value at bar t is the stop in force during bar t, known from bars up to t (a reversal
 * is decided by bar t's own range). First value at bar index 1. O(1).
 */
export class Psar implements Indicator {
  private readonly step: number;
  private readonly max: number;
  private bars = 0;
  private long = true;
  private sar = NaN;
  private ep = NaN;
  private af = 0;
  private prevHigh = NaN;
  private prevLow = NaN;
  private current = NaN;

  /**
   * @param step acceleration factor at the start of a trend and its increment.
   * @param max cap of the acceleration factor (at least `step`).
   */
  constructor(step: number, max: number) {
    this.step = step;
    this.max = max;
  }

  /** Feeds one bar. */
  update(bar: BarInput): void {
    const { high, low } = bar;
    if (this.bars++ === 0) {
      this.prevHigh = high;
      this.prevLow = low;
      return;
    }
    let prevHigh = this.prevHigh;
    let prevLow = this.prevLow;
    if (this.bars === 2) {
      const up = high - prevHigh;
      const down = prevLow - low;
      this.long = !(down > 0 && down > up);
      this.sar = this.long ? prevLow : prevHigh;
      this.ep = this.long ? high : low;
      this.af = this.step;
      // TA-Lib bounds the first stop by bar 1's range only.
      prevHigh = high;
      prevLow = low;
    }
    let sar = this.sar;
    if (this.long) {
      if (low <= sar) {
        this.long = false;
        sar = Math.max(this.ep, prevHigh, high);
        this.current = sar;
        this.af = this.step;
        this.ep = low;
        sar += this.af * (this.ep - sar);
        sar = Math.max(sar, prevHigh, high);
      } else {
        this.current = sar;
        if (high > this.ep) {
          this.ep = high;
          this.af = Math.min(this.af + this.step, this.max);
        }
        sar += this.af * (this.ep - sar);
        sar = Math.min(sar, prevLow, low);
      }
    } else if (high >= sar) {
      this.long = true;
      sar = Math.min(this.ep, prevLow, low);
      this.current = sar;
      this.af = this.step;
      this.ep = high;
      sar += this.af * (this.ep - sar);
      sar = Math.min(sar, prevLow, low);
    } else {
      this.current = sar;
      if (low < this.ep) {
        this.ep = low;
        this.af = Math.min(this.af + this.step, this.max);
      }
      sar += this.af * (this.ep - sar);
      sar = Math.max(sar, prevHigh, high);
    }
    this.sar = sar;
    this.prevHigh = high;
    this.prevLow = low;
  }

  /** True once two bars have been seen. */
  get ready(): boolean {
    return this.bars >= 2;
  }

  /** The SAR of the last bar; NaN until ready. */
  value(output = 0): number {
    return output === 0 ? this.current : NaN;
  }

  /** Forgets every bar seen. */
  reset(): void {
    this.bars = 0;
    this.long = true;
    this.sar = NaN;
    this.ep = NaN;
    this.af = 0;
    this.prevHigh = NaN;
    this.prevLow = NaN;
    this.current = NaN;
  }
}

const params = z
  .strictObject({ step: z.number().positive().default(0.02), max: z.number().positive().default(0.2) })
  .refine((p) => p.step <= p.max, { path: ['max'], message: 'max must be at least step' });

/**
 * `psar(step=0.02, max=0.2)`: parabolic SAR (TA-Lib's bootstrap). Output `value`; warm-up
 * 2 bars. Reads the bar.
 */
export const psar = defineIndicator({
  name: 'psar',
  description:
    "Wilder's parabolic SAR, acceleration `step` up to `max`; initial trend from the -DM of the first two bars (TA-Lib's rule).",
  params,
  outputs: ['value'],
  reads: 'bar',
  warmup: () => 2,
  create: (p) => new Psar(p.step, p.max),
});
