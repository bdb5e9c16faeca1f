import { describe, expect, it } from 'vitest';
import { stochastic_reversion } from '../../../src/domain/strategies/stochastic-reversion.ts';
import { bar, directions, runStrategy } from './run-strategy.ts';

// A 3-bar window swings the close from the bottom of the range to the top and back
// (the Williams %R test uses the same bars).
const BARS = [
  bar(0, 10, 11, 9),
  bar(1, 10, 11, 9),
  bar(2, 9.2, 10, 9), //   HH 11, LL 9: %K = 100·(9.2 - 9)/2  = 10
  bar(3, 10.2, 10.5, 9), // HH 11, LL 9: %K = 100·(10.2 - 9)/2 = 60
  bar(4, 11.8, 12, 10), //  HH 12, LL 9: %K = 100·(11.8 - 9)/3 = 93.33
  bar(5, 10, 11, 10), //    HH 12, LL 9: %K = 100·(10 - 9)/3   = 33.33
];

describe('stochastic_reversion', () => {
  it('end to end with the fast %K(3), levels 20/80: long below 20, flat at ≥ 50, short above 80, flat at ≤ 50', () => {
    const d = runStrategy('stochastic_reversion', { k_period: 3, k_smooth: 1 }, BARS);
    expect(directions(d)).toEqual([null, null, 1, 0, -1, 0]);
  });

  it('is silent for k_period + k_smooth - 2 bars with a smoothed %K', () => {
    // %K = SMA2 of raw %K: bar 3 (10+60)/2 = 35, bar 4 76.67, bar 5 63.33: all inside 20..80.
    const d = runStrategy('stochastic_reversion', { k_period: 3, k_smooth: 2 }, BARS);
    expect(directions(d)).toEqual([null, null, null, 0, 0, 0]);
  });

  it('validates params: defaults 14/3/20/80, oversold below overbought', () => {
    expect(stochastic_reversion.params.parse({})).toEqual({ k_period: 14, k_smooth: 3, oversold: 20, overbought: 80 });
    const bad = stochastic_reversion.params.safeParse({ oversold: 80, overbought: 20 });
    expect(bad.error?.issues[0]?.path).toEqual(['overbought']);
  });
});
