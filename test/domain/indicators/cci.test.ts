import { describe, expect, it } from 'vitest';
import { loadSpyBars } from '../../helpers/spy.ts';
import { build, closes, expectNoLookAhead, expectSeries, run } from './harness.ts';

// Naive CCI: typical price, its window mean and mean absolute deviation recomputed per bar.
function naiveCci(bars: ReturnType<typeof loadSpyBars>, p: number, c = 0.015): number[] {
  const tp = bars.map((b) => (b.high + b.low + b.close) / 3);
  return tp.map((x, t) => {
    if (t < p - 1) return NaN;
    const w = tp.slice(t - p + 1, t + 1);
    const mean = w.reduce((a, b) => a + b, 0) / p;
    const md = w.reduce((a, b) => a + Math.abs(b - mean), 0) / p;
    return md === 0 ? 0 : (x - mean) / (c * md);
  });
}

const bars = loadSpyBars();

describe('cci', () => {
  it('hand-worked example: period 4 on 2, 4, 3, 9, 5 (h = l = c)', () => {
    // @3: mean 4.5, MD (2.5 + .5 + 1.5 + 4.5)/4 = 2.25, CCI = 4.5/(0.015·2.25) = 400/3
    // @4: mean 5.25, MD (1.25 + 2.25 + 3.75 + .25)/4 = 1.875, CCI = -0.25/(0.015·1.875) = -80/9
    const b = build('cci', { period: 4 });
    expect(b.warmup).toBe(4);
    const v = run(b.indicator, closes([2, 4, 3, 9, 5]), 1).values[0]!;
    expect(v.slice(0, 3)).toEqual([NaN, NaN, NaN]);
    expect(v[3]).toBeCloseTo(400 / 3, 11);
    expect(v[4]).toBeCloseTo(-80 / 9, 11);
  });

  it('is 0 on a flat window', () => {
    expect(run(build('cci', { period: 3 }).indicator, closes([4, 4, 4, 4]), 1).values[0]).toEqual([NaN, NaN, 0, 0]);
  });

  it('defaults to period 20, constant 0.015 and matches the naive CCI on every SPY bar', () => {
    const b = build('cci', {});
    expect(b.warmup).toBe(20);
    expectSeries(run(b.indicator, bars, 1), [naiveCci(bars, 20)], 19, 1e-9);
  });

  it('matches with other params (period 7, constant 0.02)', () => {
    expectSeries(
      run(build('cci', { period: 7, constant: 0.02 }).indicator, bars, 1),
      [naiveCci(bars, 7, 0.02)],
      6,
      1e-9,
    );
  });

  it('has no look-ahead', () => {
    const make = () => build('cci', {}).indicator;
    const full = run(make(), bars, 1);
    expectNoLookAhead(make, full, bars, [0, 18, 19, 20, 14_000, bars.length - 1]);
  });
});
