import { z } from 'zod';
import type { Direction } from '../../events/index.ts';
import { fixedDecision } from './decision.ts';
import type { StrategyLogic } from './strategy.ts';
import { defineStrategy } from '../define.ts';
import { withPerBarColumns } from './per-bar-columns.ts';

const params = z.strictObject({
  period: z.number().int().positive().default(10),
});

/**
 * `momentum_sign(period=10)`: follows the sign of the momentum
 * mom = close - close[period bars ago]:
 *
 * 1. mom > 0 → long (1);
 * 2. mom < 0 → short (-1);
 * 3. mom = 0 → hold the current direction (flat at the start).
 *
 * Strength is ±1 (0 flat). Silent (null) for the first `period` bars.
 */
export const momentum_sign = defineStrategy(
  withPerBarColumns({
    name: 'momentum_sign',
    description: 'Long while the close is above the close `period` bars ago, short while below.',
    params,
    defaultGrid: { period: 'range(5, 55, 5)' },
    features: (p) => [{ indicator: 'momentum', params: { period: p.period } }],
    create: (): StrategyLogic => {
      let direction: Direction = 0;
      return (features) => {
        const mom = features[0] ?? NaN;
        if (Number.isNaN(mom)) return null;
        if (mom > 0) direction = 1;
        else if (mom < 0) direction = -1;
        return fixedDecision(direction);
      };
    },
  }),
);
