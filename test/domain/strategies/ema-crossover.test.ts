import { describe, expect, it } from 'vitest';
import { ema_crossover } from '../../../src/domain/strategies/ema-crossover.ts';
import { barsFromCloses, directions, runStrategy } from './run-strategy.ts';

describe('ema_crossover', () => {
  it('is silent while warming up, then follows the sign of EMA(fast) - EMA(slow)', () => {
    // EMA2 (alpha 2/3), SMA-seeded:  -   10  10    10.67  11.56  11.19  9.73   8.58   8.19   8.73   10.91
    // EMA3 (alpha 1/2), SMA-seeded:  -   -   10    10.5   11.25  11.13  10.06  9.03   8.52   8.76   10.38
    const closes = [10, 10, 10, 11, 12, 11, 9, 8, 8, 9, 12];
    const d = runStrategy('ema_crossover', { fast_period: 2, slow_period: 3 }, barsFromCloses(closes));
    expect(directions(d)).toEqual([null, null, 0, 1, 1, 1, -1, -1, -1, -1, 1]);
  });

  it('validates params: defaults 12/26, fast below slow', () => {
    expect(ema_crossover.params.parse({})).toEqual({ fast_period: 12, slow_period: 26 });
    const bad = ema_crossover.params.safeParse({ fast_period: 26, slow_period: 26 });
    expect(bad.error?.issues[0]?.path).toEqual(['slow_period']);
  });
});
