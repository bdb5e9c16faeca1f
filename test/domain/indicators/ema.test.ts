import { describe, expect, it } from 'vitest';
import { loadSpyBars } from '../../helpers/spy.ts';
import { build, closes, expectNoLookAhead, expectSeries, firstValue, run } from './harness.ts';

/**
 * Naive EMA written out in closed form, recomputed from scratch at every bar:
 *   EMA_t = (1-a)^(t-p+1) * seed + sum_{k=0}^{t-p} a (1-a)^k x_{t-k},  seed = mean(x_0..x_{p-1})
 * which is what the recursion ema += a (x - ema), started from the SMA seed, unrolls to.
 * Terms below 1e-18 of the seed weight are dropped (they cannot change a double).
 */
function naiveEma(xs: readonly number[], p: number): number[] {
  const a = 2 / (p + 1);
  let seed = 0;
  for (let i = 0; i < p; i++) seed += xs[i]!;
  seed /= p;
  return xs.map((_, t) => {
    if (t < p - 1) return NaN;
    let s = 0;
    let w = a;
    let k = 0;
    for (; k <= t - p && w > 1e-18; k++, w *= 1 - a) s += w * xs[t - k]!;
    const rest = t - p + 1;
    return s + Math.pow(1 - a, rest) * seed;
  });
}

const bars = loadSpyBars();
const px = bars.map((b) => b.close);

describe('ema', () => {
  it('hand-worked example: period 3 (alpha 0.5) on 2, 4, 6, 8, 4 is seeded with the SMA', () => {
    const { indicator } = build('ema', { period: 3 });
    // seed = (2+4+6)/3 = 4; then 4 + 0.5(8-4) = 6; 6 + 0.5(4-6) = 5.
    // (Seeding with the first price instead would give 4.5, 6.25, 5.125.)
    expect(run(indicator, closes([2, 4, 6, 8, 4]), 1).values[0]).toEqual([NaN, NaN, 4, 6, 5]);
  });

  for (const period of [1, 3, 12, 26, 100]) {
    it(`matches the closed-form EMA on every SPY bar (period ${period})`, () => {
      const b = build('ema', { period });
      const expected = naiveEma(px, period);
      expect(firstValue(expected)).toBe(period - 1);
      expect(b.warmup).toBe(period);
      expectSeries(run(b.indicator, bars, 1), [expected], period - 1, 1e-10);
    });
  }

  it('has no look-ahead', () => {
    const make = () => build('ema', { period: 12 }).indicator;
    const full = run(make(), bars, 1);
    expectNoLookAhead(make, full, bars, [0, 10, 11, 12, 500, bars.length - 1]);
  });

  it('reset forgets everything', () => {
    const { indicator } = build('ema', { period: 3 });
    run(indicator, bars.slice(0, 30), 1);
    indicator.reset();
    expect(run(indicator, closes([2, 4, 6, 8]), 1).values[0]).toEqual([NaN, NaN, 4, 6]);
  });
});
