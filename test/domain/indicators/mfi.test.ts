import { describe, expect, it } from 'vitest';
import { loadSpyBars } from '../../helpers/spy.ts';
import { build, expectNoLookAhead, expectSeries, firstValue, run } from './harness.ts';
import { hlc } from './naive.ts';

// Naive MFI: the window's positive and negative money flows summed from scratch per bar.
function naiveMfi(bars: ReturnType<typeof loadSpyBars>, p: number): number[] {
  const tp = bars.map((b) => (b.high + b.low + b.close) / 3);
  return bars.map((_, t) => {
    if (t < p) return NaN;
    let pos = 0;
    let neg = 0;
    for (let i = t - p + 1; i <= t; i++) {
      const flow = tp[i]! * bars[i]!.volume;
      if (tp[i]! > tp[i - 1]!) pos += flow;
      else if (tp[i]! < tp[i - 1]!) neg += flow;
    }
    return neg === 0 ? (pos === 0 ? 50 : 100) : (100 * pos) / (pos + neg);
  });
}

const bars = loadSpyBars();

describe('mfi', () => {
  it('hand-worked example: period 2 (h = l = c)', () => {
    // closes 10 11 10 10 12, volumes 1 2 3 4 5 -> flows +22, -30, 0, +60
    // @2: 100 - 100/(1 + 22/30) = 2200/52 ; @3: pos 0, neg 30 -> 0 ; @4: pos 60, neg 0 -> 100
    const hand = [hlc(10, 10, 10, 1), hlc(11, 11, 11, 2), hlc(10, 10, 10, 3), hlc(10, 10, 10, 4), hlc(12, 12, 12, 5)];
    const b = build('mfi', { period: 2 });
    expect(b.warmup).toBe(3);
    const v = run(b.indicator, hand, 1).values[0]!;
    expect(v.slice(0, 2)).toEqual([NaN, NaN]);
    expect(v[2]).toBeCloseTo(2200 / 52, 12);
    expect(v.slice(3)).toEqual([0, 100]);
  });

  it('is 50 without any flow, also once earlier flows have left the window', () => {
    const flat = Array.from({ length: 4 }, () => hlc(5, 5, 5, 10));
    expect(run(build('mfi', { period: 2 }).indicator, flat, 1).values[0]!.slice(2)).toEqual([50, 50]);
    // Period 3, negative flows a and b then none: a running sum would hold (a + b) - a - b
    // = 2.4e-7 once both have left (MFI 0 instead of 50); the window must read exactly 0.
    const fading = [
      hlc(500.13, 500.13, 500.13, 1e6),
      hlc(499.97, 499.97, 499.97, 3.3e6),
      hlc(499.91, 499.91, 499.91, 1234567),
      hlc(499.91, 499.91, 499.91, 2e6),
      hlc(499.91, 499.91, 499.91, 2e6),
      hlc(499.91, 499.91, 499.91, 2e6),
    ];
    expect(run(build('mfi', { period: 3 }).indicator, fading, 1).values[0]![5]).toBe(50);
  });

  it('defaults to period 14 (first value at bar 14) and matches the naive MFI on every SPY bar', () => {
    const b = build('mfi', {});
    expect(b.warmup).toBe(15);
    const expected = naiveMfi(bars, 14);
    expect(firstValue(expected)).toBe(14);
    expectSeries(run(b.indicator, bars, 1), [expected], 14, 1e-9);
  });

  for (const period of [1, 5, 50]) {
    it(`matches with period ${period}`, () => {
      expectSeries(run(build('mfi', { period }).indicator, bars, 1), [naiveMfi(bars, period)], period, 1e-9);
    });
  }

  it('has no look-ahead', () => {
    const make = () => build('mfi', {}).indicator;
    const full = run(make(), bars, 1);
    expectNoLookAhead(make, full, bars, [0, 13, 14, 15, 10_101, bars.length - 1]);
  });
});
