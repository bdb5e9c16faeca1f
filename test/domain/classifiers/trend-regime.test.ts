import { describe, expect, it } from 'vitest';
import { trend_regime } from '../../../src/domain/classifiers/trend-regime.ts';
import { Adx } from '../../../src/domain/indicators/adx.ts';
import { loadSpyBars } from '../../helpers/spy.ts';
import { naiveEma, naiveSma } from '../indicators/naive.ts';
import { runClassifier } from './run-classifier.ts';

/**
 * The label of every bar, recomputed: the MA by its textbook batch form, the slope by
 * indexing that array. ADX comes from the Adx indicator (itself checked against a naive
 * batch computation in test/domain/indicators/adx.test.ts).
 */
function naiveTrendRegime(
  bars: ReturnType<typeof loadSpyBars>,
  p: { period: number; adx_threshold: number; ma: 'sma' | 'ema'; ma_period: number; slope_bars: number },
): { labels: (string | null)[]; flat: boolean[] } {
  const adxInd = new Adx(p.period);
  const adx = bars.map((b) => {
    adxInd.update(b);
    return adxInd.value(0);
  });
  const closes = bars.map((b) => b.close);
  const ma = p.ma === 'sma' ? naiveSma(closes, p.ma_period) : naiveEma(closes, p.ma_period);
  const flat: boolean[] = [];
  const labels = bars.map((_, t) => {
    const then = t - p.slope_bars;
    // A slope within rounding of 0 (an unchanged SMA): the sign depends on summation order.
    flat.push(then >= 0 && Math.abs(ma[t]! - ma[then]!) < 1e-9);
    if (Number.isNaN(adx[t]!) || then < 0 || Number.isNaN(ma[then]!)) return null;
    const slope = ma[t]! - ma[then]!;
    if (adx[t]! < p.adx_threshold) return 'ranging';
    return slope > 0 ? 'trending_up' : slope < 0 ? 'trending_down' : 'ranging';
  });
  return { labels, flat };
}

describe('trend_regime', () => {
  const bars = loadSpyBars(4000);

  it.each([
    { period: 14, adx_threshold: 25, ma: 'ema' as const, ma_period: 50, slope_bars: 5 },
    { period: 10, adx_threshold: 20, ma: 'sma' as const, ma_period: 20, slope_bars: 3 },
    { period: 30, adx_threshold: 30, ma: 'sma' as const, ma_period: 5, slope_bars: 1 },
  ])(
    '$ma($ma_period) slope over $slope_bars bars, ADX($period) ≥ $adx_threshold: equals a recomputation on SPY, warm-up included',
    (p) => {
      const actual = runClassifier('trend_regime', p, bars);
      const { labels: expected, flat } = naiveTrendRegime(bars, p);
      // Where the average did not move (up to rounding), either answer is right.
      const settled = (xs: (string | null)[]) => xs.map((l, t) => (flat[t] && l !== null ? '~' : l));
      expect(settled(actual)).toEqual(settled(expected));
      expect(flat.filter(Boolean).length).toBeLessThan(bars.length / 50);
      expect(actual.findIndex((l) => l !== null)).toBe(Math.max(2 * p.period - 1, p.ma_period - 1 + p.slope_bars));
      expect(new Set(actual.filter((l) => l !== null))).toEqual(new Set(['trending_up', 'trending_down', 'ranging']));
    },
  );

  it('is ranging whenever ADX is below the threshold, whatever the slope', () => {
    const logic = trend_regime.create(trend_regime.params.parse({ slope_bars: 1 }));
    const bar = loadSpyBars(1)[0]!;
    // features: adx, ma
    expect(logic([NaN, 10], bar)).toBeNull();
    expect(logic([30, 11], bar)).toBe('trending_up');
    expect(logic([24.9, 12], bar)).toBe('ranging');
    expect(logic([25, 11], bar)).toBe('trending_down'); // at the threshold counts as trending
    expect(logic([40, 11], bar)).toBe('ranging'); // flat average
  });

  it('validates params', () => {
    expect(trend_regime.params.parse({})).toEqual({
      period: 14,
      adx_threshold: 25,
      ma: 'ema',
      ma_period: 50,
      slope_bars: 5,
    });
    expect(trend_regime.params.safeParse({ ma: 'wma' }).success).toBe(false);
    expect(trend_regime.params.safeParse({ slope_bars: 0 }).success).toBe(false);
  });
});
