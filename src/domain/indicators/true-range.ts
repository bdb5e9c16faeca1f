import { z } from 'zod';
import type { BarInput, Indicator } from './indicator.ts';
import { defineIndicator } from '../define.ts';

/**
 * True range of a bar given the previous close: max(h - l, |h - prevClose|, |l - prevClose|).
 * Pass NaN as `prevClose` for the first bar, whose true range is h - l.
 */
export function trueRange(high: number, low: number, prevClose: number): number {
  const hl = high - low;
  if (Number.isNaN(prevClose)) return hl;
  const hc = Math.abs(high - prevClose);
  const lc = Math.abs(low - prevClose);
  return hl >= hc ? (hl >= lc ? hl : lc) : hc >= lc ? hc : lc;
}

/** Per-bar true range; ready from the first bar (whose value is high - low). */
export class TrueRange implements Indicator {
  private prevClose = NaN;
  private current = NaN;

  /** Feeds one bar. */
  update(bar: BarInput): void {
    this.current = trueRange(bar.high, bar.low, this.prevClose);
    this.prevClose = bar.close;
  }

  /** True once a bar has been seen. */
  get ready(): boolean {
    return !Number.isNaN(this.current);
  }

  /** The true range of the last bar; NaN before the first. */
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

/** `true_range`: per-bar true range. Output `value`; warm-up 1 bar. Reads the bar. */
export const true_range = defineIndicator({
  name: 'true_range',
  description:
    'True range: max(high - low, |high - previous close|, |low - previous close|); high - low on the first bar.',
  params,
  outputs: ['value'],
  reads: 'bar',
  warmup: () => 1,
  create: () => new TrueRange(),
});
