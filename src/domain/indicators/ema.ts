import { z } from 'zod';
import type { OutputColumns, PriceInput } from './indicator.ts';
import { periodParam } from './params.ts';
import { SeededAverage } from './seeded-average.ts';
import { defineIndicator } from '../define.ts';

/**
 * Exponential moving average, alpha = 2/(period+1), seeded with the simple average of
 * the first `period` values (the textbook definition; seeding with the first value instead
 * gives different numbers for many bars). First value at bar index period-1, then
 * ema += alpha * (x - ema). O(1), no buffer needed.
 */
export class Ema extends SeededAverage {
  private readonly alpha: number;

  constructor(period: number, input?: PriceInput) {
    super(period, input);
    this.alpha = 2 / (period + 1);
  }

  protected step(previous: number, x: number): number {
    return previous + this.alpha * (x - previous);
  }

  /** `push` over a column: the seed, then `step` inlined in a loop. */
  override pushColumn(input: Float64Array, length: number, outputs: OutputColumns): void {
    const out = outputs[0];
    if (out === undefined) return super.pushColumn(input, length, outputs);
    let b = this.seedColumn(input, length, out);
    if (b === length) return;
    const alpha = this.alpha;
    let current = this.current;
    for (; b < length; b++) {
      current = current + alpha * (input[b]! - current);
      out[b] = current;
    }
    this.current = current;
  }
}

const params = z.strictObject({ period: periodParam() });

/** `ema(period)`: SMA-seeded exponential moving average. Output `value`; warm-up `period` bars. */
export const ema = defineIndicator({
  name: 'ema',
  description: 'Exponential moving average, alpha = 2/(period+1), seeded with the SMA of the first `period` values.',
  params,
  outputs: ['value'],
  reads: 'price',
  warmup: (p) => p.period,
  create: (p, input) => new Ema(p.period, input),
});
