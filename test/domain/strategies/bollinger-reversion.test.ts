import { describe, expect, it } from 'vitest';
import { bollinger_reversion } from '../../../src/domain/strategies/bollinger-reversion.ts';
import { barsFromCloses, directions, feed, logicOf, runStrategy } from './run-strategy.ts';

describe('bollinger_reversion', () => {
  it('enters outside the bands, exits at the middle band, holds in between', () => {
    const bands = [12, 10, 8]; // upper, middle, lower
    const closes = [9, 7.9, 9.5, 10, 12.5, 10.1, 10, 7, 13];
    const want = [0, 1, 1, 0, -1, -1, 0, 1, -1];
    const d = feed(logicOf('bollinger_reversion'), [[[NaN, NaN, NaN], 9], ...closes.map((c) => [bands, c] as const)]);
    expect(directions(d)).toEqual([null, ...want]);
  });

  it('end to end: silent for period-1 bars, long below the lower band, flat back at the middle', () => {
    // period 3, 1 σ (population): bar 3 window 10, 10, 8: mean 9.33, σ 0.943 -> lower 8.39 > 8
    // bar 4 window 10, 8, 9.5: mean 9.17 <= 9.5 -> exit
    const d = runStrategy('bollinger_reversion', { period: 3, stddev: 1 }, barsFromCloses([10, 10, 10, 8, 9.5, 9.5]));
    expect(directions(d)).toEqual([null, null, 0, 1, 0, 0]);
  });

  it('validates params: defaults 20/2', () => {
    expect(bollinger_reversion.params.parse({})).toEqual({ period: 20, stddev: 2 });
    expect(bollinger_reversion.params.safeParse({ stddev: -1 }).success).toBe(false);
  });
});
