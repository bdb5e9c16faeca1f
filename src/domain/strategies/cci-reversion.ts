import { z } from 'zod';
import type { Direction } from '../../events/index.ts';
import { fixedDecision } from './decision.ts';
import { bandReversion } from './reversion-internals.ts';
import type { StrategyLogic } from './strategy.ts';
import { defineStrategy } from '../define.ts';
import { withPerBarColumns } from './per-bar-columns.ts';

const params = z
  .strictObject({
    period: z.number().int().positive().default(20),
    oversold: z.number().default(-100),
    overbought: z.number().default(100),
  })
  .refine((p) => p.oversold < p.overbought, {
    path: ['overbought'],
    message: 'overbought must be greater than oversold',
  });

/**
 * `cci_reversion(period=20, oversold=-100, overbought=100)`: mean reversion on the
 * commodity channel index c = (tp - SMA(tp))/(0.015·mean deviation) of the typical price
 * tp = (h + l + c)/3 over `period` bars. With m = (oversold + overbought)/2 (0 by default),
 * the first matching rule sets the target:
 *
 * 1. c < oversold → long (1);
 * 2. c > overbought → short (-1);
 * 3. long and c >= m → flat (0);
 * 4. short and c <= m → flat (0);
 * 5. otherwise hold (flat at the start).
 *
 * Strength is ±1 (0 flat). Silent (null) for the first period - 1 bars. The CCI costs
 * O(period) per bar (see the indicator); the rule itself is O(1).
 */
export const cci_reversion = defineStrategy(
  withPerBarColumns({
    name: 'cci_reversion',
    description: 'Long when CCI is below oversold, short above overbought; exit at the middle level.',
    params,
    defaultGrid: { period: [14, 20, 30], oversold: [-200, -150, -100], overbought: [100, 150, 200] },
    features: (p) => [{ indicator: 'cci', params: { period: p.period } }],
    create: (p): StrategyLogic => {
      const { oversold, overbought } = p;
      const mid = (oversold + overbought) / 2;
      let direction: Direction = 0;
      return (features) => {
        const c = features[0] ?? NaN;
        if (Number.isNaN(c)) return null;
        direction = bandReversion(direction, c, oversold, mid, overbought);
        return fixedDecision(direction);
      };
    },
  }),
);
