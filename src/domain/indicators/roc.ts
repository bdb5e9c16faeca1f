import { z } from 'zod';
import { periodParam } from './params.ts';
import { LagIndicator } from './lag-indicator.ts';
import { defineIndicator } from '../define.ts';

/**
 * Rate of change in percent: 100 * (x_t - x_{t-period}) / x_{t-period}. Needs
 * `period + 1` values (first value at bar index `period`). A zero reference value gives
 * ±Infinity or NaN, as the formula does; prices are assumed positive.
 */
export class Roc extends LagIndicator {
  protected combine(x: number, old: number): number {
    return (100 * (x - old)) / old;
  }
}

const params = z.strictObject({ period: periodParam() });

/** `roc(period)`: rate of change in percent. Output `value`; warm-up `period + 1` bars. */
export const roc = defineIndicator({
  name: 'roc',
  description: 'Rate of change in percent: 100 * (x - x[period bars ago]) / x[period bars ago].',
  params,
  outputs: ['value'],
  reads: 'price',
  warmup: (p) => p.period + 1,
  create: (p, input) => new Roc(p.period, input),
});
