import { describe, expect, it } from 'vitest';
import { loadSpyBars } from '../../helpers/spy.ts';
import { build, expectNoLookAhead, expectSeries, firstValue, run } from './harness.ts';
import { gated, hlc } from './naive.ts';

// Wilder's ADX written out as in "New Concepts in Technical Trading Systems": one-bar DM
// and TR arrays from bar 1, first smoothed values as plain sums of the first n, then
// S - S/n + x; DX per bar; first ADX the mean of the first n DX, then Wilder smoothing.
function naiveAdx(bars: ReturnType<typeof loadSpyBars>, n: number): number[][] {
  const len = bars.length;
  const plusDm: number[] = [NaN];
  const minusDm: number[] = [NaN];
  const tr: number[] = [NaN];
  for (let t = 1; t < len; t++) {
    const b = bars[t]!;
    const p = bars[t - 1]!;
    const up = b.high - p.high;
    const down = p.low - b.low;
    plusDm.push(up > down && up > 0 ? up : 0);
    minusDm.push(down > up && down > 0 ? down : 0);
    tr.push(Math.max(b.high - b.low, Math.abs(b.high - p.close), Math.abs(b.low - p.close)));
  }
  const smooth = (xs: number[]): number[] => {
    const out = xs.map(() => NaN);
    let s = 0;
    for (let t = 1; t <= n; t++) s += xs[t]!;
    out[n] = s;
    for (let t = n + 1; t < len; t++) {
      s = s - s / n + xs[t]!;
      out[t] = s;
    }
    return out;
  };
  const sTr = smooth(tr);
  const sPlus = smooth(plusDm);
  const sMinus = smooth(minusDm);
  const pdi = sTr.map((x, t) => (x > 0 ? (100 * sPlus[t]!) / x : Number.isNaN(x) ? NaN : 0));
  const mdi = sTr.map((x, t) => (x > 0 ? (100 * sMinus[t]!) / x : Number.isNaN(x) ? NaN : 0));
  const dx = pdi.map((p, t) => {
    const sum = p + mdi[t]!;
    return sum > 0 ? (100 * Math.abs(p - mdi[t]!)) / sum : Number.isNaN(sum) ? NaN : 0;
  });
  const adx = dx.map(() => NaN);
  let a = 0;
  for (let t = n; t < 2 * n; t++) a += dx[t]!;
  a /= n;
  adx[2 * n - 1] = a;
  for (let t = 2 * n; t < len; t++) {
    a = (a * (n - 1) + dx[t]!) / n;
    adx[t] = a;
  }
  return [adx, gated(pdi, adx), gated(mdi, adx)];
}

const bars = loadSpyBars();

describe('adx', () => {
  it('hand-worked example: period 2', () => {
    // one-bar (+DM, -DM, TR) from bar 1: (1,0,2) (1,0,2) (0,1,3) (1,0,3.5) (0,1,2.5)
    // bar 2: sums TR 4, +DM 2, -DM 0 -> +DI 50, -DI 0, DX 100
    // bar 3: TR 4-2+3 = 5, +DM 2-1+0 = 1, -DM 0+1 = 1 -> DI 20/20, DX 0 -> ADX (100+0)/2 = 50
    // bar 4: TR 5-2.5+3.5 = 6, +DM .5+1 = 1.5, -DM .5 -> +DI 25, -DI 25/3, DX 50 -> ADX 50
    // bar 5: TR 6-3+2.5 = 5.5, +DM .75, -DM .25+1 = 1.25 -> +DI 150/11, -DI 250/11, DX 25 -> ADX 37.5
    const hand = [hlc(10, 8, 9), hlc(11, 9, 10.5), hlc(12, 10, 11), hlc(12, 9, 9.5), hlc(13, 11, 12.5), hlc(12, 10, 10.5)];
    const b = build('adx', { period: 2 });
    expect(b.outputs).toEqual(['adx', 'plus_di', 'minus_di']);
    expect(b.warmup).toBe(4);
    const r = run(b.indicator, hand, 3);
    for (const o of [0, 1, 2]) expect(r.values[o]!.slice(0, 3)).toEqual([NaN, NaN, NaN]);
    expect(r.values[0]!.slice(3)).toEqual([50, 50, 37.5].map((x) => expect.closeTo(x, 12)));
    expect(r.values[1]!.slice(3)).toEqual([20, 25, 150 / 11].map((x) => expect.closeTo(x, 12)));
    expect(r.values[2]!.slice(3)).toEqual([20, 25 / 3, 250 / 11].map((x) => expect.closeTo(x, 12)));
  });

  it('defaults to period 14: first value at bar 27 (2·14 - 1), matching Wilder written out on every SPY bar', () => {
    const b = build('adx', {});
    expect(b.warmup).toBe(28);
    const expected = naiveAdx(bars, 14);
    expect(firstValue(expected[0]!)).toBe(27);
    expectSeries(run(b.indicator, bars, 3), expected, 27, 1e-9);
  });

  for (const period of [1, 5, 30]) {
    it(`matches with period ${period}`, () => {
      expectSeries(run(build('adx', { period }).indicator, bars, 3), naiveAdx(bars, period), 2 * period - 1, 1e-9);
    });
  }

  it('has no look-ahead', () => {
    const make = () => build('adx', {}).indicator;
    const full = run(make(), bars, 3);
    expectNoLookAhead(make, full, bars, [0, 14, 26, 27, 28, 17_000, bars.length - 1]);
  });
});
