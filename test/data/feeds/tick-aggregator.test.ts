import { describe, expect, it } from 'vitest';
import { TickAggregator } from '../../../src/data/feeds/tick-aggregator.ts';

const MIN = 60_000;
const T0 = Date.parse('2024-03-26T14:00:00Z');
const at = (min: number, sec: number) => T0 + min * MIN + sec * 1000;

type Bar = [symbol: string, ts: string, o: number, h: number, l: number, c: number, v: number];

function aggregator(
  opts: { closeAfterMs?: number | null; now?: () => number; timers?: { fn: () => void; at: number }[] } = {},
) {
  const bars: Bar[] = [];
  const agg = new TickAggregator({
    timeframeMs: 5 * MIN,
    closeAfterMs: opts.closeAfterMs ?? null,
    emit: (symbol, ts, o, h, l, c, v) => bars.push([symbol, new Date(ts).toISOString().slice(11, 16), o, h, l, c, v]),
    ...(opts.now !== undefined ? { now: opts.now } : {}),
    setTimer: (fn, ms) => {
      const t = { fn, at: (opts.now?.() ?? 0) + ms };
      opts.timers?.push(t);
      return t;
    },
    clearTimer: (h) => {
      const i = opts.timers?.indexOf(h as { fn: () => void; at: number }) ?? -1;
      if (i >= 0) opts.timers?.splice(i, 1);
    },
  });
  return { agg, bars };
}

describe('TickAggregator', () => {
  it('builds 5-minute OHLCV bars from a synthetic trade stream, as computed by hand', () => {
    const { agg, bars } = aggregator();
    // [minute, second, price, size]
    const trades: [number, number, number, number][] = [
      [0, 1, 100.0, 10], // 14:00 bar: open 100
      [1, 30, 101.5, 5], //   high 101.5
      [3, 0, 99.25, 20], //   low 99.25
      [4, 59, 100.5, 7], //   close 100.5, volume 42
      [5, 0, 100.75, 1], // 14:05 bar opens: closes 14:00
      [6, 10, 100.25, 3],
      // 14:10 has no trades: no bar
      [15, 2, 102, 4], // 14:15 bar opens: closes 14:05
      [19, 59.999, 103, 6],
    ];
    for (const [m, s, p, q] of trades) agg.trade('SPY', at(m, s), p, q);
    expect(bars).toEqual([
      ['SPY', '14:00', 100, 101.5, 99.25, 100.5, 42],
      ['SPY', '14:05', 100.75, 100.75, 100.25, 100.25, 4],
    ]);
    agg.flush(); // end of the feed closes the open bar
    expect(bars[2]).toEqual(['SPY', '14:15', 102, 103, 102, 103, 10]);
    expect(agg.counters).toMatchObject({ trades: 8, bars: 3, late: 0 });
  });

  it('keeps one bar per symbol, and drops late trades of a closed interval', () => {
    const { agg, bars } = aggregator();
    agg.trade('SPY', at(0, 0), 10, 1);
    agg.trade('QQQ', at(0, 1), 20, 1);
    agg.trade('SPY', at(5, 0), 11, 1); // closes SPY 14:00 only
    agg.trade('SPY', at(4, 59), 9, 1); // late: SPY 14:00 is gone
    agg.trade('QQQ', at(2, 0), 21, 2); // still QQQ's open bar
    agg.flush();
    expect(bars).toEqual([
      ['SPY', '14:00', 10, 10, 10, 10, 1],
      ['QQQ', '14:00', 20, 21, 20, 21, 3],
      ['SPY', '14:05', 11, 11, 11, 11, 1],
    ]);
    expect(agg.counters.late).toBe(1);
  });

  it('closes a real-time bar by the wall clock at interval end + close_after_ms', () => {
    let now = at(0, 1) + 50; // trades arrive 50 ms after their timestamp
    const timers: { fn: () => void; at: number }[] = [];
    const { agg, bars } = aggregator({ closeAfterMs: 1000, now: () => now, timers });
    agg.trade('SPY', at(0, 1), 100, 1);
    now = at(3, 0) + 50;
    agg.trade('SPY', at(3, 0), 101, 1);
    expect(timers.map((t) => t.at)).toEqual([at(5, 1)]);
    now = at(5, 1);
    timers.shift()!.fn();
    expect(bars).toEqual([['SPY', '14:00', 100, 101, 100, 101, 2]]);
    expect(agg.counters.closedByTimer).toBe(1);
    agg.trade('SPY', at(4, 59), 99, 1); // after the timer closed 14:00: late
    expect(agg.counters.late).toBe(1);
  });

  it('sets no timer for replayed historical trades', () => {
    const timers: { fn: () => void; at: number }[] = [];
    const { agg } = aggregator({ closeAfterMs: 1000, now: () => at(600, 0), timers });
    agg.trade('SPY', at(0, 1), 100, 1);
    expect(timers).toEqual([]);
  });
});
