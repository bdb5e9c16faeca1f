import { describe, expect, it } from 'vitest';
import { MIN_STRENGTH } from '../../../src/domain/strategies/decision.ts';
import { sma_crossover } from '../../../src/domain/strategies/sma-crossover.ts';
import { loadSpyBars } from '../../helpers/spy.ts';
import { barsFromCloses, directions, feed, logicOf, runStrategy } from './run-strategy.ts';

describe('sma_crossover', () => {
  it('is silent while warming up, then enters and reverses on crossovers', () => {
    // SMA2:  -  10  10  10.5  11.5  11.5  10     8.5   8     8.5   10.5
    // SMA3:  -  -   10  10.33 11    11.33 10.67  9.33  8.33  8.33  9.67
    const closes = [10, 10, 10, 11, 12, 11, 9, 8, 8, 9, 12];
    const d = runStrategy('sma_crossover', { fast_period: 2, slow_period: 3 }, barsFromCloses(closes));
    expect(directions(d)).toEqual([null, null, 0, 1, 1, 1, -1, -1, -1, 1, 1]);
    expect(d[2]!.strength).toBe(0);
  });

  it('scales strength by the gap in percent of the slow SMA, clamped, never 0 when not flat', () => {
    const logic = logicOf('sma_crossover');
    const d = feed(logic, [
      [[NaN, 100], 100],
      [[100.5, 100], 100],
      [[100, 100], 100], // tie: hold long, with the minimum strength
      [[97, 100], 100],
      [[99.8, 100], 100],
    ]);
    expect(d[0]).toBeNull();
    expect(d[1]).toEqual({ direction: 1, strength: 0.5 });
    expect(d[2]).toEqual({ direction: 1, strength: MIN_STRENGTH });
    expect(d[3]).toEqual({ direction: -1, strength: -1 });
    expect(d[4]!.direction).toBe(-1);
    expect(d[4]!.strength).toBeCloseTo(-0.2, 12);
  });

  it('agrees with naive SMAs on 3000 SPY bars', () => {
    const bars = loadSpyBars(3000);
    const px = bars.map((b) => b.close);
    const sma = (t: number, p: number) => (t < p - 1 ? NaN : px.slice(t - p + 1, t + 1).reduce((a, b) => a + b, 0) / p);
    let dir = 0;
    const expected = px.map((_, t) => {
      const f = sma(t, 10);
      const s = sma(t, 30);
      if (Number.isNaN(s)) return null;
      // Ties within rounding are vanishingly unlikely on real prices; a strict compare is the rule.
      if (f > s + 1e-9) dir = 1;
      else if (f < s - 1e-9) dir = -1;
      return dir;
    });
    expect(directions(runStrategy('sma_crossover', {}, bars))).toEqual(expected);
  });

  it('trigger cross: flat until the lines cross; a tie neither crosses nor resets', () => {
    // fast − slow per bar: warm-up, +, +, 0, +, −, 0, −, +
    const logic = logicOf('sma_crossover', { trigger: 'cross' });
    const d = feed(logic, [
      [[NaN, 100], 100],
      [[101, 100], 100], // first difference: no event
      [[102, 100], 100],
      [[100, 100], 100], // tie: still no event
      [[101, 100], 100], // + after a tie that followed +: no cross
      [[99, 100], 100], // + → −: short
      [[100, 100], 100], // tie: hold short
      [[99, 100], 100],
      [[101, 100], 100], // − → +: long
    ]);
    expect(d.map((x) => x?.direction ?? null)).toEqual([null, 0, 0, 0, 0, -1, -1, -1, 1]);
  });

  it('trigger cross on 3000 SPY bars: first entry on the first real cross, then the same as state', () => {
    const bars = loadSpyBars(3000);
    const state = directions(runStrategy('sma_crossover', {}, bars));
    const cross = directions(runStrategy('sma_crossover', { trigger: 'cross' }, bars));
    const first = state.findIndex((d) => d !== null);
    const firstCross = state.findIndex((d, i) => i > first && d !== null && d !== state[first]);
    expect(firstCross).toBeGreaterThan(first);
    // Before the first change of side, cross stays flat; from it on, both agree.
    expect(cross.slice(first, firstCross).every((d) => d === 0)).toBe(true);
    expect(cross.slice(firstCross)).toEqual(state.slice(firstCross));
  });

  it('validates params: defaults 10/30, fast below slow', () => {
    expect(sma_crossover.params.parse({})).toEqual({ fast_period: 10, slow_period: 30 });
    const bad = sma_crossover.params.safeParse({ fast_period: 30, slow_period: 10 });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.path).toEqual(['slow_period']);
    expect(bad.error?.issues[0]?.message).toMatch(/slow_period must be greater than fast_period/);
    expect(sma_crossover.params.safeParse({ fast_period: 0 }).success).toBe(false);
    expect(sma_crossover.params.safeParse({ fastperiod: 5 }).success).toBe(false);
    expect(sma_crossover.params.parse({ trigger: 'cross' })).toEqual({
      fast_period: 10,
      slow_period: 30,
      trigger: 'cross',
    });
    expect(sma_crossover.params.safeParse({ trigger: 'event' }).success).toBe(false);
  });
});
