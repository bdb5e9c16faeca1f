import { describe, expect, it } from 'vitest';
import { loadSpyBars } from '../../helpers/spy.ts';
import { build, expectNoLookAhead, expectSeries, firstValue, run } from './harness.ts';
import { hlc } from './naive.ts';

// Botes & Siepman's Vortex, every window summed afresh: for t ≥ n, over i = t-n+1..t,
// VI+ = Σ|h_i - l_{i-1}| / Σ TR_i, VI- = Σ|l_i - h_{i-1}| / Σ TR_i (0 when Σ TR_i = 0;
// period 1 meets such a bar on SPY).
function naiveVortex(bars: ReturnType<typeof loadSpyBars>, n: number): number[][] {
  const plus = bars.map(() => NaN);
  const minus = bars.map(() => NaN);
  for (let t = n; t < bars.length; t++) {
    let vp = 0;
    let vm = 0;
    let tr = 0;
    for (let i = t - n + 1; i <= t; i++) {
      const b = bars[i]!;
      const p = bars[i - 1]!;
      vp += Math.abs(b.high - p.low);
      vm += Math.abs(b.low - p.high);
      tr += Math.max(b.high - b.low, Math.abs(b.high - p.close), Math.abs(b.low - p.close));
    }
    // A window without range (every bar h = l = previous close) has no movement: 0.
    plus[t] = tr > 0 ? vp / tr : 0;
    minus[t] = tr > 0 ? vm / tr : 0;
  }
  return [plus, minus];
}

const bars = loadSpyBars();

describe('vortex', () => {
  it('hand-worked example: period 2', () => {
    // bars (h, l, c): (10, 8, 9) (11, 9, 10.5) (13, 12, 12.5) (12, 11, 11)
    // bar 1: VM+ |11-8| = 3, VM- |9-10| = 1, TR 2 ; bar 2: VM+ |13-9| = 4, VM- |12-11| = 1, TR 2.5
    // bar 3: VM+ |12-12| = 0, VM- |11-13| = 2, TR 1.5
    // @2: VI+ = 7/4.5, VI- = 2/4.5 ; @3: VI+ = 4/4, VI- = 3/4
    const hand = [hlc(10, 8, 9), hlc(11, 9, 10.5), hlc(13, 12, 12.5), hlc(12, 11, 11)];
    const b = build('vortex', { period: 2 });
    expect(b.outputs).toEqual(['plus', 'minus']);
    expect(b.warmup).toBe(3);
    const r = run(b.indicator, hand, 2);
    expect(r.values[0]!.slice(0, 2)).toEqual([NaN, NaN]);
    expect(r.values[0]![2]).toBeCloseTo(7 / 4.5, 14);
    expect(r.values[1]![2]).toBeCloseTo(2 / 4.5, 14);
    expect(r.values[0]![3]).toBeCloseTo(1, 14);
    expect(r.values[1]![3]).toBeCloseTo(0.75, 14);
  });

  for (const period of [14, 1, 5, 50]) {
    it(`matches the whole-window reference on every SPY bar (period ${period})`, () => {
      const b = build('vortex', { period });
      expect(b.warmup).toBe(period + 1);
      const expected = naiveVortex(bars, period);
      expect(firstValue(expected[0]!)).toBe(period);
      expectSeries(run(b.indicator, bars, 2), expected, period, 1e-9);
    });
  }

  it('is 0 on a window without movement', () => {
    const flat = [hlc(5, 5, 5), hlc(5, 5, 5), hlc(5, 5, 5)];
    const r = run(build('vortex', { period: 2 }).indicator, flat, 2);
    expect([r.values[0]![2], r.values[1]![2]]).toEqual([0, 0]);
  });

  it('has no look-ahead', () => {
    const make = () => build('vortex', {}).indicator;
    const full = run(make(), bars, 2);
    expectNoLookAhead(make, full, bars, [0, 13, 14, 15, 4242, bars.length - 1]);
  });
});
