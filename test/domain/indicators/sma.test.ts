import { describe, expect, it } from 'vitest';
import { loadSpyBars } from '../../helpers/spy.ts';
import { build, closes, expectNoLookAhead, expectSeries, firstValue, run } from './harness.ts';

// Naive batch SMA: re-add the whole window at every bar.
function naiveSma(xs: readonly number[], p: number): number[] {
  return xs.map((_, t) => {
    if (t < p - 1) return NaN;
    let s = 0;
    for (let i = t - p + 1; i <= t; i++) s += xs[i]!;
    return s / p;
  });
}

const bars = loadSpyBars();

describe('sma', () => {
  it('hand-worked example: period 3 on 2, 4, 6, 8, 4', () => {
    const { indicator } = build('sma', { period: 3 });
    const r = run(indicator, closes([2, 4, 6, 8, 4]), 1);
    expect(r.values[0]).toEqual([NaN, NaN, 4, 6, 6]);
  });

  it('period 1 is the price itself', () => {
    const { indicator } = build('sma', { period: 1 });
    const r = run(indicator, bars.slice(0, 50), 1);
    expect(r.values[0]).toEqual(bars.slice(0, 50).map((b) => b.close));
  });

  for (const period of [2, 10, 50, 200]) {
    it(`matches a naive full-window sum on every SPY bar (period ${period})`, () => {
      const b = build('sma', { period });
      const expected = naiveSma(
        bars.map((x) => x.close),
        period,
      );
      expect(firstValue(expected)).toBe(period - 1);
      expect(b.warmup).toBe(period);
      expectSeries(run(b.indicator, bars, 1), [expected], period - 1, 1e-12);
    });
  }

  it('reads the selected input (hl2, volume)', () => {
    const hl2 = build('sma', { period: 7 }, 'hl2');
    expectSeries(
      run(hl2.indicator, bars, 1),
      [
        naiveSma(
          bars.map((x) => (x.high + x.low) / 2),
          7,
        ),
      ],
      6,
      1e-12,
    );
    const vol = build('sma', { period: 7 }, 'volume');
    expectSeries(
      run(vol.indicator, bars, 1),
      [
        naiveSma(
          bars.map((x) => x.volume),
          7,
        ),
      ],
      6,
      1e-12,
    );
  });

  it('has no look-ahead', () => {
    const make = () => build('sma', { period: 20 }).indicator;
    const full = run(make(), bars, 1);
    expectNoLookAhead(make, full, bars, [0, 18, 19, 20, 39, 40, 1234, bars.length - 1]);
  });

  it('reset forgets everything', () => {
    const { indicator } = build('sma', { period: 5 });
    run(indicator, bars.slice(0, 30), 1);
    indicator.reset();
    expect(indicator.ready).toBe(false);
    expect(run(indicator, closes([1, 2, 3, 4, 5]), 1).values[0]).toEqual([NaN, NaN, NaN, NaN, 3]);
  });

  it('rejects a missing or non-positive period', () => {
    expect(() => build('sma', {})).toThrow();
    expect(() => build('sma', { period: 0 })).toThrow();
    expect(() => build('sma', { period: 2.5 })).toThrow();
  });
});
