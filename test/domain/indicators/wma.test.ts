import { describe, expect, it } from 'vitest';
import { loadSpyBars } from '../../helpers/spy.ts';
import { build, closes, expectNoLookAhead, expectSeries, firstValue, run } from './harness.ts';
import { naiveWma } from './naive.ts';

const bars = loadSpyBars();

describe('wma', () => {
  it('hand-worked example: period 3 on 1, 2, 3, 4, 10', () => {
    // (1·1 + 2·2 + 3·3)/6 = 14/6 ; (2 + 2·3 + 3·4)/6 = 20/6 ; (3 + 2·4 + 3·10)/6 = 41/6
    const b = build('wma', { period: 3 });
    expect(b.warmup).toBe(3);
    const v = run(b.indicator, closes([1, 2, 3, 4, 10]), 1).values[0]!;
    expect(v.slice(0, 2)).toEqual([NaN, NaN]);
    expect(v[2]).toBeCloseTo(14 / 6, 14);
    expect(v[3]).toBeCloseTo(20 / 6, 14);
    expect(v[4]).toBeCloseTo(41 / 6, 14);
  });

  it('requires a period', () => {
    expect(() => build('wma', {})).toThrow(/period/);
  });

  for (const period of [1, 2, 9, 50]) {
    it(`matches a naive full-window WMA on every SPY bar (period ${period})`, () => {
      const b = build('wma', { period }, 'hlc3');
      const expected = naiveWma(
        bars.map((x) => (x.high + x.low + x.close) / 3),
        period,
      );
      expect(firstValue(expected)).toBe(period - 1);
      expect(b.warmup).toBe(period);
      expectSeries(run(b.indicator, bars, 1), [expected], period - 1, 1e-12);
    });
  }

  it('has no look-ahead', () => {
    const make = () => build('wma', { period: 20 }).indicator;
    const full = run(make(), bars, 1);
    expectNoLookAhead(make, full, bars, [0, 18, 19, 20, 39, 40, 7777, bars.length - 1]);
  });
});
