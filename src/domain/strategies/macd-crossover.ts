import { z } from 'zod';
import { DecisionBuffer } from './decision.ts';
import type { StrategyLogic } from './strategy.ts';
import { CrossDirection, TRIGGER_PARAM } from './crossover-internals.ts';
import { defineStrategy } from '../define.ts';
import { withPerBarColumns } from './per-bar-columns.ts';

const params = z
  .strictObject({
    fast: z.number().int().positive().default(12),
    slow: z.number().int().positive().default(26),
    signal: z.number().int().positive().default(9),
    trigger: TRIGGER_PARAM,
  })
  .refine((p) => p.fast < p.slow, { path: ['slow'], message: 'slow must be greater than fast' });

/**
 * `macd_crossover(fast=12, slow=26, signal=9)`: long while the MACD histogram of the
 * close (line - signal) is above 0, short while below, unchanged at exactly 0 (flat
 * before any non-zero value); with `trigger: cross`, flat until the MACD line first crosses
 * its signal line, then the side of the last cross. Strength is the histogram in percent of the close, clamped
 * to [-1, 1], at least MIN_STRENGTH in magnitude when not flat. Silent (null) for the
 * first slow + signal - 2 bars.
 *
 * The returned decision object is reused: valid until the next call.
 */
export const macd_crossover = defineStrategy(
  withPerBarColumns({
    name: 'macd_crossover',
    description: 'Long while the MACD line is above its signal line (histogram > 0), short while below.',
    params,
    defaultGrid: { fast: [8, 12, 16], slow: [21, 26, 34], signal: [5, 9, 12] },
    features: (p) => [
      { indicator: 'macd', params: { fast: p.fast, slow: p.slow, signal: p.signal }, output: 'histogram' },
    ],
    create: (p): StrategyLogic => {
      const cross = new CrossDirection(p.trigger ?? 'state');
      const out = new DecisionBuffer();
      return (features, bar) => {
        const hist = features[0] ?? NaN;
        if (Number.isNaN(hist)) return null;
        return out.set(cross.update(hist), (hist / bar.close) * 100);
      };
    },
  }),
);
