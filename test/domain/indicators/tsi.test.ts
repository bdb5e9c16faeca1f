import { describe, expect, it } from 'vitest';
import { loadSpyBars } from '../../helpers/spy.ts';
import { build, closes, expectNoLookAhead, expectSeries, firstValue, run } from './harness.ts';
import { gated, naiveEma } from './naive.ts';

// Blau's TSI as array operations: momentum from bar 1, two SMA-seeded EMAs of it and of
// its absolute value, their ratio ×100, and an SMA-seeded EMA of that as the signal.
function naiveTsi(xs: readonly number[], r: number, s: number, sig: number): number[][] {
  const m = xs.map((x, t) => (t === 0 ? NaN : x - xs[t - 1]!));
  const num = naiveEma(naiveEma(m, r), s);
  const den = naiveEma(
    naiveEma(
      m.map((v) => Math.abs(v)),
      r,
    ),
    s,
  );
  const tsi = num.map((n, t) => (Number.isNaN(n) ? NaN : den[t]! > 0 ? (100 * n) / den[t]! : 0));
  const signal = naiveEma(tsi, sig);
  return [gated(tsi, signal), signal];
}

const bars = loadSpyBars();
const px = bars.map((b) => b.close);

describe('tsi', () => {
  it('hand-worked example: long 2, short 2, signal 2', () => {
    // closes 1, 2, 4, 3, 5: m = -, 1, 2, -1, 2 ; |m| = -, 1, 2, 1, 2
    // EMA2 (alpha 2/3) of m: 1.5 @2, 1.5 + 2/3(-1 - 1.5) = -1/6 @3, -1/6 + 2/3(2 + 1/6) = 23/18 @4
    // EMA2 of |m|: 1.5 @2, 1.5 + 2/3(1 - 1.5) = 7/6 @3, 7/6 + 2/3(2 - 7/6) = 31/18 @4
    // second EMA2: num (1.5 - 1/6)/2 = 2/3 @3, 2/3 + 2/3(23/18 - 2/3) = 29/27 @4
    //              den (1.5 + 7/6)/2 = 4/3 @3, 4/3 + 2/3(31/18 - 4/3) = 43/27 @4
    // TSI 100·(2/3)/(4/3) = 50 @3, 100·29/43 = 2900/43 @4 ; signal = mean(50, 2900/43) @4
    const b = build('tsi', { long: 2, short: 2, signal: 2 });
    expect(b.outputs).toEqual(['tsi', 'signal']);
    expect(b.warmup).toBe(5);
    const r = run(b.indicator, closes([1, 2, 4, 3, 5]), 2);
    expect(r.values[0]!.slice(0, 4)).toEqual([NaN, NaN, NaN, NaN]);
    expect(r.values[0]![4]).toBeCloseTo(2900 / 43, 12);
    expect(r.values[1]![4]).toBeCloseTo((50 + 2900 / 43) / 2, 12);
  });

  it('defaults to 25/13/7 (first values at bar 43) and matches the reference on every SPY bar', () => {
    const b = build('tsi', {});
    expect(b.warmup).toBe(44);
    const expected = naiveTsi(px, 25, 13, 7);
    expect(firstValue(expected[0]!)).toBe(43);
    expectSeries(run(b.indicator, bars, 2), expected, 43, 1e-9);
  });

  it('matches the reference with other periods (40/20/10 on hl2, 1/1/1)', () => {
    const hl2 = bars.map((x) => (x.high + x.low) / 2);
    expectSeries(
      run(build('tsi', { long: 40, short: 20, signal: 10 }, 'hl2').indicator, bars, 2),
      naiveTsi(hl2, 40, 20, 10),
      68,
      1e-9,
    );
    expectSeries(
      run(build('tsi', { long: 1, short: 1, signal: 1 }).indicator, bars, 2),
      naiveTsi(px, 1, 1, 1),
      1,
      1e-9,
    );
  });

  it('stays within ±100 and is 0 without movement', () => {
    const r = run(build('tsi', {}).indicator, bars, 2);
    expect(r.values[0]!.slice(43).every((v) => Math.abs(v) <= 100)).toBe(true);
    const flat = run(build('tsi', { long: 2, short: 2, signal: 2 }).indicator, closes([5, 5, 5, 5, 5, 5]), 2);
    expect(flat.values[0]![5]).toBe(0);
  });

  it('has no look-ahead', () => {
    const make = () => build('tsi', {}).indicator;
    const full = run(make(), bars, 2);
    expectNoLookAhead(make, full, bars, [0, 36, 42, 43, 44, 3210, bars.length - 1]);
  });
});
