import { describe, expect, it } from 'vitest';
import { momentum_sign } from '../../../src/domain/strategies/momentum-sign.ts';
import { barsFromCloses, directions, runStrategy } from './run-strategy.ts';

describe('momentum_sign', () => {
  it('end to end with period 2: silent 2 bars, follows the sign of close - close[2], holds on 0', () => {
    //   bar   2        3        4        5        6
    //   mom   12-10=2  12-11=1  11-12=-1 12-12=0  13-11=2
    //         long     long     short    hold     long
    const d = runStrategy('momentum_sign', { period: 2 }, barsFromCloses([10, 11, 12, 12, 11, 12, 13]));
    expect(directions(d)).toEqual([null, null, 1, 1, -1, -1, 1]);
  });

  it('validates params: default period 10', () => {
    expect(momentum_sign.params.parse({})).toEqual({ period: 10 });
    expect(momentum_sign.params.safeParse({ period: 0 }).success).toBe(false);
  });
});
