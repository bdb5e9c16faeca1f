import { describe, expect, it } from 'vitest';
import { roc_momentum } from '../../../src/domain/strategies/roc-momentum.ts';
import { barsFromCloses, directions, runStrategy } from './run-strategy.ts';

describe('roc_momentum', () => {
  it('end to end with period 2, threshold 5 %: long above, short below, flat inside the dead band', () => {
    //   bar  close  roc = 100·(c - c[2])/c[2]        direction
    //   2    110    100·(110-100)/100 = 10           long
    //   3    100    100·(100-100)/100 = 0            flat
    //   4    95     100·(95-110)/110  = -13.64       short
    //   5    100    100·(100-100)/100 = 0            flat
    //   6    100    100·(100-95)/95   = 5.26         long
    //   7    102    100·(102-100)/100 = 2            flat (|2| ≤ 5)
    const d = runStrategy(
      'roc_momentum',
      { period: 2, threshold: 5 },
      barsFromCloses([100, 100, 110, 100, 95, 100, 100, 102]),
    );
    expect(directions(d)).toEqual([null, null, 1, 0, -1, 0, 1, 0]);
  });

  it('validates params: defaults 10/0, threshold ≥ 0', () => {
    expect(roc_momentum.params.parse({})).toEqual({ period: 10, threshold: 0 });
    expect(roc_momentum.params.safeParse({ threshold: -1 }).success).toBe(false);
  });
});
