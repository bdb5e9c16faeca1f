import { describe, expect, it } from 'vitest';
import { loadSpyBars } from '../../helpers/spy.ts';
import { build, closes, expectNoLookAhead, expectSeries, firstValue, run } from './harness.ts';
import { naiveEma } from './naive.ts';

function naiveDema(xs: readonly number[], p: number): number[] {
  const e1 = naiveEma(xs, p);
  const e2 = naiveEma(e1, p);
  return xs.map((_, t) => 2 * e1[t]! - e2[t]!);
}

function naiveTema(xs: readonly number[], p: number): number[] {
  const e1 = naiveEma(xs, p);
  const e2 = naiveEma(e1, p);
  const e3 = naiveEma(e2, p);
  return xs.map((_, t) => 3 * e1[t]! - 3 * e2[t]! + e3[t]!);
}

const bars = loadSpyBars();
const px = bars.map((b) => b.close);

describe('dema', () => {
  it('hand-worked example: period 2 on 1, 2, 4, 8', () => {
    // E1 (alpha 2/3): 3/2 @1, 19/6 @2, 115/18 @3
    // E2: seed (3/2 + 19/6)/2 = 7/3 @2 ; 7/3 + 2/3·(115/18 - 7/3) = 136/27 @3
    // DEMA: 2·19/6 - 7/3 = 4 @2 ; 2·115/18 - 136/27 = 209/27 @3
    const b = build('dema', { period: 2 });
    expect(b.warmup).toBe(3);
    const v = run(b.indicator, closes([1, 2, 4, 8]), 1).values[0]!;
    expect(v.slice(0, 2)).toEqual([NaN, NaN]);
    expect(v[2]).toBeCloseTo(4, 13);
    expect(v[3]).toBeCloseTo(209 / 27, 13);
  });

  for (const period of [1, 5, 21]) {
    it(`matches 2·EMA - EMA(EMA) on every SPY bar (period ${period})`, () => {
      const b = build('dema', { period });
      const expected = naiveDema(px, period);
      expect(firstValue(expected)).toBe(2 * period - 2);
      expect(b.warmup).toBe(2 * period - 1);
      expectSeries(run(b.indicator, bars, 1), [expected], 2 * period - 2, 1e-10);
    });
  }

  it('has no look-ahead', () => {
    const make = () => build('dema', { period: 10 }).indicator;
    const full = run(make(), bars, 1);
    expectNoLookAhead(make, full, bars, [0, 17, 18, 19, 4000, bars.length - 1]);
  });
});

describe('tema', () => {
  it('hand-worked example: period 2 on 1, 2, 4, 8, 16', () => {
    // E1: 115/18 @3, 691/54 @4 ; E2: 136/27 @3, 827/81 @4 ;
    // E3: seed (7/3 + 136/27)/2 = 199/54 @3 ; 199/54 + 2/3·(827/81 - 199/54) = 3905/486 @4
    // TEMA: 3·115/18 - 3·136/27 + 199/54 = 209/27 @3 ; 3·691/54 - 3·827/81 + 3905/486 = 3838/243 @4
    const b = build('tema', { period: 2 });
    expect(b.warmup).toBe(4);
    const v = run(b.indicator, closes([1, 2, 4, 8, 16]), 1).values[0]!;
    expect(v.slice(0, 3)).toEqual([NaN, NaN, NaN]);
    expect(v[3]).toBeCloseTo(209 / 27, 13);
    expect(v[4]).toBeCloseTo(3838 / 243, 13);
  });

  it('is the constant on a constant series', () => {
    const v = run(build('tema', { period: 3 }).indicator, closes(Array(12).fill(7.25)), 1).values[0]!;
    expect(v.slice(6)).toEqual(Array(6).fill(7.25));
  });

  for (const period of [1, 4, 15]) {
    it(`matches 3·E1 - 3·E2 + E3 on every SPY bar (period ${period})`, () => {
      const b = build('tema', { period });
      const expected = naiveTema(px, period);
      expect(firstValue(expected)).toBe(3 * period - 3);
      expect(b.warmup).toBe(3 * period - 2);
      expectSeries(run(b.indicator, bars, 1), [expected], 3 * period - 3, 1e-10);
    });
  }

  it('has no look-ahead', () => {
    const make = () => build('tema', { period: 10 }).indicator;
    const full = run(make(), bars, 1);
    expectNoLookAhead(make, full, bars, [0, 26, 27, 28, 4000, bars.length - 1]);
  });
});
