import { describe, expect, it } from 'vitest';
import type { BarInput } from '../../../src/domain/indicators/indicator.ts';
import { loadSpyBars } from '../../helpers/spy.ts';
import { build, expectNoLookAhead, expectSeries, firstValue, run } from './harness.ts';

type FirstBar = 'skip' | 'high_low';

// Naive true ranges: none on the first bar (skip, TA-Lib and backtrader) or its h - l
// (high_low), then the max of the three distances.
function naiveTr(bars: readonly BarInput[], firstBar: FirstBar = 'skip'): number[] {
  return bars.map((b, t) => {
    if (t === 0) return firstBar === 'skip' ? NaN : b.high - b.low;
    const pc = bars[t - 1]!.close;
    return Math.max(b.high - b.low, Math.abs(b.high - pc), Math.abs(b.low - pc));
  });
}

// Naive Wilder ATR: mean of the first p true ranges, then Wilder smoothing.
function naiveAtr(bars: readonly BarInput[], p: number, firstBar: FirstBar = 'skip'): number[] {
  const tr = naiveTr(bars, firstBar);
  const start = firstBar === 'skip' ? 1 : 0;
  const out = tr.map(() => NaN);
  if (tr.length < start + p) return out;
  let a = tr.slice(start, start + p).reduce((x, y) => x + y, 0) / p;
  out[start + p - 1] = a;
  for (let t = start + p; t < tr.length; t++) {
    a = (a * (p - 1) + tr[t]!) / p;
    out[t] = a;
  }
  return out;
}

const bar = (high: number, low: number, close: number): BarInput => ({ open: close, high, low, close, volume: 0 });
// A small series with a gap up (bar 2) and a gap down (bar 4).
const HAND = [bar(10, 8, 9), bar(11, 9, 10.5), bar(13, 12, 12.5), bar(12, 11, 11), bar(9, 8.5, 9)];

const bars = loadSpyBars();

describe('true_range', () => {
  it('hand-worked example: bar 0 skipped by default, then the gaps count', () => {
    // bar 1: max(2, |11-9|, |9-9|) = 2 ; bar 2: max(1, |13-10.5|, |12-10.5|) = 2.5
    // bar 3: max(1, |12-12.5|, |11-12.5|) = 1.5 ; bar 4: max(.5, |9-11|, |8.5-11|) = 2.5
    const b = build('true_range', {});
    expect(b.warmup).toBe(2);
    const r = run(b.indicator, HAND, 1);
    expect(r.values[0]).toEqual([NaN, 2, 2.5, 1.5, 2.5]);
    expect(r.ready).toEqual([false, true, true, true, true]);
  });

  it('first_bar: high_low takes h - l on bar 0', () => {
    const b = build('true_range', { first_bar: 'high_low' });
    expect(b.warmup).toBe(1);
    expect(run(b.indicator, HAND, 1).values[0]).toEqual([2, 2, 2.5, 1.5, 2.5]);
  });

  it('matches the naive true range on every SPY bar (both conventions)', () => {
    expectSeries(run(build('true_range', {}).indicator, bars, 1), [naiveTr(bars)], 1, 0);
    expectSeries(
      run(build('true_range', { first_bar: 'high_low' }).indicator, bars, 1),
      [naiveTr(bars, 'high_low')],
      0,
      0,
    );
  });

  it('rejects an unknown first_bar', () => {
    expect(() => build('true_range', { first_bar: 'zero' })).toThrow();
  });
});

describe('atr', () => {
  it('hand-worked example: period 3, bar 0 skipped (TA-Lib, backtrader)', () => {
    // TR -, 2, 2.5, 1.5, 2.5 -> ATR @3 = (2 + 2.5 + 1.5)/3 = 2 ; @4 = (2·2 + 2.5)/3 = 6.5/3
    const b = build('atr', { period: 3 });
    expect(b.warmup).toBe(4);
    const v = run(b.indicator, HAND, 1).values[0]!;
    expect(v.slice(0, 3)).toEqual([NaN, NaN, NaN]);
    expect(v[3]).toBeCloseTo(2, 14);
    expect(v[4]).toBeCloseTo(6.5 / 3, 14);
  });

  it('hand-worked example: period 3, first_bar: high_low', () => {
    // TR 2, 2, 2.5, 1.5, 2.5 -> ATR @2 = 6.5/3 ; (13/3 + 1.5)/3 = 35/18 ; (70/18 + 2.5)/3 = 115/54
    const b = build('atr', { period: 3, first_bar: 'high_low' });
    expect(b.warmup).toBe(3);
    const v = run(b.indicator, HAND, 1).values[0]!;
    expect(v.slice(0, 2)).toEqual([NaN, NaN]);
    expect(v[2]).toBeCloseTo(6.5 / 3, 14);
    expect(v[3]).toBeCloseTo(35 / 18, 14);
    expect(v[4]).toBeCloseTo(115 / 54, 14);
  });

  it('defaults to period 14 and skip, and ignores the price input', () => {
    const b = build('atr', {}, 'open');
    expect(b.warmup).toBe(15);
    expectSeries(run(b.indicator, bars, 1), [naiveAtr(bars, 14)], 14, 1e-9);
  });

  for (const period of [1, 5, 30]) {
    it(`matches a naive Wilder ATR on every SPY bar (period ${period}, skip)`, () => {
      const expected = naiveAtr(bars, period);
      expect(firstValue(expected)).toBe(period);
      expectSeries(run(build('atr', { period }).indicator, bars, 1), [expected], period, 1e-9);
    });

    it(`matches a naive Wilder ATR on every SPY bar (period ${period}, high_low)`, () => {
      const expected = naiveAtr(bars, period, 'high_low');
      expect(firstValue(expected)).toBe(period - 1);
      expectSeries(
        run(build('atr', { period, first_bar: 'high_low' }).indicator, bars, 1),
        [expected],
        period - 1,
        1e-9,
      );
    });
  }

  it('agrees with ADX: both ignore bar 0, so the ATR is the ADX smoothed true range / period', () => {
    // Wilder's smoothed TR sum in ADX starts with the plain sum of TR over bars 1..n, and
    // S - S/n + TR = n·((S/n)(n-1) + TR)/n: so S/n is this ATR on every bar.
    const n = 14;
    const tr = naiveTr(bars);
    let s = 0;
    const atr = run(build('atr', { period: n }).indicator, bars, 1).values[0]!;
    for (let t = 1; t < 500; t++) {
      s = t <= n ? s + tr[t]! : s - s / n + tr[t]!;
      if (t >= n) expect(atr[t]!).toBeCloseTo(s / n, 9);
    }
  });

  it('has no look-ahead', () => {
    for (const first_bar of ['skip', 'high_low']) {
      const make = () => build('atr', { period: 14, first_bar }).indicator;
      const full = run(make(), bars, 1);
      expectNoLookAhead(make, full, bars, [0, 12, 13, 14, 15, 5000, bars.length - 1]);
    }
  });
});
