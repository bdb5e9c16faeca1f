import { describe, expect, it } from 'vitest';
import { loadSpyBars } from '../../helpers/spy.ts';
import { build, expectNoLookAhead, expectSeries, run } from './harness.ts';
import { hlc } from './naive.ts';

const bars = loadSpyBars();

describe('obv', () => {
  it('hand-worked example: 0, +200, unchanged, -400, +500', () => {
    const hand = [
      hlc(10, 10, 10, 100),
      hlc(11, 11, 11, 200),
      hlc(11, 11, 11, 300),
      hlc(10.5, 10.5, 10.5, 400),
      hlc(12, 12, 12, 500),
    ];
    const b = build('obv', {});
    expect(b.warmup).toBe(1);
    expect(run(b.indicator, hand, 1).values[0]).toEqual([0, 200, 200, -200, 300]);
  });

  it('matches the naive signed volume sum on every SPY bar', () => {
    const expected = bars.map((_, t) => {
      let s = 0;
      for (let i = 1; i <= t; i++) s += Math.sign(bars[i]!.close - bars[i - 1]!.close) * bars[i]!.volume;
      return s;
    });
    expectSeries(run(build('obv', {}).indicator, bars, 1), [expected], 0, 0);
  });

  it('has no look-ahead', () => {
    const make = () => build('obv', {}).indicator;
    const full = run(make(), bars, 1);
    expectNoLookAhead(make, full, bars, [0, 1, 2, 13_000, bars.length - 1]);
  });
});
