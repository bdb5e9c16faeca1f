import { describe, expect, it } from 'vitest';
import { atr_channel_breakout } from '../../../src/domain/strategies/atr-channel-breakout.ts';
import { barsFromCloses, directions, runStrategy } from './run-strategy.ts';

describe('atr_channel_breakout', () => {
  it('end to end with SMA(2) ± 1·ATR(2) of the previous bar: silent 3 bars, long, exit, short, exit, long', () => {
    // Closes only: TR = |c - previous c| from bar 1 (bar 0 has no previous close and no
    // TR); ATR(2) = mean of the first 2 TRs (bars 1, 2), then (ATR + TR)/2. The close is
    // compared with the PREVIOUS bar's channel.
    //   bar  c     SMA2    ATR2     channel (lower/mid/upper)   vs previous channel            direction
    //   1    10    10      -        -                           -                              null
    //   2    10    10      0        10 / 10 / 10                none yet                       null
    //   3    12    11      1        10 / 11 / 12                12 > 10                        long
    //   4    11    11.5    1        10.5 / 11.5 / 12.5          11 ≥ mid 11                    hold long
    //   5    10.5  10.75   0.75     10 / 10.75 / 11.5           10.5 < mid 11.5 (≥ lower 10.5) flat
    //   6    8     9.25    1.625    7.625 / 9.25 / 10.875       8 < lower 10                   short
    //   7    9.5   8.75    1.5625   7.1875 / 8.75 / 10.3125     9.5 > mid 9.25                 flat
    //   8    10.5  10      1.28125  -                           10.5 > upper 10.3125           long
    const d = runStrategy(
      'atr_channel_breakout',
      { period: 2, atr_period: 2, multiplier: 1 },
      barsFromCloses([10, 10, 10, 12, 11, 10.5, 8, 9.5, 10.5]),
    );
    expect(directions(d)).toEqual([null, null, null, 1, 1, 0, -1, 0, 1]);
  });

  it('atr_first_bar: high_low takes bar 0 (TR 0 here) into the ATR: silent 2 bars only, then the same rules', () => {
    const d = runStrategy(
      'atr_channel_breakout',
      { period: 2, atr_period: 2, multiplier: 1, atr_first_bar: 'high_low' },
      barsFromCloses([10, 10, 10, 12, 11, 10.5, 8, 9.5, 10.5]),
    );
    expect(directions(d)).toEqual([null, null, 0, 1, 1, 0, -1, 0, 1]);
  });

  it('validates params: defaults 20/14/2', () => {
    expect(atr_channel_breakout.params.parse({})).toEqual({
      period: 20,
      atr_period: 14,
      multiplier: 2,
      atr_first_bar: 'skip',
    });
    expect(atr_channel_breakout.params.safeParse({ atr_first_bar: 'hl' }).success).toBe(false);
    expect(atr_channel_breakout.params.safeParse({ multiplier: 0 }).success).toBe(false);
  });
});
