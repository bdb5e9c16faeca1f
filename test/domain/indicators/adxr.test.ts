import { describe, expect, it } from 'vitest';
import { loadSpyBars } from '../../helpers/spy.ts';
import { build, expectNoLookAhead, expectSeries, firstValue, run } from './harness.ts';
import { naiveAdx } from './naive.ts';

// Wilder's ADXR over the whole series: (ADX_t + ADX_{t-lag}) / 2, NaN until both exist.
function naiveAdxr(bars: ReturnType<typeof loadSpyBars>, n: number, lag: number): number[] {
  const adx = naiveAdx(bars, n)[0]!;
  return adx.map((a, t) => (t - lag < 0 ? NaN : (a + adx[t - lag]!) / 2));
}

const bars = loadSpyBars();

describe('adxr', () => {
  it('defaults to period 14, lag 13: first value at bar 3·14 - 2 = 40 (TA-Lib lookback), matching the reference on every SPY bar', () => {
    const b = build('adxr', {});
    expect(b.warmup).toBe(41);
    const expected = naiveAdxr(bars, 14, 13);
    expect(firstValue(expected)).toBe(40);
    expectSeries(run(b.indicator, bars, 1), [expected], 40, 1e-9);
  });

  it('lag = period reproduces backtrader (first value at bar 3·period - 1)', () => {
    const b = build('adxr', { period: 14, lag: 14 });
    expect(b.warmup).toBe(42);
    expectSeries(run(b.indicator, bars, 1), [naiveAdxr(bars, 14, 14)], 41, 1e-9);
  });

  for (const [period, lag] of [
    [5, 4],
    [2, 1],
    [3, 0],
    [20, 7],
  ] as const) {
    it(`matches the reference with period ${period}, lag ${lag}`, () => {
      const b = build('adxr', { period, lag });
      expect(b.warmup).toBe(2 * period + lag);
      expectSeries(run(b.indicator, bars, 1), [naiveAdxr(bars, period, lag)], 2 * period - 1 + lag, 1e-9);
    });
  }

  it('lag 0 is the ADX itself', () => {
    const adxr = run(build('adxr', { period: 7, lag: 0 }).indicator, bars, 1).values[0]!;
    const adx = run(build('adx', { period: 7 }).indicator, bars, 1).values[0]!;
    expect(adxr).toEqual(adx);
  });

  it('rejects a negative or fractional lag', () => {
    expect(() => build('adxr', { lag: -1 })).toThrow();
    expect(() => build('adxr', { lag: 1.5 })).toThrow();
  });

  it('has no look-ahead', () => {
    const make = () => build('adxr', {}).indicator;
    const full = run(make(), bars, 1);
    expectNoLookAhead(make, full, bars, [0, 39, 40, 41, 7777, bars.length - 1]);
  });
});
