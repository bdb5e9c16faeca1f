import { describe, expect, it } from 'vitest';
import type { BarInput } from '../../../src/domain/indicators/indicator.ts';
import { loadSpyBars } from '../../helpers/spy.ts';
import { build, expectNoLookAhead, expectSeries, firstValue, run } from './harness.ts';

// Naive Donchian: scan the whole window (current bar included) at every bar.
function naiveDonchian(bars: readonly BarInput[], p: number): number[][] {
  const out: number[][] = [[], [], []];
  bars.forEach((_, t) => {
    if (t < p - 1) {
      for (const o of out) o.push(NaN);
      return;
    }
    const w = bars.slice(t - p + 1, t + 1);
    const up = Math.max(...w.map((b) => b.high));
    const lo = Math.min(...w.map((b) => b.low));
    out[0]!.push(up);
    out[1]!.push((up + lo) / 2);
    out[2]!.push(lo);
  });
  return out;
}

const hl = (high: number, low: number): BarInput => ({ open: low, high, low, close: low, volume: 0 });
const bars = loadSpyBars();

describe('donchian', () => {
  it('hand-worked example: period 3, the current bar included', () => {
    const b = build('donchian', { period: 3 });
    expect(b.outputs).toEqual(['upper', 'middle', 'lower']);
    expect(b.warmup).toBe(3);
    const r = run(b.indicator, [hl(5, 1), hl(9, 4), hl(6, 3), hl(4, 2), hl(3, 2.5), hl(10, 2)], 3);
    expect(r.values[0]).toEqual([NaN, NaN, 9, 9, 6, 10]);
    expect(r.values[2]).toEqual([NaN, NaN, 1, 2, 2, 2]);
    expect(r.values[1]).toEqual([NaN, NaN, 5, 5.5, 4, 6]);
  });

  it('handles ties and monotonic runs (deque edge cases)', () => {
    const seq = [hl(5, 5), hl(5, 5), hl(5, 5), hl(6, 4), hl(7, 3), hl(8, 2), hl(7, 3), hl(6, 4), hl(5, 5), hl(5, 5)];
    expectSeries(run(build('donchian', { period: 2 }).indicator, seq, 3), naiveDonchian(seq, 2), 1, 0);
    expectSeries(run(build('donchian', { period: 3 }).indicator, seq, 3), naiveDonchian(seq, 3), 2, 0);
  });

  for (const period of [1, 2, 10, 20, 55]) {
    it(`matches a naive window scan on every SPY bar (period ${period})`, () => {
      const expected = naiveDonchian(bars, period);
      expect(firstValue(expected[0]!)).toBe(period - 1);
      expectSeries(run(build('donchian', { period }).indicator, bars, 3), expected, period - 1, 0);
    });
  }

  it('defaults to period 20', () => {
    expect(build('donchian', {}).warmup).toBe(20);
  });

  it('has no look-ahead', () => {
    const make = () => build('donchian', { period: 20 }).indicator;
    const full = run(make(), bars, 3);
    expectNoLookAhead(make, full, bars, [0, 18, 19, 20, 39, 40, 12345, bars.length - 1]);
  });
});
