import { z } from 'zod';
import type { Direction } from '../../events/index.ts';
import { fixedDecision } from './decision.ts';
import type { StrategyLogic } from './strategy.ts';
import { defineStrategy } from '../define.ts';
import { withPerBarColumns } from './per-bar-columns.ts';

const params = z.strictObject({
  period: z.number().int().positive().default(14),
  threshold: z.number().min(0).max(100).default(25),
});

/**
 * `adx_trend(period=14, threshold=25)`: trend following on Wilder's ADX and its
 * directional indicators. On each bar, with adx, +DI and -DI of `period`:
 *
 * 1. adx <= threshold (no trend) → flat (0);
 * 2. +DI > -DI → long (1);
 * 3. -DI > +DI → short (-1);
 * 4. otherwise (+DI = -DI) hold the current direction (flat at the start).
 *
 * Strength is ±1 (0 flat). Silent (null) for the first 2·period - 1 bars (the first ADX
 * is at bar index 2·period - 1).
 */
export const adx_trend = defineStrategy(
  withPerBarColumns({
    name: 'adx_trend',
    description: 'When ADX is above the threshold, long while +DI > -DI and short while -DI > +DI; flat otherwise.',
    params,
    defaultGrid: { period: [10, 14, 20], threshold: [20, 25, 30] },
    features: (p) => [
      { indicator: 'adx', params: { period: p.period }, output: 'adx' },
      { indicator: 'adx', params: { period: p.period }, output: 'plus_di' },
      { indicator: 'adx', params: { period: p.period }, output: 'minus_di' },
    ],
    create: (p): StrategyLogic => {
      const { threshold } = p;
      let direction: Direction = 0;
      return (features) => {
        const adx = features[0] ?? NaN;
        const plus = features[1] ?? NaN;
        const minus = features[2] ?? NaN;
        if (Number.isNaN(adx) || Number.isNaN(plus) || Number.isNaN(minus)) return null;
        if (!(adx > threshold)) direction = 0;
        else if (plus > minus) direction = 1;
        else if (minus > plus) direction = -1;
        return fixedDecision(direction);
      };
    },
  }),
);
