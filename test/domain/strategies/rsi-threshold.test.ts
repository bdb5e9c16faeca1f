import { describe, expect, it } from 'vitest';
import { LONG, SHORT } from '../../../src/domain/strategies/decision.ts';
import { rsi_threshold } from '../../../src/domain/strategies/rsi-threshold.ts';
import { barsFromCloses, directions, feed, logicOf, runStrategy } from './run-strategy.ts';

describe('rsi_threshold', () => {
  it('enters below oversold / above overbought, exits when RSI crosses back through 50, else holds', () => {
    const rsi = [NaN, 45, 25, 40, 49, 55, 60, 75, 65, 51, 50, 20, 80, 45];
    const want = [null, 0, 1, 1, 1, 0, 0, -1, -1, -1, 0, 1, -1, 0];
    //                   ^ no signal inside the band ; 55: long exits (49 -> 55 crosses 50)
    //                   50: short exits (51 -> 50 reaches 50 from above) ; 80: long reverses to short
    const d = feed(
      logicOf('rsi_threshold'),
      rsi.map((r) => [[r], 100] as const),
    );
    expect(directions(d)).toEqual(want);
    expect(d[2]).toEqual(LONG);
    expect(d[7]).toEqual(SHORT);
    expect(d[5]).toEqual({ direction: 0, strength: 0 });
  });

  it('does not exit a long that was entered above 50 without a cross', () => {
    // oversold 60: a long entered at RSI 55 is above 50 already; only a cross up through 50 exits it.
    const d = feed(logicOf('rsi_threshold', { oversold: 60, overbought: 80 }), [
      [[55], 1],
      [[62], 1],
      [[70], 1],
      [[45], 1], // still long: 45 < 60 is an entry
      [[65], 1], // crosses 50 upward and is not an entry: exit
    ]);
    expect(directions(d)).toEqual([1, 1, 1, 1, 0]);
  });

  it('end to end on closes with RSI(2): silent for 2 bars, then long, exit, short, exit, long', () => {
    // changes -1 -1 +1 +1 +1 -1 -1 ; Wilder RSI(2): 0, 50, 75, 87.5, 43.75, 21.875
    const d = runStrategy('rsi_threshold', { period: 2 }, barsFromCloses([10, 9, 8, 9, 10, 11, 10, 9]));
    expect(directions(d)).toEqual([null, null, 1, 0, -1, -1, 0, 1]);
  });

  it('validates params: defaults 14/30/70, oversold below overbought', () => {
    expect(rsi_threshold.params.parse({})).toEqual({ period: 14, oversold: 30, overbought: 70 });
    const bad = rsi_threshold.params.safeParse({ oversold: 70, overbought: 30 });
    expect(bad.error?.issues[0]?.path).toEqual(['overbought']);
    expect(rsi_threshold.params.safeParse({ overbought: 120 }).success).toBe(false);
  });
});
