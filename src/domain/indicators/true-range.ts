import { z } from 'zod';
import { type FirstBar, firstBarParam } from './first-bar.ts';
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

/**
 * Per-bar true range. With `firstBar = 'skip'` (default, as TA-Lib's TRANGE and
 * backtrader's TrueRange) the first value is at bar 1; with `'high_low'` bar 0 gives
 * high - low.
 */
export class TrueRange implements Indicator {
  /** How the first bar (no previous close) is treated. */
  readonly firstBar: FirstBar;
  private prevClose = NaN;
  private current = NaN;

  /** @param firstBar `skip` (default) or `high_low`. */
  constructor(firstBar: FirstBar = 'skip') {
    this.firstBar = firstBar;
  }

  /** Feeds one bar. */
  update(bar: BarInput): void {
    if (this.firstBar === 'skip' && Number.isNaN(this.prevClose)) {
      this.prevClose = bar.close;
      return;
    }
    this.current = trueRange(bar.high, bar.low, this.prevClose);
    this.prevClose = bar.close;
  }

  /** True once a true range exists. */
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

const params = z.strictObject({ first_bar: firstBarParam });

/**
 * `true_range(first_bar=skip)`: per-bar true range. Output `value`; warm-up 2 bars
 * (1 with `first_bar: high_low`). Reads the bar.
 */
export const true_range = defineIndicator({
  name: 'true_range',
  description:
    'True range: max(high - low, |high - previous close|, |low - previous close|); bar 0 skipped unless first_bar: high_low.',
  params,
  outputs: ['value'],
  reads: 'bar',
  warmup: (p) => (p.first_bar === 'skip' ? 2 : 1),
  create: (p) => new TrueRange(p.first_bar),
});
