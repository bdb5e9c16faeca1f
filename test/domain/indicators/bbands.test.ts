import { describe, expect, it } from 'vitest';
import { loadSpyBars } from '../../helpers/spy.ts';
import { build, closes, expectNoLookAhead, expectSeries, firstValue, run } from './harness.ts';

// Naive Bollinger Bands: two-pass mean and σ of every full window.
function naiveBbands(xs: readonly number[], p: number, k: number, ddof: number): number[][] {
  const out: number[][] = [[], [], [], [], []];
  xs.forEach((x, t) => {
    if (t < p - 1) {
      for (const o of out) o.push(NaN);
      return;
    }
    const w = xs.slice(t - p + 1, t + 1);
    const m = w.reduce((a, b) => a + b, 0) / p;
    const sd = Math.sqrt(w.reduce((a, b) => a + (b - m) ** 2, 0) / (p - ddof));
    const up = m + k * sd;
    const lo = m - k * sd;
    out[0]!.push(up);
    out[1]!.push(m);
    out[2]!.push(lo);
    out[3]!.push(up === lo ? 0.5 : (x - lo) / (up - lo));
    out[4]!.push((up - lo) / m);
  });
  return out;
}

const bars = loadSpyBars();
const px = bars.map((b) => b.close);

describe('bbands', () => {
  it('hand-worked example: period 4, k 2 on 2, 4, 4, 6', () => {
    // mean 4, population σ = sqrt((4+0+0+4)/4) = sqrt(2)
    const b = build('bbands', { period: 4, stddev: 2 });
    expect(b.outputs).toEqual(['upper', 'middle', 'lower', 'percent_b', 'bandwidth']);
    const r = run(b.indicator, closes([2, 4, 4, 6]), 5);
    const s = Math.SQRT2;
    const expected = [4 + 2 * s, 4, 4 - 2 * s, (2 + 2 * s) / (4 * s), s];
    expected.forEach((e, o) => expect(r.values[o]![3]).toBeCloseTo(e, 13));
    expect(r.values.map((v) => v[2])).toEqual([NaN, NaN, NaN, NaN, NaN]);
  });

  it('defaults to period 20, 2 σ, population σ (ddof 0), matching a naive two-pass on every SPY bar', () => {
    const b = build('bbands', {});
    expect(b.warmup).toBe(20);
    const expected = naiveBbands(px, 20, 2, 0);
    expect(firstValue(expected[0]!)).toBe(19);
    // percent_b divides by the band width; 1e-9 of an O(1) value is still strict.
    expectSeries(run(b.indicator, bars, 5), expected, 19, 1e-9);
  });

  for (const [period, k, ddof] of [
    [5, 1.5, 0],
    [20, 2, 1],
    [50, 2.5, 0],
  ] as const) {
    it(`matches a naive two-pass on every SPY bar (period ${period}, k ${k}, ddof ${ddof})`, () => {
      const b = build('bbands', { period, stddev: k, ddof });
      expectSeries(run(b.indicator, bars, 5), naiveBbands(px, period, k, ddof), period - 1, 1e-9);
    });
  }

  it('a flat window has coinciding bands, percent_b 0.5 and bandwidth 0', () => {
    const r = run(build('bbands', { period: 3 }).indicator, closes([500.01, 500.02, 500.01, 500.01, 500.01]), 5);
    expect(r.values.map((v) => v[4])).toEqual([500.01, 500.01, 500.01, 0.5, 0]);
  });

  it('has no look-ahead', () => {
    const make = () => build('bbands', { period: 20 }).indicator;
    const full = run(make(), bars, 5);
    expectNoLookAhead(make, full, bars, [0, 18, 19, 20, 39, 40, 7777, bars.length - 1]);
  });

  it('rejects bad params', () => {
    expect(() => build('bbands', { stddev: 0 })).toThrow();
    expect(() => build('bbands', { period: 1, ddof: 1 })).toThrow();
    expect(() => build('bbands', { ddof: 2 })).toThrow();
  });
});
