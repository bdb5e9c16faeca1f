import { describe, expect, it } from 'vitest';
import type { BarInput } from '../../../src/domain/indicators/indicator.ts';
import { loadSpyBars } from '../../helpers/spy.ts';
import { build, expectNoLookAhead, expectSeries, run } from './harness.ts';

type TimedBar = BarInput & { ts: number };

// Naive session VWAP: for every bar, walk back to the first bar of its session (same day,
// days starting `startMinutes` past 00:00 UTC) and sum from there.
function naiveVwap(bars: readonly TimedBar[], startMinutes = 0): number[] {
  const day = (ts: number): string => new Date(ts - startMinutes * 60_000).toISOString().slice(0, 10);
  return bars.map((b, t) => {
    let from = t;
    while (from > 0 && day(bars[from - 1]!.ts) === day(b.ts)) from--;
    let pv = 0;
    let v = 0;
    for (let i = from; i <= t; i++) {
      const x = bars[i]!;
      pv += ((x.high + x.low + x.close) / 3) * x.volume;
      v += x.volume;
    }
    return v > 0 ? pv / v : (b.high + b.low + b.close) / 3;
  });
}

const at = (iso: string, high: number, low: number, close: number, volume: number): TimedBar => ({
  ts: Date.parse(iso),
  open: close,
  high,
  low,
  close,
  volume,
});

const bars = loadSpyBars();

describe('vwap', () => {
  it('hand-worked example: two sessions, a zero-volume bar', () => {
    // day 1: tp 10 × 100, tp 13 × 300 -> 10 ; 4900/400 = 12.25
    // day 2: tp 20 × 50 -> 20 ; tp 23 × 0 -> still 20 ; tp 26 × 150 -> (1000 + 3900)/200 = 24.5
    const day = [
      at('2024-03-26T13:30:00Z', 11, 9, 10, 100),
      at('2024-03-26T19:55:00Z', 14, 12, 13, 300),
      at('2024-03-27T13:30:00Z', 21, 19, 20, 50),
      at('2024-03-27T13:35:00Z', 24, 22, 23, 0),
      at('2024-03-27T13:40:00Z', 27, 25, 26, 150),
    ];
    const b = build('vwap', {});
    expect(b.warmup).toBe(1);
    expect(run(b.indicator, day, 1).values[0]).toEqual([10, 12.25, 20, 20, 24.5]);
  });

  it('is the typical price while the session has no volume yet', () => {
    const v = run(build('vwap', {}).indicator, [at('2024-03-26T13:30:00Z', 11, 8, 10, 0)], 1).values[0]!;
    expect(v).toEqual([29 / 3]);
  });

  it('moves the session boundary by session_start minutes', () => {
    // With sessions starting 22:00 UTC, 21:55 and 22:00 belong to different sessions while
    // 22:00 and 13:30 the next UTC day belong to the same one.
    const day = [
      at('2024-03-26T21:55:00Z', 11, 9, 10, 100),
      at('2024-03-26T22:00:00Z', 14, 12, 13, 100),
      at('2024-03-27T13:30:00Z', 21, 19, 20, 100),
    ];
    expect(run(build('vwap', { session_start: 22 * 60 }).indicator, day, 1).values[0]).toEqual([10, 13, 16.5]);
    expect(run(build('vwap', {}).indicator, day, 1).values[0]).toEqual([10, 11.5, 20]);
    expect(() => build('vwap', { session_start: 1440 })).toThrow(/session_start/);
  });

  it('never resets on bars without a timestamp', () => {
    const noTs: BarInput[] = [
      { open: 10, high: 11, low: 9, close: 10, volume: 100 },
      { open: 13, high: 14, low: 12, close: 13, volume: 300 },
    ];
    expect(run(build('vwap', {}).indicator, noTs, 1).values[0]).toEqual([10, 12.25]);
  });

  it('matches a naive per-session VWAP on every SPY bar, resetting at each UTC date', () => {
    const expected = naiveVwap(bars);
    expectSeries(run(build('vwap', {}).indicator, bars, 1), [expected], 0, 1e-12);
    // Sanity: the first bar of every session is its own typical price.
    const firsts = bars.filter(
      (b, t) => t > 0 && new Date(b.ts).getUTCDate() !== new Date(bars[t - 1]!.ts).getUTCDate(),
    );
    expect(firsts.length).toBeGreaterThan(100);
  });

  it('matches a naive per-session VWAP with sessions starting 16:00 UTC', () => {
    const expected = naiveVwap(bars, 16 * 60);
    expectSeries(run(build('vwap', { session_start: 960 }).indicator, bars, 1), [expected], 0, 1e-12);
  });

  it('has no look-ahead', () => {
    const make = () => build('vwap', {}).indicator;
    const full = run(make(), bars, 1);
    expectNoLookAhead(make, full, bars, [0, 1, 77, 78, 79, 10_000, bars.length - 1]);
  });
});
