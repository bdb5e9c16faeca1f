import { describe, expect, it } from 'vitest';
import { loadSpyBars } from '../../helpers/spy.ts';
import { build, expectNoLookAhead, expectSeries, firstValue, run } from './harness.ts';
import { gated, hlc, naiveMax, naiveMin, naiveSma } from './naive.ts';

// Naive slow stochastic: the window's high and low recomputed per bar, then two SMAs.
function naiveStoch(bars: ReturnType<typeof loadSpyBars>, k: number, ks: number, d: number): number[][] {
  const hh = naiveMax(
    bars.map((b) => b.high),
    k,
  );
  const ll = naiveMin(
    bars.map((b) => b.low),
    k,
  );
  const raw = bars.map((b, t) => {
    const range = hh[t]! - ll[t]!;
    return range > 0 ? (100 * (b.close - ll[t]!)) / range : Number.isNaN(range) ? NaN : 50;
  });
  const kLine = naiveSma(raw, ks);
  const dLine = naiveSma(kLine, d);
  return [gated(kLine, dLine), dLine];
}

// Six bars used by the hand-worked examples of stoch and williams_r.
const HAND = [hlc(10, 8, 9), hlc(11, 9, 10.5), hlc(12, 10, 11), hlc(12, 9, 9.5), hlc(13, 11, 12.5), hlc(14, 12, 12)];

const bars = loadSpyBars();

describe('stoch', () => {
  it('hand-worked example: k_period 3, k_smooth 2, d_period 2', () => {
    // raw %K: (11-8)/(12-8) = 75 @2 ; (9.5-9)/(12-9) = 50/3 @3 ; (12.5-9)/(13-9) = 87.5 @4 ; (12-9)/(14-9) = 60 @5
    // %K = SMA2: 275/6 @3, 625/12 @4, 73.75 @5 ; %D = SMA2 of %K: 1175/24 @4, 755/12 @5
    const b = build('stoch', { k_period: 3, k_smooth: 2, d_period: 2 });
    expect(b.outputs).toEqual(['k', 'd']);
    expect(b.warmup).toBe(5);
    const r = run(b.indicator, HAND, 2);
    for (const o of [0, 1]) expect(r.values[o]!.slice(0, 4)).toEqual([NaN, NaN, NaN, NaN]);
    expect(r.values[0]![4]).toBeCloseTo(625 / 12, 12);
    expect(r.values[1]![4]).toBeCloseTo(1175 / 24, 12);
    expect(r.values[0]![5]).toBeCloseTo(73.75, 12);
    expect(r.values[1]![5]).toBeCloseTo(755 / 12, 12);
  });

  it('is 50 on a flat window', () => {
    const flat = Array.from({ length: 5 }, () => hlc(7, 7, 7));
    const r = run(build('stoch', { k_period: 2, k_smooth: 1, d_period: 1 }).indicator, flat, 2);
    expect(r.values[0]!.slice(1)).toEqual([50, 50, 50, 50]);
  });

  it('defaults to the slow 14/3/3 stochastic (first value at bar 17) on every SPY bar', () => {
    const b = build('stoch', {});
    expect(b.warmup).toBe(18);
    const expected = naiveStoch(bars, 14, 3, 3);
    expect(firstValue(expected[1]!)).toBe(17);
    expectSeries(run(b.indicator, bars, 2), expected, 17, 1e-9);
  });

  it('gives the fast stochastic with k_smooth 1 (5/1/3)', () => {
    expectSeries(
      run(build('stoch', { k_period: 5, k_smooth: 1, d_period: 3 }).indicator, bars, 2),
      naiveStoch(bars, 5, 1, 3),
      6,
      1e-9,
    );
  });

  it('has no look-ahead', () => {
    const make = () => build('stoch', {}).indicator;
    const full = run(make(), bars, 2);
    expectNoLookAhead(make, full, bars, [0, 15, 16, 17, 18, 12_345, bars.length - 1]);
  });
});
