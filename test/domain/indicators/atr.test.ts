import { describe, expect, it } from 'vitest';
import type { BarInput } from '../../../src/domain/indicators/indicator.ts';
import { loadSpyBars } from '../../helpers/spy.ts';
import { build, expectNoLookAhead, expectSeries, firstValue, run } from './harness.ts';

// Naive true ranges: h - l on the first bar, then the max of the three distances.
function naiveTr(bars: readonly BarInput[]): number[] {
  return bars.map((b, t) => {
    if (t === 0) return b.high - b.low;
    const pc = bars[t - 1]!.close;
    return Math.max(b.high - b.low, Math.abs(b.high - pc), Math.abs(b.low - pc));
  });
}

// Naive Wilder ATR: mean of the first p true ranges, then Wilder smoothing.
function naiveAtr(bars: readonly BarInput[], p: number): number[] {
  const tr = naiveTr(bars);
  const out = tr.map(() => NaN);
  if (tr.length < p) return out;
  let a = tr.slice(0, p).reduce((x, y) => x + y, 0) / p;
  out[p - 1] = a;
  for (let t = p; t < tr.length; t++) {
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
  it('hand-worked example: h-l first, then the gaps count', () => {
    // bar 1: max(2, |11-9|, |9-9|) = 2 ; bar 2: max(1, |13-10.5|, |12-10.5|) = 2.5
    // bar 3: max(1, |12-12.5|, |11-12.5|) = 1.5 ; bar 4: max(.5, |9-11|, |8.5-11|) = 2.5
    const b = build('true_range', {});
    expect(b.warmup).toBe(1);
    expect(run(b.indicator, HAND, 1).values[0]).toEqual([2, 2, 2.5, 1.5, 2.5]);
  });

  it('matches the naive true range on every SPY bar', () => {
    expectSeries(run(build('true_range', {}).indicator, bars, 1), [naiveTr(bars)], 0, 0);
  });
});

describe('atr', () => {
  it('hand-worked example: period 3', () => {
    // TR 2, 2, 2.5, 1.5, 2.5 -> ATR(2) = 6.5/3 ; (13/3 + 1.5)/3 = 35/18 ; (70/18 + 2.5)/3 = 115/54
    const b = build('atr', { period: 3 });
    expect(b.warmup).toBe(3);
    const v = run(b.indicator, HAND, 1).values[0]!;
    expect(v.slice(0, 2)).toEqual([NaN, NaN]);
    expect(v[2]).toBeCloseTo(6.5 / 3, 14);
    expect(v[3]).toBeCloseTo(35 / 18, 14);
    expect(v[4]).toBeCloseTo(115 / 54, 14);
  });

  it('defaults to period 14 and ignores the price input', () => {
    const b = build('atr', {}, 'open');
    expect(b.warmup).toBe(14);
    expectSeries(run(b.indicator, bars, 1), [naiveAtr(bars, 14)], 13, 1e-9);
  });

  for (const period of [1, 5, 30]) {
    it(`matches a naive Wilder ATR on every SPY bar (period ${period})`, () => {
      const expected = naiveAtr(bars, period);
      expect(firstValue(expected)).toBe(period - 1);
      expectSeries(run(build('atr', { period }).indicator, bars, 1), [expected], period - 1, 1e-9);
    });
  }

  it('has no look-ahead', () => {
    const make = () => build('atr', { period: 14 }).indicator;
    const full = run(make(), bars, 1);
    expectNoLookAhead(make, full, bars, [0, 12, 13, 14, 5000, bars.length - 1]);
  });
});
