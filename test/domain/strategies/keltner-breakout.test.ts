import { describe, expect, it } from 'vitest';
import { keltner_breakout } from '../../../src/domain/strategies/keltner-breakout.ts';
import { barsFromCloses, directions, runStrategy } from './run-strategy.ts';

describe('keltner_breakout', () => {
  it('end to end with EMA(2) ± 0.5·ATR(2): silent 2 bars, long above, exit below the middle, short below, exit above', () => {
    // Closes only: TR = |c - previous c| from bar 1 (bar 0 has none). EMA(2) seeded with
    // the SMA of bars 0-1, then e + (2/3)·(c - e); ATR(2) = mean of the first 2 TRs
    // (bars 1, 2), then (ATR + TR)/2.
    //   bar  c     EMA       ATR      lower / upper          direction
    //   1    10    10        -        -                      null
    //   2    10    10        0        10 / 10                inside: flat
    //   3    12    11.3333   1        10.8333 / 11.8333      12 > 11.8333 → long
    //   4    11    11.1111   1        10.6111 / 11.6111      11 < middle 11.1111 → flat
    //   5    10.5  10.7037   0.75     10.3287 / 11.0787      inside: flat
    //   6    8     8.9012    1.625    8.0887 / 9.7137        8 < 8.0887 → short
    //   7    9.5   9.3004    1.5625   8.5191 / 10.0816       9.5 > middle 9.3004 → flat
    const d = runStrategy(
      'keltner_breakout',
      { period: 2, multiplier: 0.5, atr_period: 2 },
      barsFromCloses([10, 10, 10, 12, 11, 10.5, 8, 9.5]),
    );
    expect(directions(d)).toEqual([null, null, 0, 1, 0, 0, -1, 0]);
  });

  it('atr_first_bar: high_low takes bar 0 (TR 0 here) into the ATR: silent 1 bar only, then the same rules', () => {
    const d = runStrategy(
      'keltner_breakout',
      { period: 2, multiplier: 0.5, atr_period: 2, atr_first_bar: 'high_low' },
      barsFromCloses([10, 10, 10, 12, 11, 10.5, 8, 9.5]),
    );
    expect(directions(d)).toEqual([null, 0, 0, 1, 0, 0, -1, 0]);
  });

  it('validates params: defaults 20/2/10', () => {
    expect(keltner_breakout.params.parse({})).toEqual({
      period: 20,
      multiplier: 2,
      atr_period: 10,
      atr_first_bar: 'skip',
    });
    expect(keltner_breakout.params.safeParse({ multiplier: -1 }).success).toBe(false);
  });
});
