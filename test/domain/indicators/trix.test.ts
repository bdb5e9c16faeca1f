import { describe, expect, it } from 'vitest';
import { loadSpyBars } from '../../helpers/spy.ts';
import { build, closes, expectNoLookAhead, expectSeries, firstValue, run } from './harness.ts';
import { naiveEma } from './naive.ts';

function naiveTrix(xs: readonly number[], p: number): number[] {
  const e3 = naiveEma(naiveEma(naiveEma(xs, p), p), p);
  return xs.map((_, t) => (t === 0 ? NaN : (100 * (e3[t]! - e3[t - 1]!)) / e3[t - 1]!));
}

const bars = loadSpyBars();
const px = bars.map((b) => b.close);

describe('trix', () => {
  it('hand-worked example: period 2 on 1, 2, 4, 8, 16', () => {
    // E3 = 199/54 @3, 3905/486 @4 (see the tema example) -> TRIX @4 = 100·(3905/486 - 1791/486)/(1791/486)
    const b = build('trix', { period: 2 });
    expect(b.warmup).toBe(5);
    const v = run(b.indicator, closes([1, 2, 4, 8, 16]), 1).values[0]!;
    expect(v.slice(0, 4)).toEqual([NaN, NaN, NaN, NaN]);
    expect(v[4]).toBeCloseTo((100 * 2114) / 1791, 12);
  });

  for (const period of [1, 15, 30]) {
    it(`matches the naive 1-bar ROC of a triple EMA on every SPY bar (period ${period})`, () => {
      const b = build('trix', { period });
      const expected = naiveTrix(px, period);
      expect(firstValue(expected)).toBe(3 * period - 2);
      expect(b.warmup).toBe(3 * period - 1);
      // TRIX is a small percentage of a difference of ~500 prices: compare absolutely.
      expectSeries(run(b.indicator, bars, 1), [expected], 3 * period - 2, 1e-9);
    });
  }

  it('defaults to period 15', () => {
    expect(build('trix', {}).warmup).toBe(44);
  });

  it('has no look-ahead', () => {
    const make = () => build('trix', {}).indicator;
    const full = run(make(), bars, 1);
    expectNoLookAhead(make, full, bars, [0, 42, 43, 44, 8000, bars.length - 1]);
  });
});
