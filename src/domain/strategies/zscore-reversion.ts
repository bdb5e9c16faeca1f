import { z } from 'zod';
import type { Direction } from '../../events/index.ts';
import { fixedDecision } from './decision.ts';
import { bandReversion } from './reversion-internals.ts';
import type { StrategyLogic } from './strategy.ts';
import { defineStrategy } from '../define.ts';
import { withPerBarColumns } from './per-bar-columns.ts';

const params = z.strictObject({
  period: z.number().int().min(2).default(20),
  entry_z: z.number().positive().default(2),
});

/**
 * `zscore_reversion(period=20, entry_z=2)`: mean reversion on the z-score of the close,
 * z = (close - SMA(period)) / σ(period), σ the population standard deviation of the same
 * `period` closes (z = 0 when σ = 0: a flat window, where the close equals its mean).
 * The first matching rule sets the target:
 *
 * 1. z < -entry_z → long (1);
 * 2. z > entry_z → short (-1);
 * 3. long and z >= 0 (close back at or above the SMA) → flat (0);
 * 4. short and z <= 0 → flat (0);
 * 5. otherwise hold (flat at the start).
 *
 * Strength is ±1 (0 flat). Silent (null) for the first period - 1 bars.
 */
export const zscore_reversion = defineStrategy(
  withPerBarColumns({
    name: 'zscore_reversion',
    description:
      'Long when the z-score of the close is below -entry_z, short above +entry_z; exit when it crosses back to 0.',
    params,
    defaultGrid: { period: [10, 20, 40], entry_z: [1.5, 2, 2.5] },
    features: (p) => [
      { indicator: 'sma', params: { period: p.period } },
      { indicator: 'stddev', params: { period: p.period } },
    ],
    create: (p): StrategyLogic => {
      const { entry_z } = p;
      let direction: Direction = 0;
      return (features, bar) => {
        const mean = features[0] ?? NaN;
        const sd = features[1] ?? NaN;
        if (Number.isNaN(mean) || Number.isNaN(sd)) return null;
        const zs = sd > 0 ? (bar.close - mean) / sd : 0;
        direction = bandReversion(direction, zs, -entry_z, 0, entry_z);
        return fixedDecision(direction);
      };
    },
  }),
);
