import { z } from 'zod';
import type { Direction } from '../../events/index.ts';
import { fixedDecision } from './decision.ts';
import type { StrategyLogic } from './strategy.ts';
import { defineStrategy } from '../define.ts';
import { withPerBarColumns } from './per-bar-columns.ts';

const params = z.strictObject({
  period: z.number().int().positive().default(15),
});

/**
 * `trix_momentum(period=15)`: momentum on TRIX, the one-bar percent change of
 * E3 = EMA(EMA(EMA(close))) (SMA-seeded EMAs of `period`), read against its zero line:
 *
 * 1. trix > 0 (E3 rising) → long (1);
 * 2. trix < 0 (E3 falling) → short (-1);
 * 3. trix = 0 → hold the current direction (flat at the start).
 *
 * Strength is ±1 (0 flat). Silent (null) for the first 3·period - 2 bars.
 */
export const trix_momentum = defineStrategy(
  withPerBarColumns({
    name: 'trix_momentum',
    description: 'Long while TRIX (1-bar % change of a triple EMA) is above 0, short while below.',
    params,
    defaultGrid: { period: [9, 12, 15, 18, 24] },
    features: (p) => [{ indicator: 'trix', params: { period: p.period } }],
    create: (): StrategyLogic => {
      let direction: Direction = 0;
      return (features) => {
        const trix = features[0] ?? NaN;
        if (Number.isNaN(trix)) return null;
        if (trix > 0) direction = 1;
        else if (trix < 0) direction = -1;
        return fixedDecision(direction);
      };
    },
  }),
);
