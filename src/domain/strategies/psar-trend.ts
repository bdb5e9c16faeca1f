import { z } from 'zod';
import type { Direction } from '../../events/index.ts';
import { fixedDecision } from './decision.ts';
import type { StrategyLogic } from './strategy.ts';
import { defineStrategy } from '../define.ts';
import { withPerBarColumns } from './per-bar-columns.ts';

const params = z
  .strictObject({
    step: z.number().positive().default(0.02),
    max: z.number().positive().default(0.2),
  })
  .refine((p) => p.step <= p.max, { path: ['max'], message: 'max must be at least step' });

/**
 * `psar_trend(step=0.02, max=0.2)`: trend following on Wilder's parabolic SAR
 * (acceleration `step` up to `max`). On each bar, with sar the stop in force during the
 * bar (the `psar` indicator's value, which already reflects a reversal on this bar):
 *
 * 1. close > sar → long (1);
 * 2. close < sar → short (-1);
 * 3. close = sar → hold the current direction (flat at the start).
 *
 * Strength is ±1 (0 flat). Silent (null) on the first bar (the SAR starts on the second).
 */
export const psar_trend = defineStrategy(
  withPerBarColumns({
    name: 'psar_trend',
    description: 'Long while the close is above the parabolic SAR, short while below.',
    params,
    defaultGrid: { step: [0.01, 0.02, 0.03], max: [0.1, 0.2, 0.3] },
    features: (p) => [{ indicator: 'psar', params: { step: p.step, max: p.max } }],
    create: (): StrategyLogic => {
      let direction: Direction = 0;
      return (features, bar) => {
        const sar = features[0] ?? NaN;
        if (Number.isNaN(sar)) return null;
        if (bar.close > sar) direction = 1;
        else if (bar.close < sar) direction = -1;
        return fixedDecision(direction);
      };
    },
  }),
);
