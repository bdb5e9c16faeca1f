import { describe, expect, it } from 'vitest';
import { loadSpyBars } from '../../helpers/spy.ts';
import { build, closes, expectNoLookAhead, expectSeries, firstValue, run } from './harness.ts';

// Naive SMA-seeded EMA of a series that may start with NaNs: seeded from the first p
// defined values.
function naiveEma(xs: readonly number[], p: number): number[] {
  const out = xs.map(() => NaN);
  const start = firstValue(xs);
  if (start < 0 || xs.length - start < p) return out;
  let e = xs.slice(start, start + p).reduce((a, b) => a + b, 0) / p;
  out[start + p - 1] = e;
  for (let t = start + p; t < xs.length; t++) {
    e += (2 / (p + 1)) * (xs[t]! - e);
    out[t] = e;
  }
  return out;
}

function naiveMacd(xs: readonly number[], fast: number, slow: number, signal: number): number[][] {
  const f = naiveEma(xs, fast);
  const s = naiveEma(xs, slow);
  const line = xs.map((_, t) => f[t]! - s[t]!);
  const sig = naiveEma(line, signal);
  // The indicator shows nothing until the signal exists.
  return [line.map((l, t) => (Number.isNaN(sig[t]!) ? NaN : l)), sig, line.map((l, t) => l - sig[t]!)];
}

const bars = loadSpyBars();
const px = bars.map((b) => b.close);

describe('macd', () => {
  it('hand-worked example: fast 2, slow 3, signal 2', () => {
    // closes 1, 2, 4, 8, 16
    // EMA2 (alpha 2/3): seed 3/2 @1 ; 3/2 + 2/3(4 - 3/2) = 19/6 @2 ; 19/6 + 2/3(8 - 19/6) = 115/18 @3 ;
    //                   115/18 + 2/3(16 - 115/18) = 691/54 @4
    // EMA3 (alpha 1/2): seed 7/3 @2 ; 7/3 + 1/2(8 - 7/3) = 31/6 @3 ; 31/6 + 1/2(16 - 31/6) = 127/12 @4
    // line: 19/6 - 7/3 = 5/6 @2 ; 115/18 - 31/6 = 11/9 @3 ; 691/54 - 127/12 = 239/108 @4
    // signal EMA2: seed (5/6 + 11/9)/2 = 37/36 @3 ; 37/36 + 2/3(239/108 - 37/36) = 589/324 @4
    const b = build('macd', { fast: 2, slow: 3, signal: 2 });
    expect(b.warmup).toBe(4);
    const r = run(b.indicator, closes([1, 2, 4, 8, 16]), 3);
    for (const o of [0, 1, 2]) expect(r.values[o]!.slice(0, 3)).toEqual([NaN, NaN, NaN]);
    expect(r.values[0]![3]).toBeCloseTo(11 / 9, 13);
    expect(r.values[1]![3]).toBeCloseTo(37 / 36, 13);
    expect(r.values[2]![3]).toBeCloseTo(7 / 36, 13);
    expect(r.values[0]![4]).toBeCloseTo(239 / 108, 13);
    expect(r.values[1]![4]).toBeCloseTo(589 / 324, 13);
    expect(r.values[2]![4]).toBeCloseTo(32 / 81, 13);
  });

  it('defaults to 12/26/9, ready at bar 33, matching a naive batch MACD on every SPY bar', () => {
    const b = build('macd', {});
    expect(b.outputs).toEqual(['line', 'signal', 'histogram']);
    expect(b.warmup).toBe(34);
    const expected = naiveMacd(px, 12, 26, 9);
    expect(firstValue(expected[1]!)).toBe(33);
    // Absolute tolerance: MACD values are differences of ~500 prices, so 1e-9 of the
    // price level is the meaningful precision.
    expectSeries(run(b.indicator, bars, 3), expected, 33, 1e-9);
  });

  it('matches a naive batch MACD with other periods (5/35/5)', () => {
    expectSeries(run(build('macd', { fast: 5, slow: 35, signal: 5 }).indicator, bars, 3), naiveMacd(px, 5, 35, 5), 38);
  });

  it('rejects fast >= slow', () => {
    expect(() => build('macd', { fast: 26, slow: 26 })).toThrow(/slow must be greater than fast/);
  });

  it('has no look-ahead', () => {
    const make = () => build('macd', {}).indicator;
    const full = run(make(), bars, 3);
    expectNoLookAhead(make, full, bars, [0, 25, 32, 33, 34, 4321, bars.length - 1]);
  });
});
