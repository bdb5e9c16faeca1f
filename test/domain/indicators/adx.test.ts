import { describe, expect, it } from 'vitest';
import { loadSpyBars } from '../../helpers/spy.ts';
import { build, expectNoLookAhead, expectSeries, firstValue, run } from './harness.ts';
import { hlc, naiveAdx } from './naive.ts';

const bars = loadSpyBars();

describe('adx', () => {
  it('hand-worked example: period 2', () => {
    // one-bar (+DM, -DM, TR) from bar 1: (1,0,2) (1,0,2) (0,1,3) (1,0,3.5) (0,1,2.5)
    // bar 2: sums TR 4, +DM 2, -DM 0 -> +DI 50, -DI 0, DX 100
    // bar 3: TR 4-2+3 = 5, +DM 2-1+0 = 1, -DM 0+1 = 1 -> DI 20/20, DX 0 -> ADX (100+0)/2 = 50
    // bar 4: TR 5-2.5+3.5 = 6, +DM .5+1 = 1.5, -DM .5 -> +DI 25, -DI 25/3, DX 50 -> ADX 50
    // bar 5: TR 6-3+2.5 = 5.5, +DM .75, -DM .25+1 = 1.25 -> +DI 150/11, -DI 250/11, DX 25 -> ADX 37.5
    const hand = [
      hlc(10, 8, 9),
      hlc(11, 9, 10.5),
      hlc(12, 10, 11),
      hlc(12, 9, 9.5),
      hlc(13, 11, 12.5),
      hlc(12, 10, 10.5),
    ];
    const b = build('adx', { period: 2 });
    expect(b.outputs).toEqual(['adx', 'plus_di', 'minus_di']);
    expect(b.warmup).toBe(4);
    const r = run(b.indicator, hand, 3);
    for (const o of [0, 1, 2]) expect(r.values[o]!.slice(0, 3)).toEqual([NaN, NaN, NaN]);
    expect(r.values[0]!.slice(3)).toEqual([50, 50, 37.5].map((x) => expect.closeTo(x, 12)));
    expect(r.values[1]!.slice(3)).toEqual([20, 25, 150 / 11].map((x) => expect.closeTo(x, 12)));
    expect(r.values[2]!.slice(3)).toEqual([20, 25 / 3, 250 / 11].map((x) => expect.closeTo(x, 12)));
  });

  it('defaults to period 14: first value at bar 27 (2·14 - 1), matching Wilder written out on every SPY bar', () => {
    const b = build('adx', {});
    expect(b.warmup).toBe(28);
    const expected = naiveAdx(bars, 14);
    expect(firstValue(expected[0]!)).toBe(27);
    expectSeries(run(b.indicator, bars, 3), expected, 27, 1e-9);
  });

  for (const period of [1, 5, 30]) {
    it(`matches with period ${period}`, () => {
      expectSeries(run(build('adx', { period }).indicator, bars, 3), naiveAdx(bars, period), 2 * period - 1, 1e-9);
    });
  }

  it('has no look-ahead', () => {
    const make = () => build('adx', {}).indicator;
    const full = run(make(), bars, 3);
    expectNoLookAhead(make, full, bars, [0, 14, 26, 27, 28, 17_000, bars.length - 1]);
  });
});
