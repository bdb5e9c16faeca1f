import { describe, expect, it } from 'vitest';
import { williams_r_reversion } from '../../../src/domain/strategies/williams-r-reversion.ts';
import { bar, directions, runStrategy } from './run-strategy.ts';

describe('williams_r_reversion', () => {
  it('end to end with %R(3), levels -80/-20: long below -80, flat at ≥ -50, short above -20, flat at ≤ -50', () => {
    // %R = -100·(HH - close)/(HH - LL) over 3 bars:
    //   bar 2: HH 11, LL 9, close 9.2  → -100·1.8/2 = -90    long
    //   bar 3: HH 11, LL 9, close 10.2 → -100·0.8/2 = -40    ≥ -50: flat
    //   bar 4: HH 12, LL 9, close 11.8 → -100·0.2/3 = -6.67  short
    //   bar 5: HH 12, LL 9, close 10   → -100·2/3   = -66.67 ≤ -50: flat
    const bars = [
      bar(0, 10, 11, 9),
      bar(1, 10, 11, 9),
      bar(2, 9.2, 10, 9),
      bar(3, 10.2, 10.5, 9),
      bar(4, 11.8, 12, 10),
      bar(5, 10, 11, 10),
    ];
    expect(directions(runStrategy('williams_r_reversion', { period: 3 }, bars))).toEqual([null, null, 1, 0, -1, 0]);
  });

  it('validates params: defaults 14/-80/-20, levels in [-100, 0], oversold below overbought', () => {
    expect(williams_r_reversion.params.parse({})).toEqual({ period: 14, oversold: -80, overbought: -20 });
    expect(williams_r_reversion.params.safeParse({ overbought: 10 }).success).toBe(false);
    const bad = williams_r_reversion.params.safeParse({ oversold: -20, overbought: -80 });
    expect(bad.error?.issues[0]?.path).toEqual(['overbought']);
  });
});
