import { describe, expect, it } from 'vitest';
import { loadSpyBars } from '../../helpers/spy.ts';
import { build, closes, expectNoLookAhead, expectSeries, firstValue, run } from './harness.ts';
import { gated, naiveRsi, naiveSma } from './naive.ts';

// Naive stochastic RSI: RSI, then its window's max and min recomputed per bar, then SMAs.
function naiveStochRsi(xs: readonly number[], rp: number, sp: number, ks: number, dp: number): number[][] {
  const rsi = naiveRsi(xs, rp);
  const raw = rsi.map((r, t) => {
    if (t - sp + 1 < rp) return NaN;
    const w = rsi.slice(t - sp + 1, t + 1);
    const hi = Math.max(...w);
    const lo = Math.min(...w);
    return hi > lo ? (100 * (r - lo)) / (hi - lo) : 50;
  });
  const k = naiveSma(raw, ks);
  const d = naiveSma(k, dp);
  return [gated(k, d), d];
}

const bars = loadSpyBars();
const px = bars.map((b) => b.close);

describe('stoch_rsi', () => {
  it('hand-worked example: rsi 2, stoch 2, k_smooth 1, d_period 2', () => {
    // closes 10, 11, 10.5, 11.5, 12, 11 ; changes +1, -.5, +1, +.5, -1
    // RSI2: @2 gains .5, losses .25 -> 200/3 ; @3 g (.5+1)/2 = .75, l .125 -> RS 6 -> 600/7 ;
    //       @4 g (.75+.5)/2 = .625, l .0625 -> RS 10 -> 1000/11 ; @5 g .3125, l (.0625+1)/2 = .53125 -> RS 10/17 -> 1000/27
    // raw (window 2): @3 RSI rose -> 100 ; @4 rose -> 100 ; @5 fell -> 0 ; k = raw ; d = SMA2: 100 @4, 50 @5
    const b = build('stoch_rsi', { rsi_period: 2, stoch_period: 2, k_smooth: 1, d_period: 2 });
    expect(b.warmup).toBe(5);
    const r = run(b.indicator, closes([10, 11, 10.5, 11.5, 12, 11]), 2);
    expect(r.values[0]!.slice(0, 4)).toEqual([NaN, NaN, NaN, NaN]);
    expect(r.values[1]!.slice(0, 4)).toEqual([NaN, NaN, NaN, NaN]);
    expect(r.values[0]![4]).toBeCloseTo(100, 12);
    expect(r.values[0]![5]).toBeCloseTo(0, 12);
    expect(r.values[1]![4]).toBeCloseTo(100, 12);
    expect(r.values[1]![5]).toBeCloseTo(50, 12);
  });

  it('defaults to 14/14/3/3 (first value at bar 31) and matches the naive stochastic RSI on every SPY bar', () => {
    const b = build('stoch_rsi', {});
    expect(b.outputs).toEqual(['k', 'd']);
    expect(b.warmup).toBe(32);
    const expected = naiveStochRsi(px, 14, 14, 3, 3);
    expect(firstValue(expected[1]!)).toBe(31);
    expectSeries(run(b.indicator, bars, 2), expected, 31, 1e-8);
  });

  it('matches with other params (7/21/1/5)', () => {
    const expected = naiveStochRsi(px, 7, 21, 1, 5);
    expectSeries(
      run(build('stoch_rsi', { rsi_period: 7, stoch_period: 21, k_smooth: 1, d_period: 5 }).indicator, bars, 2),
      expected,
      31,
      1e-8,
    );
  });

  it('has no look-ahead', () => {
    const make = () => build('stoch_rsi', {}).indicator;
    const full = run(make(), bars, 2);
    expectNoLookAhead(make, full, bars, [0, 14, 30, 31, 32, 15_000, bars.length - 1]);
  });
});
