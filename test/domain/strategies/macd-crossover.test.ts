import { describe, expect, it } from 'vitest';
import { MIN_STRENGTH } from '../../../src/domain/strategies/decision.ts';
import { macd_crossover } from '../../../src/domain/strategies/macd-crossover.ts';
import { barsFromCloses, directions, feed, logicOf, runStrategy } from './run-strategy.ts';

describe('macd_crossover', () => {
  it('follows the sign of the histogram, holding on exactly 0', () => {
    const d = feed(logicOf('macd_crossover'), [
      [[NaN], 100],
      [[0], 100],
      [[0.5], 100],
      [[-2], 100],
      [[0], 100],
      [[0.01], 100],
    ]);
    expect(d).toEqual([
      null,
      { direction: 0, strength: 0 },
      { direction: 1, strength: 0.5 },
      { direction: -1, strength: -1 },
      { direction: -1, strength: -MIN_STRENGTH },
      { direction: 1, strength: 0.01 },
    ]);
  });

  it('end to end: silent for slow+signal-2 bars', () => {
    // fast 2, slow 3, signal 2 on 1, 2, 4, 8, 16: histogram 7/36 at bar 3, 32/81 at bar 4;
    // then 16 -> 4 turns it negative.
    const d = runStrategy('macd_crossover', { fast: 2, slow: 3, signal: 2 }, barsFromCloses([1, 2, 4, 8, 16, 4, 2]));
    expect(directions(d)).toEqual([null, null, null, 1, 1, -1, -1]);
  });

  it('validates params: defaults 12/26/9, fast below slow', () => {
    expect(macd_crossover.params.parse({})).toEqual({ fast: 12, slow: 26, signal: 9 });
    expect(macd_crossover.params.safeParse({ fast: 30 }).error?.issues[0]?.path).toEqual(['slow']);
  });
});
