import { describe, expect, it } from 'vitest';
import { loadSpyBars } from '../../helpers/spy.ts';
import { build, closes, expectNoLookAhead, expectSeries, firstValue, run } from './harness.ts';

// Naive batch Wilder RSI, straight from the definition, one array per step.
function naiveRsi(xs: readonly number[], p: number): number[] {
  const out = xs.map(() => NaN);
  const gains: number[] = [];
  const losses: number[] = [];
  for (let t = 1; t < xs.length; t++) {
    const d = xs[t]! - xs[t - 1]!;
    gains.push(Math.max(d, 0));
    losses.push(Math.max(-d, 0));
  }
  if (gains.length < p) return out;
  let g = gains.slice(0, p).reduce((a, b) => a + b, 0) / p;
  let l = losses.slice(0, p).reduce((a, b) => a + b, 0) / p;
  const rsi = (): number => (l === 0 ? (g === 0 ? 50 : 100) : 100 - 100 / (1 + g / l));
  out[p] = rsi();
  for (let t = p + 1; t < xs.length; t++) {
    g = (g * (p - 1) + gains[t - 1]!) / p;
    l = (l * (p - 1) + losses[t - 1]!) / p;
    out[t] = rsi();
  }
  return out;
}

const bars = loadSpyBars();
const px = bars.map((b) => b.close);

describe('rsi', () => {
  it('hand-worked example: period 3 on 10, 11, 10.5, 11.5, 12, 11', () => {
    // changes +1, -0.5, +1, +0.5, -1
    // bar 3: avgGain 2/3, avgLoss 1/6, RS 4 -> 80
    // bar 4: avgGain (4/3 + 1/2)/3 = 11/18, avgLoss (1/3)/3 = 1/9, RS 5.5 -> 100 - 100/6.5
    // bar 5: avgGain (22/18)/3 = 11/27, avgLoss (2/9 + 1)/3 = 11/27, RS 1 -> 50
    const { indicator, warmup } = build('rsi', { period: 3 });
    expect(warmup).toBe(4);
    const v = run(indicator, closes([10, 11, 10.5, 11.5, 12, 11]), 1).values[0]!;
    expect(v.slice(0, 3)).toEqual([NaN, NaN, NaN]);
    expect(v[3]).toBeCloseTo(80, 12);
    expect(v[4]).toBeCloseTo(100 - 100 / 6.5, 12);
    expect(v[5]).toBeCloseTo(50, 12);
  });

  it('is 100 with no losses, 0 with no gains, 50 when flat', () => {
    const up = run(build('rsi', { period: 3 }).indicator, closes([1, 2, 3, 4, 5]), 1).values[0]!;
    expect(up.slice(3)).toEqual([100, 100]);
    const down = run(build('rsi', { period: 3 }).indicator, closes([5, 4, 3, 2, 1]), 1).values[0]!;
    expect(down.slice(3)).toEqual([0, 0]);
    const flat = run(build('rsi', { period: 3 }).indicator, closes([7, 7, 7, 7, 7]), 1).values[0]!;
    expect(flat.slice(3)).toEqual([50, 50]);
  });

  it('defaults to period 14 (first value at bar 14)', () => {
    const b = build('rsi', {});
    expect(b.warmup).toBe(15);
    expectSeries(run(b.indicator, bars, 1), [naiveRsi(px, 14)], 14, 1e-9);
  });

  for (const period of [2, 7, 30]) {
    it(`matches a naive batch Wilder RSI on every SPY bar (period ${period})`, () => {
      const b = build('rsi', { period });
      const expected = naiveRsi(px, period);
      expect(firstValue(expected)).toBe(period);
      expect(b.warmup).toBe(period + 1);
      expectSeries(run(b.indicator, bars, 1), [expected], period, 1e-9);
    });
  }

  it('has no look-ahead', () => {
    const make = () => build('rsi', { period: 14 }).indicator;
    const full = run(make(), bars, 1);
    expectNoLookAhead(make, full, bars, [0, 13, 14, 15, 999, bars.length - 1]);
  });
});
