import { describe, expect, it } from 'vitest';
import { loadSpyBars } from '../../helpers/spy.ts';
import { build, expectNoLookAhead, expectSeries, firstValue, run } from './harness.ts';
import { hlc, sumOf } from './naive.ts';

// Naive ultimate oscillator: buying pressure and true range per bar, each window's sums
// recomputed from scratch.
function naiveUo(bars: ReturnType<typeof loadSpyBars>, s: number, m: number, l: number): number[] {
  const bp = bars.map((b, t) => (t === 0 ? NaN : b.close - Math.min(b.low, bars[t - 1]!.close)));
  const tr = bars.map((b, t) =>
    t === 0 ? NaN : Math.max(b.high, bars[t - 1]!.close) - Math.min(b.low, bars[t - 1]!.close),
  );
  const avg = (t: number, n: number): number => {
    const trSum = sumOf(tr, t - n + 1, t);
    return trSum === 0 ? 0.5 : sumOf(bp, t - n + 1, t) / trSum;
  };
  return bars.map((_, t) => (t < l ? NaN : (100 * (4 * avg(t, s) + 2 * avg(t, m) + avg(t, l))) / 7));
}

const bars = loadSpyBars();

describe('ultimate_oscillator', () => {
  it('hand-worked example: windows 1, 2, 3', () => {
    // BP/TR from bar 1: 1.5/2, 1/2, 0.5/3, 3/3.5
    // @3: A1 = .5/3, A2 = 1.5/5, A3 = 3/7 -> 100·(4/6 + 0.6 + 3/7)/7
    // @4: A1 = 3/3.5, A2 = 3.5/6.5, A3 = 4.5/8.5
    const hand = [hlc(10, 8, 9), hlc(11, 9, 10.5), hlc(12, 10, 11), hlc(12, 9, 9.5), hlc(13, 11, 12.5)];
    const b = build('ultimate_oscillator', { short: 1, medium: 2, long: 3 });
    expect(b.warmup).toBe(4);
    const v = run(b.indicator, hand, 1).values[0]!;
    expect(v.slice(0, 3)).toEqual([NaN, NaN, NaN]);
    expect(v[3]).toBeCloseTo((100 * (4 / 6 + 0.6 + 3 / 7)) / 7, 12);
    expect(v[4]).toBeCloseTo((100 * (4 * (3 / 3.5) + 2 * (3.5 / 6.5) + 4.5 / 8.5)) / 7, 12);
  });

  it('is 50 when nothing moves', () => {
    const flat = Array.from({ length: 5 }, () => hlc(3, 3, 3));
    expect(
      run(build('ultimate_oscillator', { short: 1, medium: 2, long: 3 }).indicator, flat, 1).values[0]!.slice(3),
    ).toEqual([50, 50]);
  });

  it('defaults to 7/14/28 (first value at bar 28) and matches the naive oscillator on every SPY bar', () => {
    const b = build('ultimate_oscillator', {});
    expect(b.warmup).toBe(29);
    const expected = naiveUo(bars, 7, 14, 28);
    expect(firstValue(expected)).toBe(28);
    expectSeries(run(b.indicator, bars, 1), [expected], 28, 1e-9);
  });

  it('matches with other windows (5/10/40)', () => {
    const expected = naiveUo(bars, 5, 10, 40);
    expectSeries(
      run(build('ultimate_oscillator', { short: 5, medium: 10, long: 40 }).indicator, bars, 1),
      [expected],
      40,
      1e-9,
    );
  });

  it('rejects windows out of order', () => {
    expect(() => build('ultimate_oscillator', { short: 14, medium: 7 })).toThrow(/short < medium < long/);
  });

  it('has no look-ahead', () => {
    const make = () => build('ultimate_oscillator', {}).indicator;
    const full = run(make(), bars, 1);
    expectNoLookAhead(make, full, bars, [0, 27, 28, 29, 16_000, bars.length - 1]);
  });
});
