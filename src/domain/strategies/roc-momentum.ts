import { z } from 'zod';
import type { Direction } from '../../events/index.ts';
import { fixedDecision } from './decision.ts';
import type { StrategyLogic } from './strategy.ts';
import { defineStrategy } from '../define.ts';
import { withPerBarColumns } from './per-bar-columns.ts';

const params = z.strictObject({
  period: z.number().int().positive().default(10),
  threshold: z.number().min(0).default(0),
});

/**
 * `roc_momentum(period=10, threshold=0)`: momentum on the rate of change of the close in
 * percent, roc = 100·(close - close[period bars ago]) / close[period bars ago]:
 *
 * 1. roc > threshold → long (1);
 * 2. roc < -threshold → short (-1);
 * 3. otherwise (|roc| <= threshold) → flat (0).
 *
 * Strength is ±1 (0 flat). Silent (null) for the first `period` bars.
 */
export const roc_momentum = defineStrategy(
  withPerBarColumns({
    name: 'roc_momentum',
    description: 'Long while the rate of change is above +threshold %, short below -threshold %, flat in between.',
    params,
    defaultGrid: { period: [5, 10, 20, 40], threshold: [0, 0.5, 1] },
    features: (p) => [{ indicator: 'roc', params: { period: p.period } }],
    create: (p): StrategyLogic => {
      const { threshold } = p;
      return (features) => {
        const roc = features[0] ?? NaN;
        if (Number.isNaN(roc)) return null;
        const direction: Direction = roc > threshold ? 1 : roc < -threshold ? -1 : 0;
        return fixedDecision(direction);
      };
    },
  }),
);
