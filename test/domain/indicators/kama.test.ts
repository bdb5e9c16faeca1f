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

// Naive KAMA with backtrader's seed: the first KAMA (bar n) is the plain mean of the last
// n prices x_1..x_n, recomputed here; the adaptive step starts at bar n + 1.
function naiveKamaSmaSeed(xs: readonly number[], n: number, fast: number, slow: number): number[] {
  const out = xs.map(() => NaN);
  const f = 2 / (fast + 1);
  const s = 2 / (slow + 1);
  if (xs.length <= n) return out;
  let kama = 0;
  for (let i = 1; i <= n; i++) kama += xs[i]!;
  kama /= n;
  out[n] = kama;
  for (let t = n + 1; t < xs.length; t++) {
    const direction = Math.abs(xs[t]! - xs[t - n]!);
    let volatility = 0;
    for (let i = t - n + 1; i <= t; i++) volatility += Math.abs(xs[i]! - xs[i - 1]!);
    const er = volatility === 0 ? 1 : direction / volatility;
    const sc = (er * (f - s) + s) ** 2;
    kama = kama + sc * (xs[t]! - kama);
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

  it('seed: sma (backtrader): hand-worked example, period 2 on 1, 2, 3, 4, 3', () => {
    // t=2: mean(2, 3) = 5/2 (no step) ; t=3: ER = |4-2|/2 = 1, sc = 4/9, KAMA = 5/2 + 4/9·(4 - 5/2) = 19/6
    // t=4: ER = 0, sc = 4/961, KAMA = 19/6 + 4/961·(3 - 19/6)
    const b = build('kama', { period: 2, seed: 'sma' });
    expect(b.warmup).toBe(3);
    const v = run(b.indicator, closes([1, 2, 3, 4, 3]), 1).values[0]!;
    expect(v.slice(0, 2)).toEqual([NaN, NaN]);
    expect(v[2]).toBeCloseTo(5 / 2, 14);
    expect(v[3]).toBeCloseTo(19 / 6, 14);
    expect(v[4]).toBeCloseTo(19 / 6 + (4 / 961) * (3 - 19 / 6), 14);
  });

  it('seed: sma matches the naive backtrader-seeded KAMA on every SPY bar (10/2/30 and 30/5/50 on hl2)', () => {
    const b = build('kama', { seed: 'sma' });
    expect(b.warmup).toBe(11);
    const expected = naiveKamaSmaSeed(px, 10, 2, 30);
    expect(firstValue(expected)).toBe(10);
    expectSeries(run(b.indicator, bars, 1), [expected], 10, 1e-10);
    const hl2 = bars.map((x) => (x.high + x.low) / 2);
    expectSeries(
      run(build('kama', { period: 30, fast: 5, slow: 50, seed: 'sma' }, 'hl2').indicator, bars, 1),
      [naiveKamaSmaSeed(hl2, 30, 5, 50)],
      30,
      1e-10,
    );
  });

  it('the two seeds differ at first and converge (the seed decays geometrically)', () => {
    const a = run(build('kama', {}).indicator, bars, 1).values[0]!;
    const b = run(build('kama', { seed: 'sma' }).indicator, bars, 1).values[0]!;
    expect(a[10]).not.toBe(b[10]);
    expect(Math.abs(a[bars.length - 1]! - b[bars.length - 1]!)).toBeLessThan(1e-9);
  });

  it('rejects an unknown seed', () => {
    expect(() => build('kama', { seed: 'first' })).toThrow();
  });

  it('rejects fast >= slow', () => {
    expect(() => build('kama', { fast: 30, slow: 30 })).toThrow(/slow must be greater than fast/);
  });

  it('has no look-ahead', () => {
    for (const seed of ['price', 'sma']) {
      const make = () => build('kama', { seed }).indicator;
      const full = run(make(), bars, 1);
      expectNoLookAhead(make, full, bars, [0, 9, 10, 11, 9000, bars.length - 1]);
    }
  });
});
