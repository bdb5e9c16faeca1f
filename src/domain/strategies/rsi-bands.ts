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
    period: z.number().int().positive().default(14),
    lower: level.default(30),
    upper: level.default(70),
  })
  .refine((p) => p.lower < p.upper, { path: ['upper'], message: 'upper must be greater than lower' });

/**
 * `rsi_bands(period=14, lower=30, upper=70)`: mean reversion on Wilder's RSI r of the
 * close, entering at the bands and exiting at the mid band m = (lower + upper)/2 (50 by
 * default). The first matching rule sets the target:
 *
 * 1. r < lower → long (1);
 * 2. r > upper → short (-1);
 * 3. long and r >= m → flat (0);
 * 4. short and r <= m → flat (0);
 * 5. otherwise hold (flat at the start).
 *
 * Unlike `rsi_threshold` (which exits on a cross of 50) the exit is a level: a long exits
 * on any bar with r >= m. Strength is ±1 (0 flat). Silent (null) for the first `period`
 * bars (the RSI needs period+1 closes).
 */
export const rsi_bands = defineStrategy(
  withPerBarColumns({
    name: 'rsi_bands',
    description: 'Long below the lower RSI band, short above the upper; exit when RSI reaches the mid band.',
    params,
    defaultGrid: { period: [7, 14, 21], lower: [20, 30], upper: [70, 80] },
    features: (p) => [{ indicator: 'rsi', params: { period: p.period } }],
    create: (p): StrategyLogic => {
      const { lower, upper } = p;
      const mid = (lower + upper) / 2;
      let direction: Direction = 0;
      return (features) => {
        const r = features[0] ?? NaN;
        if (Number.isNaN(r)) return null;
        direction = bandReversion(direction, r, lower, mid, upper);
        return fixedDecision(direction);
      };
    },
  }),
);
