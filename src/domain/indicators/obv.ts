import { z } from 'zod';
import type { BarInput, Indicator } from './indicator.ts';
import { defineIndicator } from '../define.ts';

/**
 * On-balance volume (Granville): 0 on the first bar, then the running total of
 * +volume on an up close, -volume on a down close, nothing on an unchanged close.
 * (TA-Lib starts from the first bar's volume instead of 0; every later value then differs
 * by that constant.) Ready from the first bar. O(1).
 */
export class Obv implements Indicator {
  private prevClose = NaN;
  private current = NaN;

  /** Feeds one bar. */
  update(bar: BarInput): void {
    const pc = this.prevClose;
    this.prevClose = bar.close;
    if (Number.isNaN(pc)) {
      this.current = 0;
    } else if (bar.close > pc) {
      this.current += bar.volume;
    } else if (bar.close < pc) {
      this.current -= bar.volume;
    }
  }

  /** True once a bar has been seen. */
  get ready(): boolean {
    return !Number.isNaN(this.current);
  }

  /** The OBV; NaN before the first bar. */
  value(output = 0): number {
    return output === 0 ? this.current : NaN;
  }

  /** Forgets every bar seen. */
  reset(): void {
    this.prevClose = NaN;
    this.current = NaN;
  }
}

const params = z.strictObject({});

/** `obv`: on-balance volume. Output `value`; warm-up 1 bar. Reads the bar. */
export const obv = defineIndicator({
  name: 'obv',
  description: 'On-balance volume: running total of ±volume by the sign of the close-to-close change, from 0.',
  params,
  outputs: ['value'],
  reads: 'bar',
  warmup: () => 1,
  create: () => new Obv(),
});
