import { z } from 'zod';
import type { OutputColumns } from './indicator.ts';
import { periodParam } from './params.ts';
import { SeededAverage } from './seeded-average.ts';
import { defineIndicator } from '../define.ts';

/**
 * Smoothed (Wilder's, "running") moving average: the smoothing RSI and ATR use, on any
 * series. Seeded with the simple average of the first `period` values (bar index
 * period-1); afterwards smma = (smma·(period-1) + x) / period, i.e. an EMA with
 * alpha = 1/period. O(1), no buffer.
 */
export class Smma extends SeededAverage {
  protected step(previous: number, x: number): number {
    return (previous * (this.period - 1) + x) / this.period;
  }

  /** `push` over a column: the seed, then `step` inlined in a loop. */
  override pushColumn(input: Float64Array, length: number, outputs: OutputColumns): void {
    const out = outputs[0];
    if (out === undefined) return super.pushColumn(input, length, outputs);
    let b = this.seedColumn(input, length, out);
    if (b === length) return;
    const p = this.period;
    let current = this.current;
    for (; b < length; b++) {
      current = (current * (p - 1) + input[b]!) / p;
      out[b] = current;
    }
    this.current = current;
  }
}

const params = z.strictObject({ period: periodParam() });

/** `smma(period)`: Wilder's smoothed moving average. Output `value`; warm-up `period` bars. */
export const smma = defineIndicator({
  name: 'smma',
  description:
    "Smoothed (Wilder's) moving average: SMA of the first `period` values, then (prev·(period-1) + x)/period.",
  params,
  outputs: ['value'],
  reads: 'price',
  warmup: (p) => p.period,
  create: (p, input) => new Smma(p.period, input),
});

/**
 * `rma(period)`: the same computation as `smma`, under the name Pine Script and pandas-ta
 * use. A definition of its own (not a second map key for `smma`) so listings show the
 * name the user typed; its feature keys read `rma(...)`, so a request for `rma` and one
 * for `smma` with the same period are computed separately.
 */
export const rma = defineIndicator({
  ...smma,
  name: 'rma',
  description: 'Alias of smma (the name Pine Script and pandas-ta use): Wilder-smoothed moving average.',
});
