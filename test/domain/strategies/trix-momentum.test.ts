import { describe, expect, it } from 'vitest';
import { trix_momentum } from '../../../src/domain/strategies/trix-momentum.ts';
import { barsFromCloses, directions, feed, logicOf, runStrategy } from './run-strategy.ts';

describe('trix_momentum', () => {
  it('end to end with TRIX(2): silent 4 bars, long while the triple EMA rises, short when it falls', () => {
    // EMA(2): seeded with the mean of its first 2 inputs, then e + (2/3)·(x - e).
    //   bar  c    E1 = EMA(c)   E2 = EMA(E1)   E3 = EMA(E2)   TRIX = 100·ΔE3/E3'   direction
    //   1    10   10            -              -              -                    null
    //   2    10   10            10             -              -                    null
    //   3    10   10            10             10             - (one E3 only)      null
    //   4    11   10.6667       10.4444        10.2963        +2.963               long
    //   5    12   11.5556       11.1852        10.8889        +5.755               long
    //   6    11   11.1852       11.1852        11.0864        +1.814               long (E3 still rising)
    //   7    10   10.3951       10.6584        10.8011        -2.574               short
    const d = runStrategy('trix_momentum', { period: 2 }, barsFromCloses([10, 10, 10, 10, 11, 12, 11, 10]));
    expect(directions(d)).toEqual([null, null, null, null, 1, 1, 1, -1]);
  });

  it('holds the direction on a TRIX of exactly 0 (flat at the start)', () => {
    const d = feed(logicOf('trix_momentum'), [
      [[0], 1],
      [[0.1], 1],
      [[0], 1],
      [[-0.1], 1],
      [[0], 1],
    ]);
    expect(directions(d)).toEqual([0, 1, 1, -1, -1]);
  });

  it('validates params: default period 15', () => {
    expect(trix_momentum.params.parse({})).toEqual({ period: 15 });
    expect(trix_momentum.params.safeParse({ period: 1.5 }).success).toBe(false);
  });
});
