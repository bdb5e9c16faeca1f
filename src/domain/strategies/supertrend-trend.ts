import { z } from 'zod';
import type { Direction } from '../../events/index.ts';
import { firstBarParam } from '../indicators/first-bar.ts';
import { fixedDecision } from './decision.ts';
import type { StrategyLogic } from './strategy.ts';
import { defineStrategy } from '../define.ts';
import { withPerBarColumns } from './per-bar-columns.ts';

const params = z.strictObject({
  period: z.number().int().positive().default(10),
  multiplier: z.number().positive().default(3),
  atr_first_bar: firstBarParam,
});

/**
 * `supertrend_trend(period=10, multiplier=3, atr_first_bar=skip)`: follows the direction of the SuperTrend
 * (TradingView's `ta.supertrend`: trailing bands hl2 ± multiplier·ATR(period)): long (1)
 * while it points up (+1), short (-1) while it points down (-1).
 *
 * The SuperTrend boots in a downtrend on its first bar whatever the prices did, so that
 * first direction carries no information: the strategy stays flat (0) until the
 * SuperTrend direction changes for the first time, then follows it.
 *
 * Strength is ±1 (0 flat). Silent (null) for the first `period` bars (the ATR skips bar 0;
 * `atr_first_bar: high_low`, TradingView's `ta.atr`, takes its high - low and is silent a bar less).
 */
export const supertrend_trend = defineStrategy(
  withPerBarColumns({
    name: 'supertrend_trend',
    description: 'Long while the SuperTrend points up (close above its trailing band), short while it points down.',
    params,
    defaultGrid: { period: [7, 10, 14], multiplier: [2, 3, 4] },
    features: (p) => [
      {
        indicator: 'supertrend',
        params: { period: p.period, multiplier: p.multiplier, first_bar: p.atr_first_bar },
        output: 'direction',
      },
    ],
    create: (): StrategyLogic => {
      let direction: Direction = 0;
      // The SuperTrend direction on the previous bar; NaN before the first one.
      let prev = NaN;
      let flipped = false;
      return (features) => {
        const dir = features[0] ?? NaN;
        if (Number.isNaN(dir)) return null;
        if (!Number.isNaN(prev) && dir !== prev) flipped = true;
        prev = dir;
        if (flipped) direction = dir > 0 ? 1 : -1;
        return fixedDecision(direction);
      };
    },
  }),
);
