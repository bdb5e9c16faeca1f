import { describe, expect, it } from 'vitest';
import { loadSpyBars } from '../../helpers/spy.ts';
import { build, closes, expectNoLookAhead, expectSeries, firstValue, run } from './harness.ts';
import { gated, naiveEma } from './naive.ts';

// StockCharts' PPO as array operations: 100·(EMA fast - EMA slow)/EMA slow, an EMA of it as
// the signal, their difference; nothing shown until the signal exists.
function naivePpo(xs: readonly number[], fast: number, slow: number, signal: number): number[][] {
  const f = naiveEma(xs, fast);
  const s = naiveEma(xs, slow);
  const line = xs.map((_, t) => (100 * (f[t]! - s[t]!)) / s[t]!);
  const sig = naiveEma(line, signal);
  return [gated(line, sig), sig, line.map((l, t) => l - sig[t]!)];
}

const bars = loadSpyBars();
const px = bars.map((b) => b.close);

describe('ppo', () => {
  it('hand-worked example: fast 2, slow 3, signal 2 (the MACD example, divided by EMA3)', () => {
    // closes 1, 2, 4, 8, 16 ; EMA2 19/6 @2, 115/18 @3, 691/54 @4 ; EMA3 7/3 @2, 31/6 @3, 127/12 @4
    // line 100·(5/6)/(7/3) = 250/7 @2 ; 100·(11/9)/(31/6) = 2200/93 @3 ; 100·(239/108)/(127/12) = 23900/1143 @4
    // signal: mean(250/7, 2200/93) @3 ; then + 2/3·(line - signal) @4
    const b = build('ppo', { fast: 2, slow: 3, signal: 2 });
    expect(b.outputs).toEqual(['line', 'signal', 'histogram']);
    expect(b.warmup).toBe(4);
    const r = run(b.indicator, closes([1, 2, 4, 8, 16]), 3);
    for (const o of [0, 1, 2]) expect(r.values[o]!.slice(0, 3)).toEqual([NaN, NaN, NaN]);
    const s3 = (250 / 7 + 2200 / 93) / 2;
    const s4 = s3 + (2 / 3) * (23900 / 1143 - s3);
    expect(r.values[0]![3]).toBeCloseTo(2200 / 93, 11);
    expect(r.values[1]![3]).toBeCloseTo(s3, 11);
    expect(r.values[2]![3]).toBeCloseTo(2200 / 93 - s3, 11);
    expect(r.values[0]![4]).toBeCloseTo(23900 / 1143, 11);
    expect(r.values[1]![4]).toBeCloseTo(s4, 11);
    expect(r.values[2]![4]).toBeCloseTo(23900 / 1143 - s4, 11);
  });

  it('defaults to 12/26/9, ready at bar 33, matching the reference on every SPY bar', () => {
    const b = build('ppo', {});
    expect(b.warmup).toBe(34);
    const expected = naivePpo(px, 12, 26, 9);
    expect(firstValue(expected[1]!)).toBe(33);
    expectSeries(run(b.indicator, bars, 3), expected, 33, 1e-10);
  });

  it('matches the reference with other periods (5/35/5 on open)', () => {
    const open = bars.map((x) => x.open);
    expectSeries(
      run(build('ppo', { fast: 5, slow: 35, signal: 5 }, 'open').indicator, bars, 3),
      naivePpo(open, 5, 35, 5),
      38,
      1e-10,
    );
  });

  it('is the MACD line as a percentage of the slow EMA', () => {
    const ppo = run(build('ppo', {}).indicator, bars, 3).values[0]!;
    const macd = run(build('macd', {}).indicator, bars, 3).values[0]!;
    const slow = naiveEma(px, 26);
    for (let t = 33; t < bars.length; t += 997) expect(ppo[t]!).toBeCloseTo((100 * macd[t]!) / slow[t]!, 9);
  });

  it('rejects fast >= slow', () => {
    expect(() => build('ppo', { fast: 26, slow: 26 })).toThrow(/slow must be greater than fast/);
  });

  it('has no look-ahead', () => {
    const make = () => build('ppo', {}).indicator;
    const full = run(make(), bars, 3);
    expectNoLookAhead(make, full, bars, [0, 25, 32, 33, 34, 4321, bars.length - 1]);
  });
});
