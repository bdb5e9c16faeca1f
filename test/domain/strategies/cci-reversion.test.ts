import { describe, expect, it } from 'vitest';
import { cci_reversion } from '../../../src/domain/strategies/cci-reversion.ts';
import { barsFromCloses, directions, runStrategy } from './run-strategy.ts';

describe('cci_reversion', () => {
  it('end to end with CCI(3), levels -80/80: silent 2 bars, short, hold, long, flat at ≥ 0', () => {
    // Closes only, so tp = close. CCI = (tp - mean)/(0.015·MD), MD = mean |tp_i - mean|.
    //   bar  window      mean     tp - mean  MD      CCI                    direction
    //   2    10 10 10    10       0          0       0 (flat window)        flat
    //   3    10 10 13    11       2          4/3     2/0.02 = 100           short
    //   4    10 13 13    12       1          4/3     1/0.02 = 50            hold short (> 0)
    //   5    13 13 10    12       -2         4/3     -2/0.02 = -100         long
    //   6    13 10 12    11.667   0.333      1.111   0.333/0.01667 = 20     ≥ 0: flat
    const d = runStrategy(
      'cci_reversion',
      { period: 3, oversold: -80, overbought: 80 },
      barsFromCloses([10, 10, 10, 13, 13, 10, 12]),
    );
    expect(directions(d)).toEqual([null, null, 0, -1, -1, 1, 0]);
  });

  it('validates params: defaults 20/-100/100, oversold below overbought', () => {
    expect(cci_reversion.params.parse({})).toEqual({ period: 20, oversold: -100, overbought: 100 });
    const bad = cci_reversion.params.safeParse({ oversold: 100, overbought: -100 });
    expect(bad.error?.issues[0]?.path).toEqual(['overbought']);
  });
});
