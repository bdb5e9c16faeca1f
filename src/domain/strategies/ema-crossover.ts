import { z } from 'zod';
import { crossoverColumns, crossoverLogic, TRIGGER_PARAM } from './crossover-internals.ts';
import { defineStrategy } from '../define.ts';

const params = z
  .strictObject({
    fast_period: z.number().int().positive().default(12),
    slow_period: z.number().int().positive().default(26),
    trigger: TRIGGER_PARAM,
  })
  .refine((p) => p.fast_period < p.slow_period, {
    path: ['slow_period'],
    message: 'slow_period must be greater than fast_period',
  });

/**
 * `ema_crossover(fast_period=12, slow_period=26)`: long while EMA(fast) of the close is
 * above EMA(slow), short while below, unchanged when equal; with `trigger: cross`, flat until
 * the averages first cross, then the side of the last cross. Strength is the gap in
 * percent of the slow EMA, clamped to [-1, 1]. Silent (null) for the first slow_period-1 bars.
 */
export const ema_crossover = defineStrategy({
  name: 'ema_crossover',
  description: 'Long while the fast EMA is above the slow EMA, short while below.',
  params,
  defaultGrid: { fast_period: [5, 8, 12, 16, 20], slow_period: [26, 35, 50] },
  features: (p) => [
    { indicator: 'ema', params: { period: p.fast_period } },
    { indicator: 'ema', params: { period: p.slow_period } },
  ],
  create: (p) => crossoverLogic(p.trigger),
  columns: (p) => crossoverColumns(p.trigger),
});
