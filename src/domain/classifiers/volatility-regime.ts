import { z } from 'zod';
import type { ClassifierLogic } from './classifier.ts';
import { RollingRank } from './rolling-rank.ts';
import { firstBarParam } from '../indicators/first-bar.ts';
import { defineClassifier } from '../define.ts';

const percent = z.number().min(0).max(100);

const params = z
  .strictObject({
    period: z.number().int().positive().default(14),
    lookback: z.number().int().min(2).default(100),
    low_pct: percent.default(25),
    high_pct: percent.default(75),
    atr_first_bar: firstBarParam,
  })
  .refine((p) => p.low_pct < p.high_pct, { path: ['high_pct'], message: 'high_pct must be greater than low_pct' });

/**
 * `volatility_regime(period=14, lookback=100, low_pct=25, high_pct=75, atr_first_bar=skip)`: how today's
 * volatility compares with the recent past. On each bar, with a the ATR(`period`) and
 * pct its percentile rank among the last `lookback` ATR values, this one included
 * (100 · #values below a / (lookback − 1), see RollingRank):
 *
 * - pct < low_pct → 'low'
 * - pct > high_pct → 'high'
 * - otherwise → 'normal'
 *
 * The rank is kept incrementally: O(log lookback) comparisons and one typed-array shift
 * of at most `lookback` values per bar. Silent (null) until `lookback` ATR values exist:
 * the first label is at bar index period + lookback − 1 (the ATR skips bar 0, see atr;
 * period + lookback − 2 with `atr_first_bar: high_low`).
 */
export const volatility_regime = defineClassifier({
  name: 'volatility_regime',
  description: 'low / normal / high by the percentile rank of ATR(period) among its last `lookback` values.',
  params,
  labels: ['low', 'normal', 'high'],
  features: (p) => [{ indicator: 'atr', params: { period: p.period, first_bar: p.atr_first_bar } }],
  create: (p): ClassifierLogic => {
    const rank = new RollingRank(p.lookback);
    const { low_pct: low, high_pct: high } = p;
    return (features) => {
      const atr = features[0] ?? NaN;
      if (Number.isNaN(atr)) return null;
      rank.push(atr);
      if (!rank.full) return null;
      const pct = rank.percentRank(atr);
      return pct < low ? 'low' : pct > high ? 'high' : 'normal';
    };
  },
});
