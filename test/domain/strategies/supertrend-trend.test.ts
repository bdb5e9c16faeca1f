import { describe, expect, it } from 'vitest';
import { supertrend_trend } from '../../../src/domain/strategies/supertrend-trend.ts';
import { barsFromCloses, directions, feed, logicOf, runStrategy } from './run-strategy.ts';

describe('supertrend_trend', () => {
  it('end to end with SuperTrend(2, 1): flat until the first flip, then follows it', () => {
    // Bars are closes only (h = l = c), so hl2 = c and TR = |c - previous c| from bar 1
    // (bar 0 has no previous close, no TR). ATR(2): mean of the first 2 TRs (bars 1, 2:
    // 0, 0), then (ATR + TR)/2.
    //   bar  c   TR  ATR     basic up/low      final up / low    ST dir  strategy
    //   0    10  -   -       -                 -                 -       null
    //   1    10  0   -       -                 -                 -       null
    //   2    10  0   0       10 / 10           10 / 10           -1      flat (boot direction)
    //   3    12  2   1       13 / 11           10 / 11           12 > up 10 → +1: flip → long
    //   4    13  1   1       14 / 12           14 / 12           +1      long
    //   5    13  0   0.5     13.5 / 12.5       13.5 / 12.5       +1      long
    //   6    11  2   1.25    12.25 / 9.75      12.25 / 12.5      11 < low 12.5 → -1: short
    //   7    9   2   1.625   10.625 / 7.375    10.625 / 7.375    -1      short
    //   8    9   0   0.8125  9.8125 / 8.1875   9.8125 / 8.1875   -1      short
    //   9    12  3   1.90625 13.906 / 10.094   9.8125 / 10.094   12 > up 9.8125 → +1: long
    const d = runStrategy(
      'supertrend_trend',
      { period: 2, multiplier: 1 },
      barsFromCloses([10, 10, 10, 12, 13, 13, 11, 9, 9, 12]),
    );
    expect(directions(d)).toEqual([null, null, 0, 1, 1, 1, -1, -1, -1, 1]);
  });

  it('atr_first_bar: high_low (TradingView) boots one bar earlier, here with the same flips', () => {
    const d = runStrategy(
      'supertrend_trend',
      { period: 2, multiplier: 1, atr_first_bar: 'high_low' },
      barsFromCloses([10, 10, 10, 12, 13, 13, 11, 9, 9, 12]),
    );
    expect(directions(d)).toEqual([null, 0, 0, 1, 1, 1, -1, -1, -1, 1]);
  });

  it('ignores the boot direction even when it never changes, and follows a flip down too', () => {
    const d = feed(logicOf('supertrend_trend'), [
      [[NaN], 1],
      [[1], 1], // (a boot direction of +1 would be ignored too)
      [[1], 1],
      [[-1], 1],
      [[-1], 1],
      [[1], 1],
    ]);
    expect(directions(d)).toEqual([null, 0, 0, -1, -1, 1]);
  });

  it('validates params: defaults 10/3', () => {
    expect(supertrend_trend.params.parse({})).toEqual({ period: 10, multiplier: 3, atr_first_bar: 'skip' });
    expect(supertrend_trend.params.safeParse({ multiplier: 0 }).success).toBe(false);
  });
});
