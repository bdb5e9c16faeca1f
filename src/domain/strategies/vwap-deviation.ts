import { z } from 'zod';
import type { Direction } from '../../events/index.ts';
import { fixedDecision } from './decision.ts';
import { bandReversion } from './reversion-internals.ts';
import type { StrategyLogic } from './strategy.ts';
import { defineStrategy } from '../define.ts';
import { withPerBarColumns } from './per-bar-columns.ts';

const params = z.strictObject({
  session_start: z.number().int().min(0).max(1439).default(0),
  threshold: z.number().positive().default(1),
});

/**
 * `vwap_deviation(session_start=0, threshold=1)`: mean reversion to the session VWAP
 * (Σ tp·volume / Σ volume since the session start, tp = (h + l + c)/3; sessions start
 * `session_start` minutes past 00:00 UTC). With d = 100·(close - vwap)/vwap, the
 * deviation in percent, the first matching rule sets the target:
 *
 * 1. d < -threshold → long (1);
 * 2. d > threshold → short (-1);
 * 3. long and d >= 0 (close back at or above the VWAP) → flat (0);
 * 4. short and d <= 0 → flat (0);
 * 5. otherwise hold (flat at the start).
 *
 * Positions are not closed at a session change; the new session's VWAP simply starts
 * over. Strength is ±1 (0 flat). The VWAP exists from the first bar, so there is no
 * warm-up: the strategy decides from bar 0.
 */
export const vwap_deviation = defineStrategy(
  withPerBarColumns({
    name: 'vwap_deviation',
    description:
      'Long when the close is more than threshold % below the session VWAP, short above; exit back at the VWAP.',
    params,
    defaultGrid: { threshold: [0.25, 0.5, 1, 1.5, 2] },
    features: (p) => [{ indicator: 'vwap', params: { session_start: p.session_start } }],
    create: (p): StrategyLogic => {
      const { threshold } = p;
      let direction: Direction = 0;
      return (features, bar) => {
        const vwap = features[0] ?? NaN;
        if (Number.isNaN(vwap)) return null;
        const d = (100 * (bar.close - vwap)) / vwap;
        direction = bandReversion(direction, d, -threshold, 0, threshold);
        return fixedDecision(direction);
      };
    },
  }),
);
