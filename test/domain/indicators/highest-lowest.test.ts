import { describe, expect, it } from 'vitest';
import { loadSpyBars } from '../../helpers/spy.ts';
import { build, closes, expectNoLookAhead, expectSeries, firstValue, run } from './harness.ts';

// Naive rolling extreme: scan the whole window at every bar.
function naiveExtreme(xs: readonly number[], p: number, pick: (...v: number[]) => number): number[] {
  return xs.map((_, t) => (t < p - 1 ? NaN : pick(...xs.slice(t - p + 1, t + 1))));
}

const bars = loadSpyBars();
const px = bars.map((b) => b.close);

describe('highest / lowest', () => {
  it('hand-worked example: period 3 on 3, 1, 2, 5, 4, 4, 0', () => {
    const xs = closes([3, 1, 2, 5, 4, 4, 0]);
    expect(run(build('highest', { period: 3 }).indicator, xs, 1).values[0]).toEqual([NaN, NaN, 3, 5, 5, 5, 4]);
    expect(run(build('lowest', { period: 3 }).indicator, xs, 1).values[0]).toEqual([NaN, NaN, 1, 1, 2, 4, 0]);
  });

  for (const period of [1, 3, 20, 100]) {
    it(`match a naive window scan on every SPY bar (period ${period})`, () => {
      const hi = build('highest', { period });
      const lo = build('lowest', { period });
      expect(hi.warmup).toBe(period);
      const eh = naiveExtreme(px, period, Math.max);
      expect(firstValue(eh)).toBe(period - 1);
      expectSeries(run(hi.indicator, bars, 1), [eh], period - 1, 0);
      expectSeries(run(lo.indicator, bars, 1), [naiveExtreme(px, period, Math.min)], period - 1, 0);
    });
  }

  it('read the selected input', () => {
    const hi = build('highest', { period: 10 }, 'high');
    expectSeries(
      run(hi.indicator, bars, 1),
      [
        naiveExtreme(
          bars.map((b) => b.high),
          10,
          Math.max,
        ),
      ],
      9,
      0,
    );
    const lo = build('lowest', { period: 10 }, 'low');
    expectSeries(
      run(lo.indicator, bars, 1),
      [
        naiveExtreme(
          bars.map((b) => b.low),
          10,
          Math.min,
        ),
      ],
      9,
      0,
    );
  });

  it('have no look-ahead', () => {
    for (const name of ['highest', 'lowest']) {
      const make = () => build(name, { period: 20 }).indicator;
      const full = run(make(), bars, 1);
      expectNoLookAhead(make, full, bars, [0, 19, 20, 999, bars.length - 1]);
    }
  });
});
