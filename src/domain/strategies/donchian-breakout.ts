import { z } from 'zod';
import type { Direction } from '../../events/index.ts';
import { fixedDecision } from './decision.ts';
import type { StrategyLogic } from './strategy.ts';
import { defineStrategy } from '../define.ts';
import { withPerBarColumns } from './per-bar-columns.ts';

const params = z.strictObject({
  period: z.number().int().positive().default(20),
  exit_period: z.number().int().positive().default(10),
});

/**
 * `donchian_breakout(period=20, exit_period=10)`: channel breakout, turtle style.
 *
 * A Donchian channel includes the current bar, so a close can never exceed its own bar's
 * upper band; the rules therefore compare the close with the PREVIOUS bar's channels
 * (entry channel over `period` bars, exit channel over `exit_period` bars). On each bar
 * the first matching rule sets the target:
 *
 * 1. close > previous upper(period) → long (1);
 * 2. close < previous lower(period) → short (-1);
 * 3. long and close < previous lower(exit_period) → flat (0);
 * 4. short and close > previous upper(exit_period) → flat (0);
 * 5. otherwise hold (flat at the start).
 *
 * Strength is ±1 (0 flat). Silent (null) until both channels existed on the previous
 * bar, i.e. for the first max(period, exit_period) bars.
 */
export const donchian_breakout = defineStrategy(
  withPerBarColumns({
    name: 'donchian_breakout',
    description:
      "Long on a close above the previous bar's highest high, short below its lowest low; exit on the shorter channel.",
    params,
    defaultGrid: { period: [20, 40, 55], exit_period: [10, 20] },
    features: (p) => [
      { indicator: 'donchian', params: { period: p.period }, output: 'upper' },
      { indicator: 'donchian', params: { period: p.period }, output: 'lower' },
      { indicator: 'donchian', params: { period: p.exit_period }, output: 'upper' },
      { indicator: 'donchian', params: { period: p.exit_period }, output: 'lower' },
    ],
    create: (): StrategyLogic => {
      let direction: Direction = 0;
      // The previous bar's channels; NaN until all four existed.
      let prevUpper = NaN;
      let prevLower = NaN;
      let prevExitUpper = NaN;
      let prevExitLower = NaN;
      return (features, bar) => {
        const upper = features[0] ?? NaN;
        const lower = features[1] ?? NaN;
        const exitUpper = features[2] ?? NaN;
        const exitLower = features[3] ?? NaN;
        if (Number.isNaN(upper) || Number.isNaN(lower) || Number.isNaN(exitUpper) || Number.isNaN(exitLower)) {
          return null;
        }
        const hadPrevious = !Number.isNaN(prevUpper);
        if (hadPrevious) {
          const c = bar.close;
          if (c > prevUpper) direction = 1;
          else if (c < prevLower) direction = -1;
          else if (direction === 1 && c < prevExitLower) direction = 0;
          else if (direction === -1 && c > prevExitUpper) direction = 0;
        }
        prevUpper = upper;
        prevLower = lower;
        prevExitUpper = exitUpper;
        prevExitLower = exitLower;
        return hadPrevious ? fixedDecision(direction) : null;
      };
    },
  }),
);
