import { describe, expect, it } from 'vitest';
import { loadSpyBars } from '../../helpers/spy.ts';
import { build, closes, expectNoLookAhead, expectSeries, firstValue, run } from './harness.ts';

function naiveRoc(xs: readonly number[], p: number): number[] {
  return xs.map((x, t) => (t < p ? NaN : (100 * (x - xs[t - p]!)) / xs[t - p]!));
}

const bars = loadSpyBars();
const px = bars.map((b) => b.close);

describe('roc', () => {
  it('hand-worked example: period 2 on 100, 110, 121, 99', () => {
    const b = build('roc', { period: 2 });
    expect(b.warmup).toBe(3);
    const v = run(b.indicator, closes([100, 110, 121, 99]), 1).values[0]!;
    expect(v.slice(0, 2)).toEqual([NaN, NaN]);
    expect(v[2]).toBeCloseTo(21, 12);
    expect(v[3]).toBeCloseTo(-10, 12);
  });

  for (const period of [1, 12, 78]) {
    it(`matches the naive formula on every SPY bar (period ${period})`, () => {
      const expected = naiveRoc(px, period);
      expect(firstValue(expected)).toBe(period);
      expectSeries(run(build('roc', { period }).indicator, bars, 1), [expected], period, 1e-12);
    });
  }

  it('has no look-ahead', () => {
    const make = () => build('roc', { period: 12 }).indicator;
    const full = run(make(), bars, 1);
    expectNoLookAhead(make, full, bars, [0, 11, 12, 13, bars.length - 1]);
  });
});
