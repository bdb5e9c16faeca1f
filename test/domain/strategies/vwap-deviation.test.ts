import { describe, expect, it } from 'vitest';
import { vwap_deviation } from '../../../src/domain/strategies/vwap-deviation.ts';
import type { BarEvent } from '../../../src/events/index.ts';
import { bar, directions, runStrategy } from './run-strategy.ts';

/** A bar with h = l = c (so the typical price is the close) and a volume. */
function vbar(index: number, close: number, volume: number): BarEvent {
  return { ...bar(index, close), volume };
}

describe('vwap_deviation', () => {
  it('end to end with threshold 1 %: decides from bar 0, enters beyond ±1 %, exits back at the VWAP', () => {
    //   bar  close  vol  Σ tp·v   Σ v   VWAP      d = 100·(c - vwap)/vwap   direction
    //   0    100    1    100      1     100       0                          flat
    //   1    102    1    202      2     101       0.99                       flat (≤ 1)
    //   2    98     2    398      4     99.5      -1.51                      long
    //   3    100    4    798      8     99.75     0.25                       ≥ 0: flat
    //   4    102    0    798      8     99.75     2.26                       short
    //   5    99     8    1590     16    99.375    -0.38                      ≤ 0: flat
    const bars = [vbar(0, 100, 1), vbar(1, 102, 1), vbar(2, 98, 2), vbar(3, 100, 4), vbar(4, 102, 0), vbar(5, 99, 8)];
    expect(directions(runStrategy('vwap_deviation', { threshold: 1 }, bars))).toEqual([0, 0, 1, 0, -1, 0]);
  });

  it('measures against the new session after the UTC date changes', () => {
    const day = 86_400_000;
    // Session 1 VWAP 100; at the next day the VWAP restarts at the first bar's price, 95,
    // so 95 is no deviation (it would be -5 % against the old VWAP).
    const b0 = vbar(0, 100, 10);
    const b1 = { ...vbar(1, 95, 10), ts: day + 60_000 };
    const b2 = { ...vbar(2, 93, 10), ts: day + 120_000 }; // VWAP 94: -1.06 %
    expect(directions(runStrategy('vwap_deviation', { threshold: 1 }, [b0, b1, b2]))).toEqual([0, 0, 1]);
  });

  it('validates params: defaults 0/1', () => {
    expect(vwap_deviation.params.parse({})).toEqual({ session_start: 0, threshold: 1 });
    expect(vwap_deviation.params.safeParse({ threshold: 0 }).success).toBe(false);
    expect(vwap_deviation.params.safeParse({ session_start: 1440 }).success).toBe(false);
  });
});
