import { describe, expect, it } from 'vitest';
import { loadSpyBars } from '../../helpers/spy.ts';
import { build, closes, expectNoLookAhead, expectSeries, run } from './harness.ts';

const bars = loadSpyBars();
const px = bars.map((b) => b.close);

describe('momentum', () => {
  it('hand-worked example: period 2 on 1, 2, 4, 8', () => {
    const b = build('momentum', { period: 2 });
    expect(b.warmup).toBe(3);
    expect(run(b.indicator, closes([1, 2, 4, 8]), 1).values[0]).toEqual([NaN, NaN, 3, 6]);
  });

  for (const period of [1, 10, 37]) {
    it(`is x[t] - x[t - ${period}] on every SPY bar`, () => {
      const expected = px.map((x, t) => (t < period ? NaN : x - px[t - period]!));
      const b = build('momentum', period === 10 ? {} : { period });
      expect(b.warmup).toBe(period + 1);
      expectSeries(run(b.indicator, bars, 1), [expected], period, 0);
    });
  }

  it('has no look-ahead', () => {
    const make = () => build('momentum', {}).indicator;
    const full = run(make(), bars, 1);
    expectNoLookAhead(make, full, bars, [0, 9, 10, 11, 6000, bars.length - 1]);
  });
});
