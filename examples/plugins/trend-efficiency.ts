/**
 * A strategy plugin: an EMA crossover that only trades when the market trends.
 *
 * Long while EMA(fast) > EMA(slow) and the efficiency ratio of the close over `er_period`
 * bars is at least `min_efficiency`; short while EMA(fast) < EMA(slow) under the same
 * condition; flat while the ratio is below it (a choppy market, where crossovers whipsaw).
 * It reads its three features from the shared feature hub: two built-in EMAs and the
 * `efficiency_ratio` indicator of the plugin beside it, each computed once per bar however
 * many strategies of a sweep read them. `withPerBarColumns` lets the fused columnar engine
 * run it (its own logic, bar after bar over a chunk; docs/extending.md).
 */
import { defineStrategy, withPerBarColumns, z } from 'sluice';

const params = z
  .strictObject({
    fast_period: z.number().int().positive().default(12),
    slow_period: z.number().int().positive().default(48),
    er_period: z.number().int().positive().default(20),
    min_efficiency: z.number().min(0).max(1).default(0.3),
  })
  .refine((p) => p.fast_period < p.slow_period, { path: ['slow_period'], message: 'slow_period must be greater than fast_period' });

export const trendEfficiency = defineStrategy(
  withPerBarColumns({
    name: 'trend_efficiency',
    description: 'EMA crossover that holds a position only while the efficiency ratio says the market trends.',
    params,
    defaultGrid: { fast_period: [8, 12, 20], slow_period: [48, 96], min_efficiency: [0.2, 0.3, 0.4] },
    features: (p) => [
      { indicator: 'ema', params: { period: p.fast_period } },
      { indicator: 'ema', params: { period: p.slow_period } },
      { indicator: 'efficiency_ratio', params: { period: p.er_period } },
    ],
    create: (p) => (features) => {
      const fast = features[0]!;
      const slow = features[1]!;
      const er = features[2]!;
      if (Number.isNaN(fast) || Number.isNaN(slow) || Number.isNaN(er)) return null;
      if (er < p.min_efficiency || fast === slow) return { direction: 0, strength: 0 };
      const direction = fast > slow ? 1 : -1;
      return { direction, strength: direction * Math.min(1, er) };
    },
  }),
);
