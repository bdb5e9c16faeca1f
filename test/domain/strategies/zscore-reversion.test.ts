import { describe, expect, it } from 'vitest';
import { zscore_reversion } from '../../../src/domain/strategies/zscore-reversion.ts';
import { barsFromCloses, directions, runStrategy } from './run-strategy.ts';

describe('zscore_reversion', () => {
  it('end to end with period 3, entry_z 1.2: silent 2 bars, short, exit, long, exit', () => {
    // z = (close - SMA3)/σ3, σ the population standard deviation of the same 3 closes.
    //   bar  window     mean  σ                         z                     direction
    //   2    10 10 10   10    0                         0 (flat window)       flat
    //   3    10 10 13   11    √((1+1+4)/3) = √2         2/√2 = 1.414          > 1.2: short
    //   4    10 13 10   11    √2                        -1/√2 = -0.707        ≤ 0: flat
    //   5    13 10 7    10    √((9+0+9)/3) = √6         -3/√6 = -1.225        < -1.2: long
    //   6    10 7 10    9     √2                        1/√2 = 0.707          ≥ 0: flat
    const d = runStrategy('zscore_reversion', { period: 3, entry_z: 1.2 }, barsFromCloses([10, 10, 10, 13, 10, 7, 10]));
    expect(directions(d)).toEqual([null, null, 0, -1, 0, 1, 0]);
  });

  it('validates params: defaults 20/2, period at least 2', () => {
    expect(zscore_reversion.params.parse({})).toEqual({ period: 20, entry_z: 2 });
    expect(zscore_reversion.params.safeParse({ period: 1 }).success).toBe(false);
    expect(zscore_reversion.params.safeParse({ entry_z: 0 }).success).toBe(false);
  });
});
