import { z } from 'zod';
import type { Direction } from '../../events/index.ts';
import { DecisionBuffer } from './decision.ts';
import type { StrategyLogic } from './strategy.ts';
import { defineStrategy } from '../define.ts';
import { withPerBarColumns } from './per-bar-columns.ts';

const params = z.strictObject({
  period: z.number().int().positive().default(25),
  threshold: z.number().min(0).lt(100).default(50),
});

/**
 * `aroon_trend(period=25, threshold=50)`: trend following on the Aroon oscillator
 * osc = up - down in [-100, 100] (up/down = 100·(period - bars since the highest high /
 * lowest low)/period over the last period + 1 bars). On each bar:
 *
 * 1. osc > threshold → long (1);
 * 2. osc < -threshold → short (-1);
 * 3. otherwise (|osc| <= threshold: no clear trend) → flat (0).
 *
 * Strength is osc/100 (so in [-1, 1], sign matching; 0 flat). Silent (null) for the
 * first `period` bars.
 *
 * The returned decision object is reused: valid until the next call.
 */
export const aroon_trend = defineStrategy(
  withPerBarColumns({
    name: 'aroon_trend',
    description: 'Long while the Aroon oscillator is above +threshold, short below -threshold, flat in between.',
    params,
    defaultGrid: { period: [14, 25, 50], threshold: [30, 50, 70] },
    features: (p) => [{ indicator: 'aroon', params: { period: p.period }, output: 'oscillator' }],
    create: (p): StrategyLogic => {
      const { threshold } = p;
      const out = new DecisionBuffer();
      return (features) => {
        const osc = features[0] ?? NaN;
        if (Number.isNaN(osc)) return null;
        const direction: Direction = osc > threshold ? 1 : osc < -threshold ? -1 : 0;
        return out.set(direction, osc / 100);
      };
    },
  }),
);
