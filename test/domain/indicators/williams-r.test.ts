import { describe, expect, it } from 'vitest';
import { loadSpyBars } from '../../helpers/spy.ts';
import { build, expectNoLookAhead, expectSeries, run } from './harness.ts';
import { hlc, naiveMax, naiveMin } from './naive.ts';

const bars = loadSpyBars();

function naiveWilliamsR(p: number): number[] {
  const hh = naiveMax(
    bars.map((b) => b.high),
    p,
  );
  const ll = naiveMin(
    bars.map((b) => b.low),
    p,
  );
  return bars.map((b, t) =>
    hh[t]! > ll[t]! ? (-100 * (hh[t]! - b.close)) / (hh[t]! - ll[t]!) : hh[t] === ll[t] ? -50 : NaN,
  );
}

describe('williams_r', () => {
  it('hand-worked example: period 3', () => {
    // -100·(12-11)/(12-8) = -25 @2 ; -100·(12-9.5)/3 @3 ; -100·(13-12.5)/4 = -12.5 @4 ; -100·(14-12)/5 = -40 @5
    const hand = [
      hlc(10, 8, 9),
      hlc(11, 9, 10.5),
      hlc(12, 10, 11),
      hlc(12, 9, 9.5),
      hlc(13, 11, 12.5),
      hlc(14, 12, 12),
    ];
    const b = build('williams_r', { period: 3 });
    expect(b.warmup).toBe(3);
    const v = run(b.indicator, hand, 1).values[0]!;
    expect(v.slice(0, 2)).toEqual([NaN, NaN]);
    expect(v[2]).toBeCloseTo(-25, 13);
    expect(v[3]).toBeCloseTo(-250 / 3, 13);
    expect(v[4]).toBeCloseTo(-12.5, 13);
    expect(v[5]).toBeCloseTo(-40, 13);
  });

  it('is -50 on a flat window', () => {
    expect(run(build('williams_r', { period: 2 }).indicator, [hlc(5, 5, 5), hlc(5, 5, 5)], 1).values[0]).toEqual([
      NaN,
      -50,
    ]);
  });

  for (const period of [1, 14, 60]) {
    it(`matches the naive %R on every SPY bar (period ${period})`, () => {
      const b = build('williams_r', period === 14 ? {} : { period });
      expect(b.warmup).toBe(period);
      expectSeries(run(b.indicator, bars, 1), [naiveWilliamsR(period)], period - 1, 1e-12);
    });
  }

  it('has no look-ahead', () => {
    const make = () => build('williams_r', {}).indicator;
    const full = run(make(), bars, 1);
    expectNoLookAhead(make, full, bars, [0, 12, 13, 14, 2222, bars.length - 1]);
  });
});
