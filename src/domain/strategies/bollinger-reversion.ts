import { z } from 'zod';
import type { Direction } from '../../events/index.ts';
import { fixedDecision } from './decision.ts';
import type { StrategyLogic } from './strategy.ts';
import { defineStrategy } from '../define.ts';
import { withPerBarColumns } from './per-bar-columns.ts';

const params = z.strictObject({
  period: z.number().int().positive().default(20),
  stddev: z.number().positive().default(2),
});

/**
 * `bollinger_reversion(period=20, stddev=2)`: mean reversion on Bollinger Bands of the
 * close (population σ). On each bar the first matching rule sets the target:
 *
 * 1. close < lower → long (1);
 * 2. close > upper → short (-1);
 * 3. long and close >= middle → flat (0);
 * 4. short and close <= middle → flat (0);
 * 5. otherwise hold (flat at the start).
 *
 * Strength is ±1 (0 flat). Silent (null) for the first period-1 bars.
 */
export const bollinger_reversion = defineStrategy(
  withPerBarColumns({
    name: 'bollinger_reversion',
    description: 'Long below the lower Bollinger band, short above the upper; exit at the middle band.',
    params,
    defaultGrid: { period: 'range(10, 40, 5)', stddev: [1.5, 2, 2.5] },
    features: (p) => {
      const bb = { period: p.period, stddev: p.stddev };
      return [
        { indicator: 'bbands', params: bb, output: 'upper' },
        { indicator: 'bbands', params: bb, output: 'middle' },
        { indicator: 'bbands', params: bb, output: 'lower' },
      ];
    },
    create: (): StrategyLogic => {
      let direction: Direction = 0;
      return (features, bar) => {
        const upper = features[0] ?? NaN;
        const middle = features[1] ?? NaN;
        const lower = features[2] ?? NaN;
        if (Number.isNaN(upper) || Number.isNaN(middle) || Number.isNaN(lower)) return null;
        const c = bar.close;
        if (c < lower) direction = 1;
        else if (c > upper) direction = -1;
        else if (direction === 1 && c >= middle) direction = 0;
        else if (direction === -1 && c <= middle) direction = 0;
        return fixedDecision(direction);
      };
    },
  }),
);
