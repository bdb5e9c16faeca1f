import { z } from 'zod';
import type { Direction } from '../../events/index.ts';
import { fixedDecision } from './decision.ts';
import type { StrategyLogic } from './strategy.ts';
import { defineStrategy } from '../define.ts';
import { withPerBarColumns } from './per-bar-columns.ts';

const level = z.number().min(0).max(100);

const params = z
  .strictObject({
    period: z.number().int().positive().default(14),
    oversold: level.default(30),
    overbought: level.default(70),
  })
  .refine((p) => p.oversold < p.overbought, {
    path: ['overbought'],
    message: 'overbought must be greater than oversold',
  });

/**
 * `rsi_threshold(period=14, oversold=30, overbought=70)`: mean reversion on Wilder's RSI
 * of the close. On each bar, with r the RSI now and r' the RSI of the previous bar, the
 * first matching rule sets the target:
 *
 * 1. r < oversold → long (1);
 * 2. r > overbought → short (-1);
 * 3. long and r' < 50 <= r (RSI crossed up through 50) → flat (0);
 * 4. short and r' > 50 >= r (RSI crossed down through 50) → flat (0);
 * 5. otherwise hold the current direction (flat at the start).
 *
 * On the first bar with an RSI there is no r', so rules 3-4 cannot fire. Entries take
 * precedence over exits. Strength is ±1 (0 flat). Silent (null) for the first `period`
 * bars (the RSI needs period+1 closes).
 */
export const rsi_threshold = defineStrategy(
  withPerBarColumns({
    name: 'rsi_threshold',
    description: 'Long below the oversold RSI level, short above overbought; exit when RSI crosses back through 50.',
    params,
    defaultGrid: { period: [7, 14, 21], oversold: [20, 25, 30], overbought: [70, 75, 80] },
    features: (p) => [{ indicator: 'rsi', params: { period: p.period } }],
    create: (p): StrategyLogic => {
      const { oversold, overbought } = p;
      let direction: Direction = 0;
      let prev = NaN;
      return (features) => {
        const r = features[0] ?? NaN;
        if (Number.isNaN(r)) return null;
        if (r < oversold) direction = 1;
        else if (r > overbought) direction = -1;
        else if (direction === 1 && prev < 50 && r >= 50) direction = 0;
        else if (direction === -1 && prev > 50 && r <= 50) direction = 0;
        prev = r;
        return fixedDecision(direction);
      };
    },
  }),
);
