import { z } from 'zod';
import { crossoverColumns, crossoverLogic, TRIGGER_PARAM } from './crossover-internals.ts';
import { defineStrategy } from '../define.ts';

const params = z
  .strictObject({
    fast_period: z.number().int().positive().default(10),
    slow_period: z.number().int().positive().default(30),
    trigger: TRIGGER_PARAM,
  })
  .refine((p) => p.fast_period < p.slow_period, {
    path: ['slow_period'],
    message: 'slow_period must be greater than fast_period',
  });

/**
 * `sma_crossover(fast_period=10, slow_period=30)`: long while SMA(fast) of the close is
 * above SMA(slow), short while below, unchanged when equal; with `trigger: cross`, flat until
 * the averages first cross, then the side of the last cross. Strength is the gap in
 * percent of the slow SMA, clamped to [-1, 1]. Silent (null) for the first slow_period-1 bars.
 */
export const sma_crossover = defineStrategy({
  name: 'sma_crossover',
  description: 'Long while the fast SMA is above the slow SMA, short while below.',
  params,
  defaultGrid: { fast_period: 'range(5, 30, 5)', slow_period: 'range(30, 110, 10)' },
  features: (p) => [
    { indicator: 'sma', params: { period: p.fast_period } },
    { indicator: 'sma', params: { period: p.slow_period } },
  ],
  create: (p) => crossoverLogic(p.trigger),
  columns: (p) => crossoverColumns(p.trigger),
});
