import { describe, expect, it } from 'vitest';
import { donchian_breakout } from '../../../src/domain/strategies/donchian-breakout.ts';
import { bar, directions, feed, logicOf, runStrategy } from './run-strategy.ts';

describe('donchian_breakout', () => {
  it("compares the close with the previous bar's channels", () => {
    // features: upper(period), lower(period), upper(exit), lower(exit)
    const d = feed(logicOf('donchian_breakout'), [
      [[NaN, NaN, NaN, NaN], 8],
      [[10, 5, 9, 6], 8], // first channel: no previous one yet
      [[10.5, 5, 10.5, 6], 10.5], // > previous upper 10: long
      [[10.5, 5, 10.5, 6], 7], // above previous exit lower 6: hold
      [[10.5, 5, 10.5, 5.5], 5.5], // < previous exit lower 6: flat
      [[10.5, 4, 8, 4], 4.5], // < previous lower 5: short
      [[10.5, 4, 8, 4], 8], // not above previous exit upper 8: hold
      [[10.5, 4, 9, 4], 9], // > previous exit upper 8, below previous upper 10.5: flat
    ]);
    expect(directions(d)).toEqual([null, null, 1, 1, 0, -1, -1, 0]);
  });

  it('end to end: period 3 / exit 2 on handcrafted bars', () => {
    const bars = [
      bar(0, 9.5, 10, 9),
      bar(1, 10, 10.2, 9.4),
      bar(2, 9.8, 10.1, 9.6), // channels exist: upper 10.2, lower 9; exit 10.2 / 9.4
      bar(3, 10.5, 10.6, 9.9), // 10.5 > 10.2: long (the current upper, 10.6, would not trigger)
      bar(4, 9.55, 10.5, 9.5), // 9.55 < previous exit lower 9.6: flat
      bar(5, 9.3, 9.6, 9.2), // 9.3 < previous lower 9.5: short
      bar(6, 10.55, 10.6, 9.4), // > previous exit upper 10.5, not > previous upper 10.6: flat
    ];
    expect(directions(runStrategy('donchian_breakout', { period: 3, exit_period: 2 }, bars))).toEqual([
      null,
      null,
      null,
      1,
      0,
      -1,
      0,
    ]);
  });

  it('validates params: defaults 20/10', () => {
    expect(donchian_breakout.params.parse({})).toEqual({ period: 20, exit_period: 10 });
    expect(donchian_breakout.params.safeParse({ exit_period: 0 }).success).toBe(false);
  });
});
