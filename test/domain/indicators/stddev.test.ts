import { describe, expect, it } from 'vitest';
import { loadSpyBars } from '../../helpers/spy.ts';
import { build, closes, expectNoLookAhead, expectSeries, firstValue, run } from './harness.ts';

// Naive two-pass standard deviation of every full window.
function naiveStd(xs: readonly number[], p: number, ddof: number): number[] {
  return xs.map((_, t) => {
    if (t < p - 1) return NaN;
    const w = xs.slice(t - p + 1, t + 1);
    const m = w.reduce((a, b) => a + b, 0) / p;
    return Math.sqrt(w.reduce((a, b) => a + (b - m) * (b - m), 0) / (p - ddof));
  });
}

const bars = loadSpyBars();
const px = bars.map((b) => b.close);

describe('stddev', () => {
  it('hand-worked example: period 4 on 2, 4, 4, 4, 5, 5, 7, 9', () => {
    // windows: [2,4,4,4] mean 3.5, M2 3 ; [4,4,4,5] mean 4.25, M2 .75 ;
    // [4,4,5,5] mean 4.5, M2 1 ; [4,5,5,7] mean 5.25, M2 4.75 ; [5,5,7,9] mean 6.5, M2 11
    const v = run(build('stddev', { period: 4 }).indicator, closes([2, 4, 4, 4, 5, 5, 7, 9]), 1).values[0]!;
    const e = [NaN, NaN, NaN, 3 / 4, 0.75 / 4, 1 / 4, 4.75 / 4, 11 / 4].map(Math.sqrt);
    v.forEach((x, i) => (Number.isNaN(e[i]!) ? expect(x).toBeNaN() : expect(x).toBeCloseTo(e[i]!, 12)));
  });

  /**
   * Accuracy bound: 1e-9 relative to σ itself, or 1e-15 of the price level when that is
   * larger (half an ulp of a ~500 price is 5.7e-14: no σ of prices is meaningful below).
   * Returns the first bar violating it, -1 when none.
   */
  function firstInaccurate(got: readonly number[], expected: readonly number[], from: number): number {
    for (let t = from; t < px.length; t++) {
      const e = expected[t]!;
      if (!(Math.abs(got[t]! - e) <= Math.max(1e-9 * e, 1e-15 * px[t]!))) return t;
    }
    return -1;
  }

  for (const [period, ddof] of [
    [2, 0],
    [3, 0],
    [20, 0],
    [20, 1],
    [100, 1],
  ] as const) {
    it(`matches a naive two-pass std on every SPY bar to 1e-9 relative (period ${period}, ddof ${ddof})`, () => {
      const b = build('stddev', { period, ddof });
      const expected = naiveStd(px, period, ddof);
      expect(firstValue(expected)).toBe(period - 1);
      expect(b.warmup).toBe(period);
      const r = run(b.indicator, bars, 1);
      expectSeries(r, [expected], period - 1, 1e-9);
      expect(firstInaccurate(r.values[0]!, expected, period - 1)).toBe(-1);
    });
  }

  it('the accuracy bound has teeth: the textbook sum / sum-of-squares update fails it', () => {
    const p = 20;
    let s1 = 0;
    let s2 = 0;
    const textbook = px.map((x, t) => {
      s1 += x;
      s2 += x * x;
      if (t >= p) {
        s1 -= px[t - p]!;
        s2 -= px[t - p]! ** 2;
      }
      return t < p - 1 ? NaN : Math.sqrt(Math.max(0, (s2 - (s1 * s1) / p) / p));
    });
    expect(firstInaccurate(textbook, naiveStd(px, p, 0), p - 1)).toBeGreaterThanOrEqual(0);
  });

  it('is exactly 0 on a flat window, also between two exact recomputations', () => {
    // Window 3 wraps after bars 2 and 5; bar 4 is the first flat window, mid-cycle, right
    // after a large move (without the equal-run check it shows σ ≈ 4e-9).
    const v = run(build('stddev', { period: 3 }).indicator, closes([0.1, 0.7, 0.3, 0.3, 0.3, 0.3]), 1).values[0]!;
    expect(v.slice(4)).toEqual([0, 0]);
    const w = run(build('stddev', { period: 3 }).indicator, closes([521.37, 517.03, 517.03, 517.03, 517.03]), 1)
      .values[0]!;
    expect(w.slice(3)).toEqual([0, 0]);
  });

  it('defaults ddof to 0 and rejects period <= ddof', () => {
    const pop = run(build('stddev', { period: 2 }).indicator, closes([1, 3]), 1).values[0]!;
    expect(pop[1]).toBe(1);
    const sample = run(build('stddev', { period: 2, ddof: 1 }).indicator, closes([1, 3]), 1).values[0]!;
    expect(sample[1]).toBeCloseTo(Math.SQRT2, 15);
    expect(() => build('stddev', { period: 1, ddof: 1 })).toThrow();
    expect(() => build('stddev', { period: 5, ddof: 2 })).toThrow();
  });

  it('has no look-ahead', () => {
    const make = () => build('stddev', { period: 20 }).indicator;
    const full = run(make(), bars, 1);
    expectNoLookAhead(make, full, bars, [0, 18, 19, 20, 39, 40, 41, bars.length - 1]);
  });
});
