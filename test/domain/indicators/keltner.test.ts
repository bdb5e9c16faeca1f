import { describe, expect, it } from 'vitest';
import { loadSpyBars } from '../../helpers/spy.ts';
import { build, expectNoLookAhead, expectSeries, firstValue, run } from './harness.ts';
import { gated, hlc, naiveEma, naiveTr, naiveWilder } from './naive.ts';

function naiveKeltner(
  bars: ReturnType<typeof loadSpyBars>,
  p: number,
  m: number,
  ap: number,
  firstBar: 'skip' | 'high_low' = 'skip',
): number[][] {
  const mid = naiveEma(
    bars.map((b) => b.close),
    p,
  );
  const atr = naiveWilder(naiveTr(bars, firstBar), ap);
  const both = mid.map((x, t) => x + atr[t]!);
  return [mid.map((x, t) => x + m * atr[t]!), gated(mid, both), mid.map((x, t) => x - m * atr[t]!)];
}

const bars = loadSpyBars();

describe('keltner', () => {
  it('hand-worked example: period 2, multiplier 2, atr_period 3, bar 0 skipped', () => {
    // TR -, 2, 2.5, 1.5, 2.5 -> ATR3 2 @3, 6.5/3 @4 (see the atr test)
    // EMA2 of closes 9, 10.5, 12.5, 11, 9: 403/36 @3, 403/108 + 6 @4 ; first value at bar 3
    const hand = [hlc(10, 8, 9), hlc(11, 9, 10.5), hlc(13, 12, 12.5), hlc(12, 11, 11), hlc(9, 8.5, 9)];
    const b = build('keltner', { period: 2, multiplier: 2, atr_period: 3 });
    expect(b.warmup).toBe(4);
    const r = run(b.indicator, hand, 3);
    for (const o of [0, 1, 2]) expect(r.values[o]!.slice(0, 3)).toEqual([NaN, NaN, NaN]);
    expect(r.values[0]![3]).toBeCloseTo(403 / 36 + 4, 12);
    expect(r.values[1]![3]).toBeCloseTo(403 / 36, 12);
    expect(r.values[2]![3]).toBeCloseTo(403 / 36 - 4, 12);
    expect(r.values[0]![4]).toBeCloseTo(403 / 108 + 6 + 13 / 3, 12);
    expect(r.values[2]![4]).toBeCloseTo(403 / 108 + 6 - 13 / 3, 12);
  });

  it('hand-worked example: period 2, multiplier 2, atr_period 3, first_bar: high_low', () => {
    // TR 2, 2, 2.5, 1.5 -> ATR3 6.5/3 @2, 35/18 @3 (see the atr test)
    // EMA2 of closes 9, 10.5, 12.5, 11: 9.75 @1, 139/12 @2, 403/36 @3 ; first value at bar 2
    const hand = [hlc(10, 8, 9), hlc(11, 9, 10.5), hlc(13, 12, 12.5), hlc(12, 11, 11)];
    const b = build('keltner', { period: 2, multiplier: 2, atr_period: 3, first_bar: 'high_low' });
    expect(b.outputs).toEqual(['upper', 'middle', 'lower']);
    expect(b.warmup).toBe(3);
    const r = run(b.indicator, hand, 3);
    for (const o of [0, 1, 2]) expect(r.values[o]!.slice(0, 2)).toEqual([NaN, NaN]);
    expect(r.values[0]![2]).toBeCloseTo(139 / 12 + 13 / 3, 12);
    expect(r.values[1]![2]).toBeCloseTo(139 / 12, 12);
    expect(r.values[2]![2]).toBeCloseTo(139 / 12 - 13 / 3, 12);
    expect(r.values[0]![3]).toBeCloseTo(403 / 36 + 35 / 9, 12);
    expect(r.values[2]![3]).toBeCloseTo(403 / 36 - 35 / 9, 12);
  });

  it('defaults to EMA 20, multiplier 2, ATR 10 and matches the naive channel on every SPY bar', () => {
    const b = build('keltner', {});
    expect(b.warmup).toBe(20);
    const expected = naiveKeltner(bars, 20, 2, 10);
    expect(firstValue(expected[0]!)).toBe(19);
    expectSeries(run(b.indicator, bars, 3), expected, 19, 1e-10);
  });

  it('matches the naive channel with first_bar: high_low', () => {
    const b = build('keltner', { first_bar: 'high_low' });
    expect(b.warmup).toBe(20);
    expectSeries(run(b.indicator, bars, 3), naiveKeltner(bars, 20, 2, 10, 'high_low'), 19, 1e-10);
  });

  it('waits for the longer of the two (EMA 5, ATR 30, multiplier 1.5): bar 30 skipping bar 0, 29 with high_low', () => {
    const b = build('keltner', { period: 5, multiplier: 1.5, atr_period: 30 });
    expect(b.warmup).toBe(31);
    expectSeries(run(b.indicator, bars, 3), naiveKeltner(bars, 5, 1.5, 30), 30, 1e-10);
    const h = build('keltner', { period: 5, multiplier: 1.5, atr_period: 30, first_bar: 'high_low' });
    expect(h.warmup).toBe(30);
    expectSeries(run(h.indicator, bars, 3), naiveKeltner(bars, 5, 1.5, 30, 'high_low'), 29, 1e-10);
  });

  it('an ATR as long as the EMA now waits one more bar (EMA 10, ATR 10)', () => {
    const b = build('keltner', { period: 10, atr_period: 10 });
    expect(b.warmup).toBe(11);
    expectSeries(run(b.indicator, bars, 3), naiveKeltner(bars, 10, 2, 10), 10, 1e-10);
  });

  it('has no look-ahead', () => {
    const make = () => build('keltner', {}).indicator;
    const full = run(make(), bars, 3);
    expectNoLookAhead(make, full, bars, [0, 18, 19, 20, 1234, bars.length - 1]);
  });
});
