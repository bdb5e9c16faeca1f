import { describe, expect, it } from 'vitest';
import { loadSpyBars } from '../../helpers/spy.ts';
import { build, closes, expectNoLookAhead, expectSeries, firstValue, run } from './harness.ts';

// Naive KAMA: the efficiency ratio recomputed over its full window at every bar; the first
// KAMA (bar n) starts from the previous price, as TA-Lib does.
function naiveKama(xs: readonly number[], n: number, fast: number, slow: number): number[] {
  const out = xs.map(() => NaN);
  const f = 2 / (fast + 1);
  const s = 2 / (slow + 1);
  let kama = NaN;
  for (let t = n; t < xs.length; t++) {
    const direction = Math.abs(xs[t]! - xs[t - n]!);
    let volatility = 0;
    for (let i = t - n + 1; i <= t; i++) volatility += Math.abs(xs[i]! - xs[i - 1]!);
    const er = volatility === 0 ? 1 : direction / volatility;
    const sc = (er * (f - s) + s) ** 2;
    const prev = t === n ? xs[n - 1]! : kama;
    kama = prev + sc * (xs[t]! - prev);
    out[t] = kama;
  }
  return out;
}

const bars = loadSpyBars();
const px = bars.map((b) => b.close);

describe('kama', () => {
  it('hand-worked example: period 2, fast 2, slow 30 on 1, 2, 3, 4, 3', () => {
    // t=2: ER = |3-1|/(1+1) = 1, sc = (2/3)^2 = 4/9, KAMA = 2 + 4/9·(3-2) = 22/9
    // t=3: ER = 1, KAMA = 22/9 + 4/9·(4 - 22/9) = 254/81
    // t=4: ER = |3-3|/2 = 0, sc = (2/31)^2 = 4/961, KAMA = 254/81 + 4/961·(3 - 254/81)
    const b = build('kama', { period: 2 });
    expect(b.warmup).toBe(3);
    const v = run(b.indicator, closes([1, 2, 3, 4, 3]), 1).values[0]!;
    expect(v.slice(0, 2)).toEqual([NaN, NaN]);
    expect(v[2]).toBeCloseTo(22 / 9, 14);
    expect(v[3]).toBeCloseTo(254 / 81, 14);
    expect(v[4]).toBeCloseTo(254 / 81 + (4 / 961) * (3 - 254 / 81), 14);
  });

  it('takes ER = 1 on a window without movement', () => {
    // 5, 5, 5 then 6: at t=2 the volatility is 0 (ER 1, KAMA = 5); at t=3 ER = 1/1.
    const v = run(build('kama', { period: 2 }).indicator, closes([5, 5, 5, 6]), 1).values[0]!;
    expect(v[2]).toBe(5);
    expect(v[3]).toBeCloseTo(5 + 4 / 9, 14);
  });

  it('defaults to 10/2/30 (first value at bar 10) and matches the naive KAMA on every SPY bar', () => {
    const b = build('kama', {});
    expect(b.warmup).toBe(11);
    const expected = naiveKama(px, 10, 2, 30);
    expect(firstValue(expected)).toBe(10);
    expectSeries(run(b.indicator, bars, 1), [expected], 10, 1e-10);
  });

  it('matches the naive KAMA with other params (period 30, fast 5, slow 50; input hl2)', () => {
    const hl2 = bars.map((x) => (x.high + x.low) / 2);
    expectSeries(
      run(build('kama', { period: 30, fast: 5, slow: 50 }, 'hl2').indicator, bars, 1),
      [naiveKama(hl2, 30, 5, 50)],
      30,
      1e-10,
    );
  });

  it('rejects fast >= slow', () => {
    expect(() => build('kama', { fast: 30, slow: 30 })).toThrow(/slow must be greater than fast/);
  });

  it('has no look-ahead', () => {
    const make = () => build('kama', {}).indicator;
    const full = run(make(), bars, 1);
    expectNoLookAhead(make, full, bars, [0, 9, 10, 11, 9000, bars.length - 1]);
  });
});
