import { describe, expect, it } from 'vitest';
import { loadSpyBars } from '../../helpers/spy.ts';
import { build, closes, expectNoLookAhead, expectSeries, firstValue, run } from './harness.ts';
import { naiveWilder } from './naive.ts';

const bars = loadSpyBars();
const px = bars.map((b) => b.close);

describe('smma / rma', () => {
  it('hand-worked example: period 3 on 1, 2, 3, 4, 10', () => {
    // seed (1 + 2 + 3)/3 = 2 ; (2·2 + 4)/3 = 8/3 ; (2·8/3 + 10)/3 = 46/9
    for (const name of ['smma', 'rma']) {
      const b = build(name, { period: 3 });
      expect(b.warmup).toBe(3);
      const v = run(b.indicator, closes([1, 2, 3, 4, 10]), 1).values[0]!;
      expect(v.slice(0, 2)).toEqual([NaN, NaN]);
      expect(v[2]).toBe(2);
      expect(v[3]).toBeCloseTo(8 / 3, 14);
      expect(v[4]).toBeCloseTo(46 / 9, 14);
    }
  });

  for (const period of [1, 14, 40]) {
    it(`matches a naive SMA-seeded Wilder smoothing on every SPY bar (period ${period})`, () => {
      const expected = naiveWilder(px, period);
      expect(firstValue(expected)).toBe(period - 1);
      expectSeries(run(build('smma', { period }).indicator, bars, 1), [expected], period - 1, 1e-12);
      expectSeries(run(build('rma', { period }).indicator, bars, 1), [expected], period - 1, 1e-12);
    });
  }

  it('is the smoothing of Wilder RSI averages: smma of gains matches the rsi average gain', () => {
    // RSI 14 from smma(14) of gains and losses, as Wilder defines it.
    const gains = px.slice(1).map((x, i) => Math.max(x - px[i]!, 0));
    const losses = px.slice(1).map((x, i) => Math.max(px[i]! - x, 0));
    const g = run(build('smma', { period: 14 }).indicator, closes(gains), 1).values[0]!;
    const l = run(build('smma', { period: 14 }).indicator, closes(losses), 1).values[0]!;
    const rsi = run(build('rsi', { period: 14 }).indicator, bars, 1).values[0]!;
    for (const t of [13, 14, 500, gains.length - 1]) {
      const expected = l[t] === 0 ? 100 : 100 - 100 / (1 + g[t]! / l[t]!);
      expect(rsi[t + 1]).toBeCloseTo(expected, 9);
    }
  });

  it('has no look-ahead', () => {
    const make = () => build('rma', { period: 14 }).indicator;
    const full = run(make(), bars, 1);
    expectNoLookAhead(make, full, bars, [0, 12, 13, 14, 3000, bars.length - 1]);
  });
});
