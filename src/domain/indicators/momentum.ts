import { z } from 'zod';
import { periodParam } from './params.ts';
import { LagIndicator } from './lag-indicator.ts';
import { defineIndicator } from '../define.ts';

/**
 * Momentum: x_t - x_{t-period}, in price units (ROC is the same in percent). Needs
 * `period + 1` values (first value at bar index `period`). O(1), a ring of `period` values.
 */
export class Momentum extends LagIndicator {
  protected combine(x: number, old: number): number {
    return x - old;
  }
}

const params = z.strictObject({ period: periodParam(10) });

/** `momentum(period=10)`: x - x[period bars ago]. Output `value`; warm-up `period + 1` bars. */
export const momentum = defineIndicator({
  name: 'momentum',
  description: 'Momentum: x - x[period bars ago], in price units.',
  params,
  outputs: ['value'],
  reads: 'price',
  warmup: (p) => p.period + 1,
  create: (p, input) => new Momentum(p.period, input),
});
