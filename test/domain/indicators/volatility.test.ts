import { describe, expect, it } from 'vitest';
import { loadSpyBars } from '../../helpers/spy.ts';
import { build, closes, expectNoLookAhead, expectSeries, firstValue, run } from './harness.ts';

// Independent calculation: log returns, then a two-pass sample standard deviation of
// every full window of `p` returns.
function naiveVolatility(xs: readonly number[], p: number): number[] {
  const r = xs.map((x, t) => (t === 0 ? NaN : Math.log(x / xs[t - 1]!)));
  return xs.map((_, t) => {
    if (t < p) return NaN;
    const w = r.slice(t - p + 1, t + 1);
    const m = w.reduce((a, b) => a + b, 0) / p;
    return Math.sqrt(w.reduce((a, b) => a + (b - m) * (b - m), 0) / (p - 1));
  });
}

const bars = loadSpyBars();
const px = bars.map((b) => b.close);

describe('volatility', () => {
  it('hand-worked example: period 2 on 100, 110, 99, 99', () => {
    // returns: ln 1.1 = 0.0953102, ln 0.9 = -0.1053605, ln 1 = 0
    // window [0.0953102, -0.1053605]: mean -0.0050252, sample var = (0.1003354² + 0.1003354²) / 1
    // window [-0.1053605, 0]: sample var = 2 × 0.0526803² = 0.0055504
    const v = run(build('volatility', { period: 2 }).indicator, closes([100, 110, 99, 99]), 1).values[0]!;
    expect(v[0]).toBeNaN();
    expect(v[1]).toBeNaN();
    const a = Math.log(1.1);
    const b = Math.log(0.9);
    expect(v[2]).toBeCloseTo(Math.abs(a - b) / Math.SQRT2, 12);
    expect(v[3]).toBeCloseTo(Math.abs(b) / Math.SQRT2, 12);
  });

  for (const period of [2, 20, 78]) {
    it(`matches a naive two-pass σ of log returns on every SPY bar (period ${period})`, () => {
      const b = build('volatility', { period });
      const expected = naiveVolatility(px, period);
      expect(firstValue(expected)).toBe(period);
      expect(b.warmup).toBe(period + 1);
      expectSeries(run(b.indicator, bars, 1), [expected], period, 1e-9);
    });
  }

  it('restarts its window after a non-positive price', () => {
    const v = run(build('volatility', { period: 2 }).indicator, closes([100, 101, 102, 0, 100, 101, 102]), 1)
      .values[0]!;
    expect(v.map((x) => !Number.isNaN(x))).toEqual([false, false, true, false, false, false, true]);
  });

  it('rejects a period below 2', () => {
    expect(() => build('volatility', { period: 1 })).toThrow(/at least 2/);
  });

  it('never looks ahead', () => {
    const make = () => build('volatility', { period: 20 }).indicator;
    const full = run(make(), bars, 1);
    expectNoLookAhead(make, full, bars, [0, 19, 20, 21, 500, bars.length - 1]);
  });
});
