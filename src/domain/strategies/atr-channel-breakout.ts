import { z } from 'zod';
import type { Direction } from '../../events/index.ts';
import { firstBarParam } from '../indicators/first-bar.ts';
import { fixedDecision } from './decision.ts';
import type { StrategyLogic } from './strategy.ts';
import { defineStrategy } from '../define.ts';
import { withPerBarColumns } from './per-bar-columns.ts';

const params = z.strictObject({
  period: z.number().int().positive().default(20),
  atr_period: z.number().int().positive().default(14),
  multiplier: z.number().positive().default(2),
  atr_first_bar: firstBarParam,
});

/**
 * `atr_channel_breakout(period=20, atr_period=14, multiplier=2, atr_first_bar=skip)`: volatility breakout.
 * The channel of bar t is mid_t = SMA(close, period), upper_t/lower_t = mid_t ±
 * multiplier·ATR(atr_period) (Wilder's ATR). The close is compared with the PREVIOUS
 * bar's channel (the current one already contains the close); the first matching rule
 * sets the target:
 *
 * 1. close > upper_{t-1} → long (1);
 * 2. close < lower_{t-1} → short (-1);
 * 3. long and close < mid_{t-1} → flat (0);
 * 4. short and close > mid_{t-1} → flat (0);
 * 5. otherwise hold (flat at the start).
 *
 * Strength is ±1 (0 flat). Silent (null) until the channel existed on the previous bar,
 * i.e. for the first max(period, atr_period + 1) bars (the ATR skips bar 0;
 * `atr_first_bar: high_low` takes its high - low instead).
 */
export const atr_channel_breakout = defineStrategy(
  withPerBarColumns({
    name: 'atr_channel_breakout',
    description:
      "Long on a close above the previous bar's SMA + k·ATR, short below SMA - k·ATR; exit back across the SMA.",
    params,
    defaultGrid: { period: [10, 20, 50], atr_period: [10, 14], multiplier: [1, 1.5, 2, 2.5, 3] },
    features: (p) => [
      { indicator: 'sma', params: { period: p.period } },
      { indicator: 'atr', params: { period: p.atr_period, first_bar: p.atr_first_bar } },
    ],
    create: (p): StrategyLogic => {
      const { multiplier } = p;
      let direction: Direction = 0;
      // The previous bar's channel; NaN until it existed.
      let prevMid = NaN;
      let prevOffset = NaN;
      return (features, bar) => {
        const mid = features[0] ?? NaN;
        const atr = features[1] ?? NaN;
        if (Number.isNaN(mid) || Number.isNaN(atr)) return null;
        const hadPrevious = !Number.isNaN(prevMid);
        if (hadPrevious) {
          const c = bar.close;
          if (c > prevMid + prevOffset) direction = 1;
          else if (c < prevMid - prevOffset) direction = -1;
          else if (direction === 1 && c < prevMid) direction = 0;
          else if (direction === -1 && c > prevMid) direction = 0;
        }
        prevMid = mid;
        prevOffset = multiplier * atr;
        return hadPrevious ? fixedDecision(direction) : null;
      };
    },
  }),
);
