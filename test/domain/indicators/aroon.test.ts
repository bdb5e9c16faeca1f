import { describe, expect, it } from 'vitest';
import type { BarInput } from '../../../src/domain/indicators/indicator.ts';
import { loadSpyBars } from '../../helpers/spy.ts';
import { build, expectNoLookAhead, expectSeries, run } from './harness.ts';

// Naive Aroon: scan the last p+1 bars for the latest highest high and lowest low.
function naiveAroon(bars: readonly BarInput[], p: number): number[][] {
  const up: number[] = [];
  const down: number[] = [];
  for (let t = 0; t < bars.length; t++) {
    if (t < p) {
      up.push(NaN);
      down.push(NaN);
      continue;
    }
    let hi = t - p;
    let lo = t - p;
    for (let i = t - p; i <= t; i++) {
      if (bars[i]!.high >= bars[hi]!.high) hi = i;
      if (bars[i]!.low <= bars[lo]!.low) lo = i;
    }
    up.push((100 * (p - (t - hi))) / p);
    down.push((100 * (p - (t - lo))) / p);
  }
  return [up, down, up.map((u, t) => u - down[t]!)];
}

const hl = (high: number, low: number): BarInput => ({ open: low, high, low, close: low, volume: 0 });
const bars = loadSpyBars();

describe('aroon', () => {
  it('hand-worked example: period 3 (window of 4 bars), ties to the latest', () => {
    // highs 5 7 6 7 4 3, lows 4 2 5 3 2 1
    // @3: high 7 at bar 3 (latest of two) -> up 100 ; low 2 at bar 1 -> down 100/3
    // @4: high 7 at bar 3 -> up 200/3 ; low 2 at bars 1 and 4 -> latest, down 100
    // @5: high 7 at bar 3 -> up 100/3 ; low 1 at bar 5 -> down 100
    const hand = [hl(5, 4), hl(7, 2), hl(6, 5), hl(7, 3), hl(4, 2), hl(3, 1)];
    const b = build('aroon', { period: 3 });
    expect(b.outputs).toEqual(['up', 'down', 'oscillator']);
    expect(b.warmup).toBe(4);
    const r = run(b.indicator, hand, 3);
    for (const o of [0, 1, 2]) expect(r.values[o]!.slice(0, 3)).toEqual([NaN, NaN, NaN]);
    expect(r.values[0]!.slice(3)).toEqual([100, 200 / 3, 100 / 3]);
    expect(r.values[1]!.slice(3)).toEqual([100 / 3, 100, 100]);
    expect(r.values[2]!.slice(3)).toEqual([100 - 100 / 3, 200 / 3 - 100, 100 / 3 - 100]);
  });

  for (const period of [1, 14, 25]) {
    it(`matches the naive scan on every SPY bar (period ${period})`, () => {
      const b = build('aroon', period === 25 ? {} : { period });
      expect(b.warmup).toBe(period + 1);
      expectSeries(run(b.indicator, bars, 3), naiveAroon(bars, period), period, 0);
    });
  }

  it('has no look-ahead', () => {
    const make = () => build('aroon', {}).indicator;
    const full = run(make(), bars, 3);
    expectNoLookAhead(make, full, bars, [0, 24, 25, 26, 18_000, bars.length - 1]);
  });
});
