import { describe, expect, it } from 'vitest';
import { loadSpyBars } from '../../helpers/spy.ts';
import { build, closes, expectNoLookAhead, expectSeries, firstValue, run } from './harness.ts';

// ZLEMA over the whole series: lag = floor((p - 1)/2), d_t = 2·x_t - x_{t-lag} from bar
// lag on, then an EMA of d seeded with the mean of its first p values.
function naiveZlema(xs: readonly number[], p: number): number[] {
  const lag = Math.floor((p - 1) / 2);
  const out = xs.map(() => NaN);
  const d = xs.map((x, t) => (t < lag ? NaN : 2 * x - xs[t - lag]!));
  const first = lag + p - 1;
  if (first >= xs.length) return out;
  let sum = 0;
  for (let t = lag; t <= first; t++) sum += d[t]!;
  let e = sum / p;
  out[first] = e;
  for (let t = first + 1; t < xs.length; t++) {
    e = e + (2 / (p + 1)) * (d[t]! - e);
    out[t] = e;
  }
  return out;
}

const bars = loadSpyBars();
const px = bars.map((b) => b.close);

describe('zlema', () => {
  it('hand-worked example: period 3 (lag 1) on 1, 2, 4, 8, 16', () => {
    // d = -, 3, 6, 12, 24 ; seed mean(3, 6, 12) = 7 @3 ; alpha 1/2: 7 + (24 - 7)/2 = 15.5 @4
    const b = build('zlema', { period: 3 });
    expect(b.warmup).toBe(4);
    const v = run(b.indicator, closes([1, 2, 4, 8, 16]), 1).values[0]!;
    expect(v.slice(0, 3)).toEqual([NaN, NaN, NaN]);
    expect(v[3]).toBe(7);
    expect(v[4]).toBe(15.5);
  });

  it('period 1 and 2 (lag 0) are the EMA itself', () => {
    for (const period of [1, 2]) {
      const z = run(build('zlema', { period }).indicator, bars, 1).values[0]!;
      const e = run(build('ema', { period }).indicator, bars, 1).values[0]!;
      expect(z).toEqual(e);
    }
  });

  for (const period of [3, 10, 21, 50]) {
    it(`matches the whole-series reference on every SPY bar (period ${period})`, () => {
      const b = build('zlema', { period });
      const lag = Math.floor((period - 1) / 2);
      expect(b.warmup).toBe(lag + period);
      const expected = naiveZlema(px, period);
      expect(firstValue(expected)).toBe(lag + period - 1);
      expectSeries(run(b.indicator, bars, 1), [expected], lag + period - 1, 1e-10);
    });
  }

  it('reads the chosen input (hl2)', () => {
    const hl2 = bars.map((x) => (x.high + x.low) / 2);
    expectSeries(run(build('zlema', { period: 20 }, 'hl2').indicator, bars, 1), [naiveZlema(hl2, 20)], 28, 1e-10);
  });

  it('has no look-ahead', () => {
    const make = () => build('zlema', { period: 20 }).indicator;
    const full = run(make(), bars, 1);
    expectNoLookAhead(make, full, bars, [0, 9, 27, 28, 29, 6000, bars.length - 1]);
  });
});
