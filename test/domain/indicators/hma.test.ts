import { describe, expect, it } from 'vitest';
import { loadSpyBars } from '../../helpers/spy.ts';
import { build, closes, expectNoLookAhead, expectSeries, firstValue, run } from './harness.ts';
import { naiveWma } from './naive.ts';

// Hull's definition written out with the naive WMA: floor(n/2) and floor(sqrt(n)).
function naiveHma(xs: readonly number[], n: number): number[] {
  const half = naiveWma(xs, Math.floor(n / 2));
  const full = naiveWma(xs, n);
  const raw = xs.map((_, t) => 2 * half[t]! - full[t]!);
  return naiveWma(raw, Math.floor(Math.sqrt(n)));
}

const bars = loadSpyBars();
const px = bars.map((b) => b.close);

describe('hma', () => {
  it('hand-worked example: has no lag on a straight line (period 4 on 0, 1, 2, 3, 4, 5)', () => {
    // WMA_n of x_t = t is t - (n-1)/3, so 2·WMA_2 - WMA_4 = 2(t - 1/3) - (t - 1) = t + 1/3,
    // and WMA_2 of that is t + 1/3 - 1/3 = t. First value at 4 + 2 - 2 = 4.
    const b = build('hma', { period: 4 });
    expect(b.warmup).toBe(5);
    const v = run(b.indicator, closes([0, 1, 2, 3, 4, 5]), 1).values[0]!;
    expect(v.slice(0, 4)).toEqual([NaN, NaN, NaN, NaN]);
    expect(v[4]).toBeCloseTo(4, 13);
    expect(v[5]).toBeCloseTo(5, 13);
  });

  it('requires period >= 2', () => {
    expect(() => build('hma', { period: 1 })).toThrow(/period/);
  });

  for (const period of [2, 9, 16, 55]) {
    const first = period + Math.floor(Math.sqrt(period)) - 2;
    it(`matches the naive HMA on every SPY bar (period ${period}, first value at ${first})`, () => {
      const b = build('hma', { period });
      const expected = naiveHma(px, period);
      expect(firstValue(expected)).toBe(first);
      expect(b.warmup).toBe(first + 1);
      expectSeries(run(b.indicator, bars, 1), [expected], first, 1e-10);
    });
  }

  it('has no look-ahead', () => {
    const make = () => build('hma', { period: 9 }).indicator;
    const full = run(make(), bars, 1);
    expectNoLookAhead(make, full, bars, [0, 9, 10, 11, 5000, bars.length - 1]);
  });
});
