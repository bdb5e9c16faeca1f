import { z } from 'zod';
import type { BarInput, Indicator } from './indicator.ts';
import { periodParam } from './params.ts';
import { RollingExtreme } from './rolling-extreme.ts';
import { defineIndicator } from '../define.ts';

/**
 * Aroon (Chande): over the last `period + 1` bars (the current one and `period` before it),
 * up = 100·(period - bars since the highest high)/period,
 * down = 100·(period - bars since the lowest low)/period, oscillator = up - down.
 * Ties go to the most recent extreme (as TA-Lib). First values at bar index `period`.
 * Amortised O(1): monotonic deques that remember where their extreme came from.
 */
export class Aroon implements Indicator {
  /** Look-back in bars. */
  readonly period: number;
  private readonly highs: RollingExtreme;
  private readonly lows: RollingExtreme;
  private up = NaN;
  private down = NaN;

  /** @param period look-back, a positive integer. */
  constructor(period: number) {
    this.period = period;
    this.highs = new RollingExtreme(period + 1, 'max');
    this.lows = new RollingExtreme(period + 1, 'min');
  }

  /** Feeds one bar. */
  update(bar: BarInput): void {
    this.highs.push(bar.high);
    this.lows.push(bar.low);
    if (!this.highs.full) return;
    const p = this.period;
    this.up = (100 * (p - this.highs.barsSince)) / p;
    this.down = (100 * (p - this.lows.barsSince)) / p;
  }

  /** True once `period + 1` bars have been seen. */
  get ready(): boolean {
    return this.highs.full;
  }

  /** Output by index: 0 up, 1 down, 2 oscillator; NaN until ready. */
  value(output = 0): number {
    return output === 0 ? this.up : output === 1 ? this.down : output === 2 ? this.up - this.down : NaN;
  }

  /** Forgets every bar seen. */
  reset(): void {
    this.highs.reset();
    this.lows.reset();
    this.up = NaN;
    this.down = NaN;
  }
}

const params = z.strictObject({ period: periodParam(25) });

/** `aroon(period=25)`: Aroon up/down/oscillator. Warm-up `period + 1` bars. Reads the bar. */
export const aroon = defineIndicator({
  name: 'aroon',
  description:
    'Aroon: 100·(period - bars since the highest high / lowest low)/period over period+1 bars, and up - down.',
  params,
  outputs: ['up', 'down', 'oscillator'],
  reads: 'bar',
  warmup: (p) => p.period + 1,
  create: (p) => new Aroon(p.period),
});
