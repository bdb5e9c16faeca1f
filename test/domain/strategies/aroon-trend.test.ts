import { describe, expect, it } from 'vitest';
import { aroon_trend } from '../../../src/domain/strategies/aroon-trend.ts';
import { bar, directions, runStrategy } from './run-strategy.ts';

describe('aroon_trend', () => {
  it('end to end with Aroon(2), threshold 50: long / flat / short by the oscillator, strength osc/100', () => {
    // Over the last 3 bars: up = 100·(2 - bars since the highest high)/2, down likewise for
    // the lowest low (ties go to the most recent bar).
    //   bar  high  low   highs / lows in window     up    down  osc    direction
    //   2    13    11    11 12 13 / 9 10 11         100   0     100    long, strength 1
    //   3    12    10    12 13 12 / 10 11 10        50    100   -50    |osc| ≤ 50: flat
    //   4    11    8     13 12 11 / 11 10 8         0     100   -100   short, strength -1
    //   5    14    9     12 11 14 / 10 8 9          100   50    50     |osc| ≤ 50: flat
    const bars = [
      bar(0, 10, 11, 9),
      bar(1, 11, 12, 10),
      bar(2, 12, 13, 11),
      bar(3, 11, 12, 10),
      bar(4, 9, 11, 8),
      bar(5, 13, 14, 9),
    ];
    const d = runStrategy('aroon_trend', { period: 2, threshold: 50 }, bars);
    expect(directions(d)).toEqual([null, null, 1, 0, -1, 0]);
    expect(d[2]).toEqual({ direction: 1, strength: 1 });
    expect(d[4]).toEqual({ direction: -1, strength: -1 });
  });

  it('validates params: defaults 25/50, threshold in [0, 100)', () => {
    expect(aroon_trend.params.parse({})).toEqual({ period: 25, threshold: 50 });
    expect(aroon_trend.params.safeParse({ threshold: 100 }).success).toBe(false);
  });
});
