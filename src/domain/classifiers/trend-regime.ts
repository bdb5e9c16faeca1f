import { z } from 'zod';
import type { ClassifierLogic } from './classifier.ts';
import { defineClassifier } from '../define.ts';

const params = z.strictObject({
  period: z.number().int().positive().default(14),
  adx_threshold: z.number().min(0).max(100).default(25),
  ma: z.enum(['sma', 'ema']).default('ema'),
  ma_period: z.number().int().positive().default(50),
  slope_bars: z.number().int().positive().default(5),
});

/**
 * `trend_regime(period=14, adx_threshold=25, ma='ema', ma_period=50, slope_bars=5)`:
 * trending or ranging, and which way. On each bar, with adx the ADX(`period`) and
 * slope = MA_t − MA_{t−slope_bars} of the close's `ma`(`ma_period`):
 *
 * - adx ≥ adx_threshold and slope > 0 → 'trending_up'
 * - adx ≥ adx_threshold and slope < 0 → 'trending_down'
 * - otherwise (weak trend, or a flat average) → 'ranging'
 *
 * The last slope_bars + 1 averages sit in a ring buffer (O(1) per bar). Silent (null)
 * until both exist: the first label is at bar index
 * max(2·period − 1, ma_period − 1 + slope_bars).
 */
export const trend_regime = defineClassifier({
  name: 'trend_regime',
  description:
    'trending_up / trending_down when ADX(period) ≥ adx_threshold, by the sign of the MA slope over slope_bars; ranging otherwise.',
  params,
  labels: ['trending_up', 'trending_down', 'ranging'],
  features: (p) => [
    { indicator: 'adx', params: { period: p.period }, output: 'adx' },
    { indicator: p.ma, params: { period: p.ma_period } },
  ],
  create: (p): ClassifierLogic => {
    const { adx_threshold: threshold } = p;
    const size = p.slope_bars + 1;
    const ring = new Float64Array(size);
    let head = 0; // where the next average goes; once full, also the oldest one
    let count = 0;
    return (features) => {
      const adx = features[0] ?? NaN;
      const ma = features[1] ?? NaN;
      if (!Number.isNaN(ma)) {
        ring[head] = ma;
        head = head + 1 === size ? 0 : head + 1;
        if (count < size) count++;
      }
      if (Number.isNaN(adx) || count < size) return null;
      // The newest average is just before head; the oldest (slope_bars ago) is at head.
      const slope = ma - ring[head]!;
      if (!(adx >= threshold)) return 'ranging';
      return slope > 0 ? 'trending_up' : slope < 0 ? 'trending_down' : 'ranging';
    };
  },
});
