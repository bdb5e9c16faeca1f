import { describe, expect, it } from 'vitest';
import { adx_trend } from '../../../src/domain/strategies/adx-trend.ts';
import { bar, directions, feed, logicOf, runStrategy } from './run-strategy.ts';

describe('adx_trend', () => {
  it('end to end with ADX(2), threshold 45: silent 3 bars, long, hold on a DI tie, short, flat when ADX weakens', () => {
    // Wilder, n = 2. TR uses the previous close; sums S = S - S/2 + x after the first two.
    //   bar  h/l/c            +DM  -DM  TR   S(TR) S(+DM) S(-DM)  +DI    -DI    DX     ADX
    //   0    10.5/9.5/10      -    -    -    -     -      -       -      -      -      -
    //   1    11.5/10.5/11     1    0    1.5  -     -      -       -      -      -      -
    //   2    12.5/11.5/12     1    0    1.5  3     2      0       66.67  0      100    -
    //   3    13.5/12.5/13     1    0    1.5  3     2      0       66.67  0      100    100 (mean)  → long
    //   4    12.5/11.5/12     0    1    1.5  3     1      1       33.33  33.33  0      50          tie: hold long
    //   5    11.5/10.5/11     0    1    1.5  3     0.5    1.5     16.67  50     50     50          → short
    //   6    10.5/9.5/10      0    1    1.5  3     0.25   1.75    8.33   58.33  75     62.5        short
    //   7    10.5/9.5/10      0    0    1    2.5   0.125  0.875   5      35     75     68.75       short
    //   8    11/10/10.5       0.5  0    1    2.25  0.5625 0.4375  25     19.44  12.5   40.625 ≤ 45 → flat
    const bars = [
      bar(0, 10, 10.5, 9.5),
      bar(1, 11, 11.5, 10.5),
      bar(2, 12, 12.5, 11.5),
      bar(3, 13, 13.5, 12.5),
      bar(4, 12, 12.5, 11.5),
      bar(5, 11, 11.5, 10.5),
      bar(6, 10, 10.5, 9.5),
      bar(7, 10, 10.5, 9.5),
      bar(8, 10.5, 11, 10),
    ];
    const d = runStrategy('adx_trend', { period: 2, threshold: 45 }, bars);
    expect(directions(d)).toEqual([null, null, null, 1, 1, -1, -1, -1, 0]);
  });

  it('is flat whenever ADX is at or below the threshold, whatever the DIs say', () => {
    // features: adx, +DI, -DI
    const d = feed(logicOf('adx_trend'), [
      [[NaN, NaN, NaN], 1],
      [[30, 40, 10], 1],
      [[25, 40, 10], 1], // exactly at the threshold: flat
      [[26, 10, 40], 1],
      [[26, 20, 20], 1], // tie: hold short
      [[10, 10, 40], 1],
    ]);
    expect(directions(d)).toEqual([null, 1, 0, -1, -1, 0]);
  });

  it('validates params: defaults 14/25, threshold in [0, 100]', () => {
    expect(adx_trend.params.parse({})).toEqual({ period: 14, threshold: 25 });
    expect(adx_trend.params.safeParse({ threshold: 101 }).success).toBe(false);
    expect(adx_trend.params.safeParse({ period: 0 }).success).toBe(false);
  });
});
