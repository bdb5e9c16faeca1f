import { describe, expect, it } from 'vitest';
import { psar_trend } from '../../../src/domain/strategies/psar-trend.ts';
import { bar, directions, feed, logicOf, runStrategy } from './run-strategy.ts';

describe('psar_trend', () => {
  it('end to end with the default acceleration: silent on bar 0, long, then short after the reversal', () => {
    // bar 1: -DM = l0 - l1 = -1 ≤ 0 → initial trend long; SAR = l0 = 9, EP = h1 = 12, AF 0.02.
    //   bar  h/l/c       SAR in force                                   close vs SAR   direction
    //   1    12/10/11    9                                              11 > 9         long
    //   2    13/11/12    9 + 0.02·(12 - 9) = 9.06; new high: EP 13, AF 0.04   12 > 9.06  long
    //   3    12/10/11    9.06 + 0.04·(13 - 9.06) = 9.2176               11 > 9.2176    long
    //   4    10/8/9      stop 9.2176 + 0.04·(13 - 9.2176) = 9.3689 ≥ l 8: reverse,
    //                    SAR = max(EP 13, h3 12, h4 10) = 13, EP 8, AF 0.02   9 < 13    short
    //   5    9/7/8       13 + 0.02·(8 - 13) = 12.9                      8 < 12.9       short
    const bars = [
      bar(0, 10, 11, 9),
      bar(1, 11, 12, 10),
      bar(2, 12, 13, 11),
      bar(3, 11, 12, 10),
      bar(4, 9, 10, 8),
      bar(5, 8, 9, 7),
    ];
    expect(directions(runStrategy('psar_trend', {}, bars))).toEqual([null, 1, 1, 1, -1, -1]);
  });

  it('holds the direction when the close equals the SAR', () => {
    const d = feed(logicOf('psar_trend'), [
      [[10], 10], // tie at the start: flat
      [[9], 10],
      [[10], 10],
      [[11], 10],
      [[10], 10],
    ]);
    expect(directions(d)).toEqual([0, 1, 1, -1, -1]);
  });

  it('validates params: defaults 0.02/0.2, step ≤ max', () => {
    expect(psar_trend.params.parse({})).toEqual({ step: 0.02, max: 0.2 });
    const bad = psar_trend.params.safeParse({ step: 0.3, max: 0.2 });
    expect(bad.error?.issues[0]?.path).toEqual(['max']);
  });
});
