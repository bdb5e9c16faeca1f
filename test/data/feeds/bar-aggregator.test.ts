import { describe, expect, it } from 'vitest';
import { BarAggregator, UsEquitySessions } from '../../../src/data/feeds/bar-aggregator.ts';

const MIN = 60_000;
type Out = [string, string, number, number, number, number, number];

function collect(
  timeframeMs: number,
  sessions?: UsEquitySessions,
  extra: Partial<ConstructorParameters<typeof BarAggregator>[0]> = {},
) {
  const out: Out[] = [];
  const agg = new BarAggregator({
    sourceMs: MIN,
    timeframeMs,
    closeAfterMs: null,
    ...(sessions !== undefined ? { sessions } : {}),
    emit: (s, ts, o, h, l, c, v) => out.push([s, new Date(ts).toISOString(), o, h, l, c, v]),
    ...extra,
  });
  const bar = (iso: string, o: number, h: number, l: number, c: number, v: number, update = false) =>
    agg.bar('SPY', Date.parse(iso), o, h, l, c, v, update);
  return { agg, out, bar };
}

describe('BarAggregator', () => {
  it('emits a 5-minute bar as soon as its last minute arrives, with the OHLCV of its minutes', () => {
    const { out, bar } = collect(5 * MIN);
    bar('2024-01-02T14:30:00Z', 10, 11, 9.5, 10.5, 100);
    bar('2024-01-02T14:31:00Z', 10.5, 12, 10, 11, 50);
    bar('2024-01-02T14:33:00Z', 11, 11.5, 9, 9.2, 25); // 14:32 had no trades: no bar
    expect(out).toEqual([]);
    bar('2024-01-02T14:34:00Z', 9.2, 9.8, 9.1, 9.7, 5);
    expect(out).toEqual([['SPY', '2024-01-02T14:30:00.000Z', 10, 12, 9, 9.7, 180]]);
  });

  it('closes a period whose last minute never comes when a minute of a later period arrives; flush closes the rest', () => {
    const { agg, out, bar } = collect(5 * MIN);
    bar('2024-01-02T14:30:00Z', 10, 11, 9, 10, 1);
    bar('2024-01-02T14:36:00Z', 20, 21, 19, 20, 2);
    expect(out).toEqual([['SPY', '2024-01-02T14:30:00.000Z', 10, 11, 9, 10, 1]]);
    agg.flush();
    expect(out[1]).toEqual(['SPY', '2024-01-02T14:35:00.000Z', 20, 21, 19, 20, 2]);
  });

  it('a correction replaces its minute while the bar is open; one after the bar is out is counted, not applied', () => {
    const { agg, out, bar } = collect(5 * MIN);
    bar('2024-01-02T14:30:00Z', 10, 11, 9, 10, 100);
    bar('2024-01-02T14:30:00Z', 10, 15, 9, 10, 130, true); // corrected high and volume
    bar('2024-01-02T14:34:00Z', 10, 10, 10, 10, 1);
    expect(out).toEqual([['SPY', '2024-01-02T14:30:00.000Z', 10, 15, 9, 10, 131]]);
    bar('2024-01-02T14:34:00Z', 10, 10, 8, 10, 2, true);
    bar('2024-01-02T14:31:00Z', 10, 10, 8, 10, 2);
    expect(out).toHaveLength(1);
    expect(agg.counters).toMatchObject({ bars: 1, replaced: 1, lateUpdates: 1, late: 1 });
  });

  it('US equity sessions: hourly bars start at 09:30 New York, the last one ends at the 16:00 close, after hours apart (EST and EDT)', () => {
    const { out, bar } = collect(60 * MIN, new UsEquitySessions());
    // 2024-01-02 is EST (UTC-5): the session is 14:30–21:00 UTC.
    bar('2024-01-02T14:29:00Z', 1, 1, 1, 1, 1); // pre-market's last minute: ends the 09:00–09:30 bar
    bar('2024-01-02T14:30:00Z', 2, 2, 2, 2, 1);
    bar('2024-01-02T15:29:00Z', 3, 3, 3, 3, 1); // 10:29: closes 09:30–10:30
    bar('2024-01-02T20:30:00Z', 4, 4, 4, 4, 1);
    bar('2024-01-02T20:59:00Z', 5, 5, 5, 5, 1); // 15:59: closes 15:30–16:00 at the close
    bar('2024-01-02T21:00:00Z', 6, 6, 6, 6, 1);
    expect(out.map((o) => o[1])).toEqual([
      '2024-01-02T14:00:00.000Z',
      '2024-01-02T14:30:00.000Z',
      '2024-01-02T20:30:00.000Z',
    ]);
    // 2024-07-01 is EDT (UTC-4): 09:30 is 13:30 UTC.
    const summer = collect(60 * MIN, new UsEquitySessions(true));
    summer.bar('2024-07-01T13:29:00Z', 1, 1, 1, 1, 1); // pre-market: outside the regular session
    summer.bar('2024-07-01T13:30:00Z', 1, 1, 1, 1, 1);
    summer.bar('2024-07-01T14:29:00Z', 1, 1, 1, 1, 1);
    expect(summer.out.map((o) => o[1])).toEqual(['2024-07-01T13:30:00.000Z']);
    expect(summer.agg.counters.outsideSession).toBe(1);
  });

  it('closes a real-time bar by the wall clock one source bar after its end when the provider goes quiet', () => {
    let now = Date.parse('2024-01-02T14:31:10Z');
    const timers: { fn: () => void; at: number }[] = [];
    const { agg, out, bar } = collect(5 * MIN, undefined, {
      closeAfterMs: 1000,
      now: () => now,
      setTimer: (fn, ms) => timers.push({ fn, at: now + ms }),
      clearTimer: () => undefined,
    });
    bar('2024-01-02T14:30:00Z', 10, 11, 9, 10, 1);
    expect(timers.map((t) => new Date(t.at).toISOString())).toEqual(['2024-01-02T14:36:01.000Z']);
    now = timers[0]!.at;
    timers[0]!.fn();
    expect(out).toHaveLength(1);
    expect(agg.counters.closedByTimer).toBe(1);
  });

  it('refuses a timeframe that is no multiple of the source bars', () => {
    expect(() => collect(90_000)).toThrow(/whole multiple/);
  });
});
