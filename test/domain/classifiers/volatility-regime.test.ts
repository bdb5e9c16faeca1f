import { describe, expect, it } from 'vitest';
import { volatility_regime } from '../../../src/domain/classifiers/volatility-regime.ts';
import { RollingRank } from '../../../src/domain/classifiers/rolling-rank.ts';
import { loadSpyBars } from '../../helpers/spy.ts';
import { mulberry32 } from '../../helpers/prng.ts';
import { naiveTr, naiveWilder } from '../indicators/naive.ts';
import { runClassifier } from './run-classifier.ts';

/** The label of every bar, recomputed from scratch: ATR by Wilder's textbook recursion, rank by a full scan. */
function naiveVolatilityRegime(
  bars: ReturnType<typeof loadSpyBars>,
  period: number,
  lookback: number,
  low: number,
  high: number,
  firstBar: 'skip' | 'high_low' = 'skip',
): (string | null)[] {
  const atr = naiveWilder(naiveTr(bars, firstBar), period);
  return atr.map((a, t) => {
    if (t - lookback + 1 < 0 || Number.isNaN(atr[t - lookback + 1]!)) return null;
    const window = atr.slice(t - lookback + 1, t + 1);
    const pct = (100 * window.filter((v) => v < a).length) / (lookback - 1);
    return pct < low ? 'low' : pct > high ? 'high' : 'normal';
  });
}

describe('volatility_regime', () => {
  const bars = loadSpyBars(4000);

  it.each([
    [14, 100, 25, 75],
    [5, 20, 10, 90],
    [20, 3, 40, 60],
  ])(
    'ATR(%i) ranked among its last %i values, thresholds %i and %i: equals a from-scratch computation on SPY, warm-up included',
    (period, lookback, low, high) => {
      const actual = runClassifier('volatility_regime', { period, lookback, low_pct: low, high_pct: high }, bars);
      const expected = naiveVolatilityRegime(bars, period, lookback, low, high);
      expect(actual).toEqual(expected);
      // Silent exactly until `lookback` ATR values exist: first label at period + lookback − 1
      // (the first ATR is at bar `period`, bar 0 having no true range).
      expect(actual.findIndex((l) => l !== null)).toBe(period + lookback - 1);
      expect(new Set(actual.filter((l) => l !== null))).toEqual(new Set(['low', 'normal', 'high']));
    },
  );

  it('atr_first_bar: high_low: bar 0 enters the ATR, the first label is a bar earlier, as the reference says', () => {
    const actual = runClassifier('volatility_regime', { period: 14, lookback: 100, atr_first_bar: 'high_low' }, bars);
    expect(actual).toEqual(naiveVolatilityRegime(bars, 14, 100, 25, 75, 'high_low'));
    expect(actual.findIndex((l) => l !== null)).toBe(14 + 100 - 2);
  });

  it('validates params: defaults, low_pct < high_pct, lookback ≥ 2', () => {
    expect(volatility_regime.params.parse({})).toEqual({
      period: 14,
      lookback: 100,
      low_pct: 25,
      high_pct: 75,
      atr_first_bar: 'skip',
    });
    expect(volatility_regime.params.safeParse({ low_pct: 80 }).success).toBe(false);
    expect(volatility_regime.params.safeParse({ lookback: 1 }).success).toBe(false);
    expect(volatility_regime.params.safeParse({ high_pct: 101 }).success).toBe(false);
  });
});

describe('RollingRank', () => {
  it('ranks like a full scan of the window, with ties, at every step', () => {
    const rnd = mulberry32(7);
    for (const window of [2, 3, 10, 64]) {
      const rank = new RollingRank(window);
      const seen: number[] = [];
      for (let i = 0; i < 2000; i++) {
        // Few distinct values, so ties are common.
        const x = Math.floor(rnd() * 12) / 4;
        rank.push(x);
        seen.push(x);
        const held = seen.slice(-window);
        expect(rank.size).toBe(held.length);
        expect(rank.full).toBe(held.length === window);
        const probe = Math.floor(rnd() * 14) / 4 - 0.25;
        for (const v of [x, probe]) {
          const expected = held.length < 2 ? NaN : (100 * held.filter((h) => h < v).length) / (held.length - 1);
          expect(rank.percentRank(v)).toBe(expected);
        }
      }
    }
  });

  it('refuses a window below 2 and forgets everything on reset', () => {
    expect(() => new RollingRank(1)).toThrow(/window/);
    const r = new RollingRank(3);
    [1, 2, 3].forEach((x) => r.push(x));
    r.reset();
    expect(r.size).toBe(0);
    r.push(5);
    r.push(4);
    expect(r.percentRank(5)).toBe(100);
  });
});
