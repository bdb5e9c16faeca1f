import { describe, expect, it } from 'vitest';
import { rsi_bands } from '../../../src/domain/strategies/rsi-bands.ts';
import { barsFromCloses, directions, feed, logicOf, runStrategy } from './run-strategy.ts';

describe('rsi_bands', () => {
  it('end to end with RSI(2), bands 30/70: silent 2 bars, enters at the bands, exits at the mid band 50', () => {
    // changes -1 -1 +1 +1 +1 -1 -1; Wilder RSI(2) = 100·G/(G+L), G/L averaged (x + prev)/2:
    //   bar 2: G 0, L 1 → 0 (long) ; bar 3: G .5, L .5 → 50 (≥ 50: flat) ; bar 4: .75/.25 → 75 (short)
    //   bar 5: 87.5 (short) ; bar 6: .4375/.5625 → 43.75 (≤ 50: flat) ; bar 7: 21.875 (long)
    const d = runStrategy('rsi_bands', { period: 2 }, barsFromCloses([10, 9, 8, 9, 10, 11, 10, 9]));
    expect(directions(d)).toEqual([null, null, 1, 0, -1, -1, 0, 1]);
  });

  it('exits at the mid band between asymmetric bands, on a level rather than a cross', () => {
    // bands 20/60: mid 40. A long exits on any RSI ≥ 40, including the first bar after entry.
    const d = feed(logicOf('rsi_bands', { lower: 20, upper: 60 }), [
      [[NaN], 1],
      [[15], 1],
      [[35], 1], // inside, below 40: hold long
      [[40], 1], // reaches 40: flat
      [[65], 1], // short
      [[45], 1], // hold short
      [[40], 1], // ≤ 40: flat
    ]);
    expect(directions(d)).toEqual([null, 1, 1, 0, -1, -1, 0]);
  });

  it('validates params: defaults 14/30/70, lower below upper', () => {
    expect(rsi_bands.params.parse({})).toEqual({ period: 14, lower: 30, upper: 70 });
    const bad = rsi_bands.params.safeParse({ lower: 70, upper: 30 });
    expect(bad.error?.issues[0]?.path).toEqual(['upper']);
  });
});
