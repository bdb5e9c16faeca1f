import { z } from 'zod';
import type { Direction } from '../../events/index.ts';
import { firstBarParam } from '../indicators/first-bar.ts';
import { fixedDecision } from './decision.ts';
import type { StrategyLogic } from './strategy.ts';
import { defineStrategy } from '../define.ts';
import { withPerBarColumns } from './per-bar-columns.ts';

const params = z.strictObject({
  period: z.number().int().positive().default(20),
  multiplier: z.number().positive().default(2),
  atr_period: z.number().int().positive().default(10),
  atr_first_bar: firstBarParam,
});

/**
 * `keltner_breakout(period=20, multiplier=2, atr_period=10, atr_first_bar=skip)`: breakout of Keltner
 * channels, middle = EMA(close, period), upper/lower = middle ± multiplier·ATR(atr_period)
 * (Wilder's ATR), all of the current bar. The first matching rule sets the target:
 *
 * 1. close > upper → long (1);
 * 2. close < lower → short (-1);
 * 3. long and close < middle → flat (0);
 * 4. short and close > middle → flat (0);
 * 5. otherwise hold (flat at the start).
 *
 * Strength is ±1 (0 flat). Silent (null) for the first max(period - 1, atr_period) bars
 * (the ATR skips bar 0; `atr_first_bar: high_low` takes its high - low instead).
 */
export const keltner_breakout = defineStrategy(
  withPerBarColumns({
    name: 'keltner_breakout',
    description:
      'Long on a close above the upper Keltner channel, short below the lower; exit on a close back across the middle EMA.',
    params,
    defaultGrid: { period: [10, 20, 30], multiplier: [1.5, 2, 2.5], atr_period: [10, 14] },
    features: (p) => {
      const k = { period: p.period, multiplier: p.multiplier, atr_period: p.atr_period, first_bar: p.atr_first_bar };
      return [
        { indicator: 'keltner', params: k, output: 'upper' },
        { indicator: 'keltner', params: k, output: 'middle' },
        { indicator: 'keltner', params: k, output: 'lower' },
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
        if (c > upper) direction = 1;
        else if (c < lower) direction = -1;
        else if (direction === 1 && c < middle) direction = 0;
        else if (direction === -1 && c > middle) direction = 0;
        return fixedDecision(direction);
      };
    },
  }),
);
