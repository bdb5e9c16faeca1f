import { describe, expect, it } from 'vitest';
import { loadSpyBars } from '../../helpers/spy.ts';
import { build, expectNoLookAhead, expectSeries, firstValue, run } from './harness.ts';
import { hlc, naiveTr, naiveWilder } from './naive.ts';

// TradingView's ta.supertrend written out over arrays (direction sign flipped: +1 up),
// starting on the ATR's first bar: p with bar 0 skipped, p - 1 with high_low (TradingView's).
function naiveSupertrend(
  bars: ReturnType<typeof loadSpyBars>,
  p: number,
  m: number,
  firstBar: 'skip' | 'high_low' = 'skip',
): number[][] {
  const atr = naiveWilder(naiveTr(bars, firstBar), p);
  const value = bars.map(() => NaN);
  const dir = bars.map(() => NaN);
  const upper = bars.map(() => NaN);
  const lower = bars.map(() => NaN);
  const start = firstBar === 'skip' ? p : p - 1;
  for (let t = start; t < bars.length; t++) {
    const b = bars[t]!;
    const mid = (b.high + b.low) / 2;
    const bu = mid + m * atr[t]!;
    const bl = mid - m * atr[t]!;
    if (t === start) {
      upper[t] = bu;
      lower[t] = bl;
      dir[t] = -1;
    } else {
      const pc = bars[t - 1]!.close;
      upper[t] = bu < upper[t - 1]! || pc > upper[t - 1]! ? bu : upper[t - 1]!;
      lower[t] = bl > lower[t - 1]! || pc < lower[t - 1]! ? bl : lower[t - 1]!;
      if (dir[t - 1] === -1) dir[t] = b.close > upper[t]! ? 1 : -1;
      else dir[t] = b.close < lower[t]! ? -1 : 1;
    }
    value[t] = dir[t] === 1 ? lower[t]! : upper[t]!;
  }
  return [value, dir];
}

const bars = loadSpyBars();

describe('supertrend', () => {
  it('hand-worked example: period 2, multiplier 1, bar 0 skipped', () => {
    // TR -, 2, 2.5, 1, 2.5 -> ATR2: 2.25 @2, 1.625 @3, 2.0625 @4
    // @2: bands 12 ± 2.25 -> 14.25 / 9.75, starts down: 14.25
    // @3: basic 14.125 / 10.875; upper falls to 14.125, lower rises to 10.875; close 12.5 stays down: 14.125
    // @4: basic 13.0625 / 8.9375; upper 13.0625, lower stays 10.875; close 10.5 stays down: 13.0625
    const hand = [hlc(10, 8, 9), hlc(11, 9, 10.5), hlc(13, 11, 12.8), hlc(13, 12, 12.5), hlc(12, 10, 10.5)];
    const b = build('supertrend', { period: 2, multiplier: 1 });
    expect(b.warmup).toBe(3);
    const r = run(b.indicator, hand, 2);
    expect(r.values[0]).toEqual([NaN, NaN, 14.25, 14.125, 13.0625]);
    expect(r.values[1]).toEqual([NaN, NaN, -1, -1, -1]);
  });

  it('hand-worked example: period 2, multiplier 1, first_bar: high_low (TradingView)', () => {
    // TR 2, 2, 2.5, 1, 2.5 -> ATR2: 2 @1, 2.25 @2, 1.625 @3, 2.0625 @4
    // @1: bands 10 ± 2 -> 12 / 8, starts down: 12
    // @2: basic 14.25 / 9.75; upper stays 12, lower rises to 9.75; close 12.8 > 12 -> up: 9.75
    // @3: basic 14.125 / 10.875; prev close 12.8 > 12 -> upper 14.125; lower 10.875; stays up: 10.875
    // @4: basic 13.0625 / 8.9375; upper 13.0625, lower stays 10.875; close 10.5 < 10.875 -> down: 13.0625
    const hand = [hlc(10, 8, 9), hlc(11, 9, 10.5), hlc(13, 11, 12.8), hlc(13, 12, 12.5), hlc(12, 10, 10.5)];
    const b = build('supertrend', { period: 2, multiplier: 1, first_bar: 'high_low' });
    expect(b.outputs).toEqual(['value', 'direction']);
    expect(b.warmup).toBe(2);
    const r = run(b.indicator, hand, 2);
    expect(r.values[0]).toEqual([NaN, 12, 9.75, 10.875, 13.0625]);
    expect(r.values[1]).toEqual([NaN, -1, 1, 1, -1]);
  });

  it('defaults to ATR 10, multiplier 3 and matches the written-out rules on every SPY bar', () => {
    const b = build('supertrend', {});
    expect(b.warmup).toBe(11);
    const expected = naiveSupertrend(bars, 10, 3);
    expect(firstValue(expected[0]!)).toBe(10);
    const r = run(b.indicator, bars, 2);
    expectSeries(r, expected, 10, 1e-10);
    // The data has both trends.
    expect(new Set(r.values[1]!.slice(10))).toEqual(new Set([1, -1]));
  });

  it('matches with period 7, multiplier 1.5 (both conventions)', () => {
    expectSeries(
      run(build('supertrend', { period: 7, multiplier: 1.5 }).indicator, bars, 2),
      naiveSupertrend(bars, 7, 1.5),
      7,
      1e-10,
    );
    const h = build('supertrend', { period: 7, multiplier: 1.5, first_bar: 'high_low' });
    expect(h.warmup).toBe(7);
    expectSeries(run(h.indicator, bars, 2), naiveSupertrend(bars, 7, 1.5, 'high_low'), 6, 1e-10);
  });

  it('has no look-ahead', () => {
    const make = () => build('supertrend', {}).indicator;
    const full = run(make(), bars, 2);
    expectNoLookAhead(make, full, bars, [0, 8, 9, 10, 11_111, bars.length - 1]);
  });
});
