import { describe, expect, it } from 'vitest';
import type { BarInput } from '../../../src/domain/indicators/indicator.ts';
import { loadSpyBars } from '../../helpers/spy.ts';
import { build, expectNoLookAhead, expectSeries, run } from './harness.ts';

// Wilder's SAR written out over arrays, with TA-Lib's bootstrap: the trend on bar 1 from
// the -DM of bars 0-1 (ties long), SAR_1 = the first bar's low (long) or high (short), EP
// the second bar's high (long) or low (short). out[t] is the stop in force during bar t.
function naivePsar(bars: readonly BarInput[], step: number, max: number): number[] {
  const out = bars.map(() => NaN);
  if (bars.length < 2) return out;
  const h = bars.map((b) => b.high);
  const l = bars.map((b) => b.low);
  const down = l[0]! - l[1]!;
  let long = !(down > 0 && down > h[1]! - h[0]!);
  let sar = long ? l[0]! : h[0]!;
  let ep = long ? h[1]! : l[1]!;
  let af = step;
  for (let t = 1; t < bars.length; t++) {
    // The two bars the next stop must stay outside of (on bar 1 only bar 1 itself).
    const lows = t === 1 ? [l[1]!] : [l[t - 1]!, l[t]!];
    const highs = t === 1 ? [h[1]!] : [h[t - 1]!, h[t]!];
    if (long && l[t]! <= sar) {
      long = false;
      out[t] = Math.max(ep, ...highs);
      ep = l[t]!;
      af = step;
      sar = Math.max(out[t]! + af * (ep - out[t]!), ...highs);
    } else if (!long && h[t]! >= sar) {
      long = true;
      out[t] = Math.min(ep, ...lows);
      ep = h[t]!;
      af = step;
      sar = Math.min(out[t]! + af * (ep - out[t]!), ...lows);
    } else {
      out[t] = sar;
      if (long && h[t]! > ep) {
        ep = h[t]!;
        af = Math.min(af + step, max);
      } else if (!long && l[t]! < ep) {
        ep = l[t]!;
        af = Math.min(af + step, max);
      }
      const next = sar + af * (ep - sar);
      sar = long ? Math.min(next, ...lows) : Math.max(next, ...highs);
    }
  }
  return out;
}

const hl = (high: number, low: number): BarInput => ({ open: low, high, low, close: low, volume: 0 });
const bars = loadSpyBars();

describe('psar', () => {
  it('hand-worked example: step 0.1, max 0.2; a long run, a reversal to short and back', () => {
    // bars (h, l): (10,9) (11,10) (12,11) (12.5,11.5) (11,10) (10.5,9.5) (12,11)
    // bar 1: up 1 > down -1 -> long; SAR 9 (l0), EP 11, AF .1 ; next 9 + .1·2 = 9.2
    // bar 2: 9.2 ; EP 12, AF .2 ; next 9.2 + .2·2.8 = 9.76
    // bar 3: 9.76 ; EP 12.5, AF .2 (capped) ; next 9.76 + .2·2.74 = 10.308
    // bar 4: low 10 <= 10.308 -> short, value max(EP 12.5, 12.5, 11) = 12.5 ; EP 10, AF .1 ;
    //        next max(12.25, 12.5, 11) = 12.5
    // bar 5: 12.5 ; EP 9.5, AF .2 ; next max(12.5 - .2·3, 11, 10.5) = 11.9
    // bar 6: high 12 >= 11.9 -> long at min(EP 9.5, 9.5, 11) = 9.5
    const hand = [hl(10, 9), hl(11, 10), hl(12, 11), hl(12.5, 11.5), hl(11, 10), hl(10.5, 9.5), hl(12, 11)];
    const b = build('psar', { step: 0.1, max: 0.2 });
    expect(b.warmup).toBe(2);
    const v = run(b.indicator, hand, 1).values[0]!;
    expect(v[0]).toBeNaN();
    expect(v.slice(1)).toEqual([9, 9.2, 9.76, 12.5, 12.5, 9.5].map((x) => expect.closeTo(x, 12)));
  });

  it('starts short when the second bar moves down more than up', () => {
    // down = 9 - 8 = 1 > up = 9.8 - 10 -> short, first SAR = the first high
    const v = run(build('psar', {}).indicator, [hl(10, 9), hl(9.8, 8)], 1).values[0]!;
    expect(v).toEqual([NaN, 10]);
    // A tie (up = down = 1) goes long with SAR 9, which bar 1's low 8 pierces at once: the
    // value is the reversal to short at EP = 11. (Short first would give SAR 10, pierced by
    // the high 11, reversing long at 8.)
    expect(run(build('psar', {}).indicator, [hl(10, 9), hl(11, 8)], 1).values[0]).toEqual([NaN, 11]);
  });

  it('defaults to 0.02 / 0.2 and matches the written-out SAR on every SPY bar', () => {
    const b = build('psar', {});
    expectSeries(run(b.indicator, bars, 1), [naivePsar(bars, 0.02, 0.2)], 1, 1e-12);
  });

  it('matches with step 0.01, max 0.1', () => {
    expectSeries(
      run(build('psar', { step: 0.01, max: 0.1 }).indicator, bars, 1),
      [naivePsar(bars, 0.01, 0.1)],
      1,
      1e-12,
    );
  });

  it('rejects max < step', () => {
    expect(() => build('psar', { step: 0.3 })).toThrow(/max must be at least step/);
  });

  it('has no look-ahead', () => {
    const make = () => build('psar', {}).indicator;
    const full = run(make(), bars, 1);
    expectNoLookAhead(make, full, bars, [0, 1, 2, 3, 19_000, bars.length - 1]);
  });
});
