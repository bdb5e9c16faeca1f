import { z } from 'zod';
import type { Direction } from '../../events/index.ts';
import { fixedDecision } from './decision.ts';
import { bandReversion } from './reversion-internals.ts';
import type { StrategyLogic } from './strategy.ts';
import { defineStrategy } from '../define.ts';
import { withPerBarColumns } from './per-bar-columns.ts';

const level = z.number().min(-100).max(0);

const params = z
  .strictObject({
    period: z.number().int().positive().default(14),
    oversold: level.default(-80),
    overbought: level.default(-20),
  })
  .refine((p) => p.oversold < p.overbought, {
    path: ['overbought'],
    message: 'overbought must be greater than oversold',
  });

/**
 * `williams_r_reversion(period=14, oversold=-80, overbought=-20)`: mean reversion on
 * Williams %R w = -100·(HH - close)/(HH - LL) over `period` bars, in [-100, 0]. With
 * m = (oversold + overbought)/2 (-50 by default), the first matching rule sets the target:
 *
 * 1. w < oversold → long (1);
 * 2. w > overbought → short (-1);
 * 3. long and w >= m → flat (0);
 * 4. short and w <= m → flat (0);
 * 5. otherwise hold (flat at the start).
 *
 * Strength is ±1 (0 flat). Silent (null) for the first period - 1 bars.
 */
export const williams_r_reversion = defineStrategy(
  withPerBarColumns({
    name: 'williams_r_reversion',
    description: 'Long when Williams %R is below oversold, short above overbought; exit at the middle level.',
    params,
    defaultGrid: { period: [7, 14, 21], oversold: [-90, -80], overbought: [-20, -10] },
    features: (p) => [{ indicator: 'williams_r', params: { period: p.period } }],
    create: (p): StrategyLogic => {
      const { oversold, overbought } = p;
      const mid = (oversold + overbought) / 2;
      let direction: Direction = 0;
      return (features) => {
        const w = features[0] ?? NaN;
        if (Number.isNaN(w)) return null;
        direction = bandReversion(direction, w, oversold, mid, overbought);
        return fixedDecision(direction);
      };
    },
  }),
);
