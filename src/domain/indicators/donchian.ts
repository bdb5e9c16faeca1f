import { z } from 'zod';
import type { BarInput, Indicator } from './indicator.ts';
import { periodParam } from './params.ts';
import { RollingExtreme } from './rolling-extreme.ts';
import { defineIndicator } from '../define.ts';

/**
 * Donchian channel over the last `period` bars, the current bar included:
 * upper = highest high, lower = lowest low, middle = (upper + lower) / 2.
 * Amortised O(1) via monotonic deques. First values at bar index period-1.
 *
 * Because the current bar is included, a close can never exceed the current upper band;
 * breakout rules compare with the previous bar's channel.
 */
export class Donchian implements Indicator {
  private readonly highs: RollingExtreme;
  private readonly lows: RollingExtreme;

  /** @param period window length in bars, a positive integer. */
  constructor(period: number) {
    this.highs = new RollingExtreme(period, 'max');
    this.lows = new RollingExtreme(period, 'min');
  }

  /** Feeds one bar. */
  update(bar: BarInput): void {
    this.highs.push(bar.high);
    this.lows.push(bar.low);
  }

  /** True once `period` bars have been seen. */
  get ready(): boolean {
    return this.highs.full;
  }

  /** Output by index: 0 upper, 1 middle, 2 lower; NaN until ready. */
  value(output = 0): number {
    if (!this.highs.full) return NaN;
    switch (output) {
      case 0:
        return this.highs.extreme;
      case 1:
        return (this.highs.extreme + this.lows.extreme) / 2;
      case 2:
        return this.lows.extreme;
      default:
        return NaN;
    }
  }

  /** Forgets every bar seen. */
  reset(): void {
    this.highs.reset();
    this.lows.reset();
  }
}

const params = z.strictObject({ period: periodParam(20) });

/** `donchian(period=20)`: Donchian channel. Outputs upper, middle, lower; warm-up `period` bars. Reads the bar. */
export const donchian = defineIndicator({
  name: 'donchian',
  description:
    'Donchian channel: highest high and lowest low of the last `period` bars (current included), and their midpoint.',
  params,
  outputs: ['upper', 'middle', 'lower'],
  reads: 'bar',
  warmup: (p) => p.period,
  create: (p) => new Donchian(p.period),
});
