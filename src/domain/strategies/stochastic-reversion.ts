import { z } from 'zod';
import type { Direction } from '../../events/index.ts';
import { fixedDecision } from './decision.ts';
import { bandReversion } from './reversion-internals.ts';
import type { StrategyLogic } from './strategy.ts';
import { defineStrategy } from '../define.ts';
import { withPerBarColumns } from './per-bar-columns.ts';

const level = z.number().min(0).max(100);

const params = z
  .strictObject({
    k_period: z.number().int().positive().default(14),
    k_smooth: z.number().int().positive().default(3),
    oversold: level.default(20),
    overbought: level.default(80),
  })
  .refine((p) => p.oversold < p.overbought, {
    path: ['overbought'],
    message: 'overbought must be greater than oversold',
  });

/**
 * `stochastic_reversion(k_period=14, k_smooth=3, oversold=20, overbought=80)`: mean
 * reversion on the stochastic %K = SMA(k_smooth) of 100·(close - LL)/(HH - LL) over
 * k_period bars (k_smooth=1: the fast %K). With m = (oversold + overbought)/2 (50 by
 * default), the first matching rule sets the target:
 *
 * 1. %K < oversold → long (1);
 * 2. %K > overbought → short (-1);
 * 3. long and %K >= m → flat (0);
 * 4. short and %K <= m → flat (0);
 * 5. otherwise hold (flat at the start).
 *
 * %D is not used (requested with d_period 1 so it adds no warm-up). Strength is ±1 (0
 * flat). Silent (null) for the first k_period + k_smooth - 2 bars.
 */
export const stochastic_reversion = defineStrategy(
  withPerBarColumns({
    name: 'stochastic_reversion',
    description: 'Long when stochastic %K is below oversold, short above overbought; exit at the middle level.',
    params,
    defaultGrid: { k_period: [5, 14, 21], k_smooth: [1, 3], oversold: [10, 20], overbought: [80, 90] },
    features: (p) => [
      { indicator: 'stoch', params: { k_period: p.k_period, k_smooth: p.k_smooth, d_period: 1 }, output: 'k' },
    ],
    create: (p): StrategyLogic => {
      const { oversold, overbought } = p;
      const mid = (oversold + overbought) / 2;
      let direction: Direction = 0;
      return (features) => {
        const k = features[0] ?? NaN;
        if (Number.isNaN(k)) return null;
        direction = bandReversion(direction, k, oversold, mid, overbought);
        return fixedDecision(direction);
      };
    },
  }),
);
