import { describe, expect, it } from 'vitest';
import { FeatureHub } from '../../../src/domain/indicators/feature-hub.ts';
import { featureKey } from '../../../src/domain/indicators/feature-key.ts';
import { higherTimeframeProblem, TimeframeBuckets } from '../../../src/domain/indicators/timeframe-buckets.ts';
import { INDICATORS } from '../../../src/domain/registry.ts';
import type { BarInput, IndicatorDefinition } from '../../../src/domain/indicators/indicator.ts';
import type { BarEvent } from '../../../src/events/index.ts';
import { loadSpyBars } from '../../helpers/spy.ts';

const MINUTE = 60_000;
const BAR_MS = 5 * MINUTE;

interface HigherBar extends BarInput {
  ts: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  /** End of the higher bar's interval, epoch ms. */
  end: number;
}

/**
 * The independent resampler: New York wall-clock time from Intl for every bar (not the
 * engine's cached offsets), hourly bars from the session open, the day = the regular
 * session, and the aggregate written out plainly.
 */
const ny = new Intl.DateTimeFormat('en-US', {
  timeZone: 'America/New_York',
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
});
function wallClock(ts: number): { date: string; minute: number } {
  const p = Object.fromEntries(ny.formatToParts(new Date(ts)).map((x) => [x.type, x.value]));
  return { date: `${p['year']}-${p['month']}-${p['day']}`, minute: Number(p['hour']) * 60 + Number(p['minute']) };
}

/** Each lower bar's higher bar as [key, start, end], or undefined outside every one. */
function usEquityBucket(ts: number, minutes: number): { key: string; start: number; end: number } | undefined {
  const { date, minute } = wallClock(ts);
  const at = (m: number) => ts + (m - minute) * MINUTE;
  // The regular session, 09:30–16:00: minutes 570 to 960.
  if (minute < 570 || minute >= 960) return undefined;
  const k = Math.floor((minute - 570) / minutes);
  return { key: `${date}/${k}`, start: at(570 + k * minutes), end: at(Math.min(570 + (k + 1) * minutes, 960)) };
}

function resample(
  bars: readonly BarEvent[],
  bucketOf: (ts: number) => { key: string; start: number; end: number } | undefined,
): HigherBar[] {
  const out: HigherBar[] = [];
  let key: string | undefined;
  for (const b of bars) {
    const bucket = bucketOf(b.ts);
    if (bucket === undefined) continue;
    const last = out[out.length - 1];
    if (bucket.key !== key || last === undefined) {
      key = bucket.key;
      out.push({
        ts: bucket.start,
        end: bucket.end,
        open: b.open,
        high: b.high,
        low: b.low,
        close: b.close,
        volume: b.volume,
      });
    } else {
      last.high = Math.max(last.high, b.high);
      last.low = Math.min(last.low, b.low);
      last.close = b.close;
      last.volume += b.volume;
    }
  }
  return out;
}

/**
 * The availability rule, applied independently: a higher bar's value is there from the
 * first lower bar whose close (ts + 5m) is at or after the higher bar's end — its own last
 * bar when that ends exactly there, else the first bar after it.
 */
function expectedValues(
  bars: readonly BarEvent[],
  higher: readonly HigherBar[],
  def: IndicatorDefinition,
  outputs: number,
): Float64Array[] {
  const ind = def.create(def.params.parse(paramsOf(def)), 'close');
  const rows: Float64Array[] = [];
  let next = 0;
  for (const b of bars) {
    while (next < higher.length && b.ts + BAR_MS >= higher[next]!.end) ind.update(higher[next++]!);
    const row = new Float64Array(outputs);
    for (let o = 0; o < outputs; o++) row[o] = ind.value(o);
    rows.push(row);
  }
  return rows;
}

const bars = loadSpyBars(6000);

// Every indicator of the registry, at its defaults or, where a period is required, 10.
const paramsOf = (d: IndicatorDefinition): Record<string, number> =>
  d.params.safeParse({}).success ? {} : { period: 10 };
const indicators = [...INDICATORS.values()];

describe.each([
  ['1h', 60],
  ['4h', 240],
  ['1d', 1440],
])('every indicator on %s bars of SPY 5m (us_equity)', (tf, minutes) => {
  const higher = resample(bars, (ts) => usEquityBucket(ts, minutes));

  it('equals the indicator on independently resampled bars, shifted to the first lower bar closing at or after their end', () => {
    expect(indicators.length).toBeGreaterThanOrEqual(40);
    for (const def of indicators) {
      expect(def.params.safeParse(paramsOf(def)).success, def.name).toBe(true);
      const hub = new FeatureHub({ timeframe: '5m', calendar: 'us_equity' });
      const slots = def.outputs.map((output) =>
        hub.register({ indicator: def.name, params: paramsOf(def), output, timeframe: tf }),
      );
      const state = hub.createState();
      const out = new Float64Array(hub.size);
      const expected = expectedValues(bars, higher, def, def.outputs.length);
      let numbers = 0;
      bars.forEach((b, i) => {
        hub.update(state, b, out);
        slots.forEach((slot, o) => {
          const want = expected[i]![o]!;
          if (!Object.is(out[slot], want))
            expect.fail(
              `${def.name}@${tf} output ${def.outputs[o]!} at bar ${i} (${new Date(b.ts).toISOString()}): ${out[slot]} ≠ ${want}`,
            );
          if (!Number.isNaN(want)) numbers++;
        });
      });
      // Not a comparison of NaN with NaN only.
      if (minutes < 1440 || def.warmup(def.params.parse(paramsOf(def))) < 60)
        expect(numbers, def.name).toBeGreaterThan(0);
    }
  });

  it('makes an hourly value available on the 5m bar that closes the hour, never before', () => {
    const hub = new FeatureHub({ timeframe: '5m', calendar: 'us_equity' });
    const slot = hub.register({ indicator: 'sma', params: { period: 1 }, input: 'close', timeframe: tf });
    const state = hub.createState();
    const out = new Float64Array(hub.size);
    let changes = 0;
    let last = NaN;
    for (const b of bars) {
      hub.update(state, b, out);
      const v = out[slot]!;
      if (!Object.is(v, last)) {
        changes++;
        // sma(1) of a higher bar is its close: the close of this very lower bar when it
        // ends the higher bar, else of an earlier one (the higher bar ended in a gap).
        const h = higher.find((x) => x.close === v && x.end <= b.ts + BAR_MS);
        expect(h, `value ${v} at ${new Date(b.ts).toISOString()}`).toBeDefined();
        if (b.ts + BAR_MS === h!.end) expect(v).toBe(b.close);
      }
      last = v;
    }
    expect(changes).toBeGreaterThan(higher.length * 0.95);
  });
});

describe('hourly bars of US equities', () => {
  it('start at the session open and end at the close: 09:30–10:30 … 15:30–16:00 New York time', () => {
    const b = new TimeframeBuckets('1h', { timeframe: '5m', calendar: 'us_equity' });
    const iso = (ms: number) => new Date(ms).toISOString();
    // 2024-03-26 is daylight time (UTC−4): 09:30 New York is 13:30 UTC.
    b.locate(Date.parse('2024-03-26T13:30:00Z'));
    expect([iso(b.start), iso(b.end)]).toEqual(['2024-03-26T13:30:00.000Z', '2024-03-26T14:30:00.000Z']);
    b.locate(Date.parse('2024-03-26T19:55:00Z'));
    expect([iso(b.start), iso(b.end)]).toEqual(['2024-03-26T19:30:00.000Z', '2024-03-26T20:00:00.000Z']);
    // Standard time (UTC−5) in December.
    b.locate(Date.parse('2024-12-10T14:45:00Z'));
    expect([iso(b.start), iso(b.end)]).toEqual(['2024-12-10T14:30:00.000Z', '2024-12-10T15:30:00.000Z']);
    // Pre-market and after hours are in no higher bar.
    b.locate(Date.parse('2024-12-10T14:25:00Z'));
    expect(b.start).toBeNaN();
    b.locate(Date.parse('2024-12-10T21:00:00Z'));
    expect(b.end).toBeNaN();
    const day = new TimeframeBuckets('1d', { timeframe: '5m', calendar: 'us_equity' });
    day.locate(Date.parse('2024-12-10T21:30:00Z')); // 16:30 New York, after hours: in no daily bar
    expect(day.start).toBeNaN();
  });

  it('hourly data labelled on the clock hour: the 09:00 bar holds the open and starts the day', () => {
    const hub = new FeatureHub({ timeframe: '1h', calendar: 'us_equity' });
    const slot = hub.register({ indicator: 'sma', params: { period: 1 }, timeframe: '1d' });
    const state = hub.createState();
    const out = new Float64Array(1);
    // 2024-12-10, New York = UTC−5: bars 08:00 … 16:00 local; 09:00–15:00 overlap the session.
    const seen: number[] = [];
    for (let h = 8; h <= 16; h++) {
      hub.update(
        state,
        { ts: Date.UTC(2024, 11, 10, h + 5), open: h, high: h + 0.5, low: h - 0.5, close: h, volume: 1 } as BarInput,
        out,
      );
      seen.push(out[slot]!);
    }
    // The day closes on the 15:00 bar (it ends at 16:00) with that bar's close.
    expect(seen).toEqual([NaN, NaN, NaN, NaN, NaN, NaN, NaN, 15, 15]);
    const b = new TimeframeBuckets('4h', { timeframe: '1h', calendar: 'us_equity' });
    b.locate(Date.UTC(2024, 11, 10, 14)); // 09:00 local
    expect([new Date(b.start).toISOString(), new Date(b.end).toISOString()]).toEqual([
      '2024-12-10T14:30:00.000Z',
      '2024-12-10T18:30:00.000Z',
    ]);
    b.locate(Date.UTC(2024, 11, 10, 13)); // 08:00–09:00: before the open
    expect(b.start).toBeNaN();
  });

  it('continuous data: clock-aligned from 00:00 UTC, a bar not dividing the day cut at midnight', () => {
    const b = new TimeframeBuckets('7h', { timeframe: '1h', calendar: 'continuous' });
    b.locate(Date.parse('2024-01-01T22:00:00Z'));
    expect([new Date(b.start).toISOString(), new Date(b.end).toISOString()]).toEqual([
      '2024-01-01T21:00:00.000Z',
      '2024-01-02T00:00:00.000Z',
    ]);
  });
});

describe('a gap hides the lower bar that closes a higher bar', () => {
  it('closes the higher bar on the first lower bar of a later one', () => {
    const hub = new FeatureHub({ timeframe: '1h', calendar: 'continuous' });
    const slot = hub.register({ indicator: 'sma', params: { period: 1 }, timeframe: '4h' });
    const state = hub.createState();
    const out = new Float64Array(1);
    const at = (h: number, close: number) => ({
      ts: Date.UTC(2024, 0, 1, h),
      open: close,
      high: close,
      low: close,
      close,
      volume: 1,
    });
    const seen: number[] = [];
    // 00:00–04:00 lacks its 03:00 bar; 04:00–08:00 is whole.
    for (const bar of [at(0, 1), at(1, 2), at(2, 3), at(4, 5), at(5, 6), at(6, 7), at(7, 8), at(8, 9)]) {
      hub.update(state, bar, out);
      seen.push(out[slot]!);
    }
    expect(seen).toEqual([NaN, NaN, NaN, 3, 3, 3, 8, 8]);
  });
});

describe('timeframes a feature may be on', () => {
  it('are whole multiples of the data timeframe, up to a day, with the fix in the message', () => {
    expect(higherTimeframeProblem('1h', '5m')).toBeUndefined();
    expect(higherTimeframeProblem('1d', '5m')).toBeUndefined();
    expect(higherTimeframeProblem('1m', '5m')).toMatch(
      /shorter than the data's timeframe 5m.*e\.g\. @10m, @15m, @30m, @1h or @1d/,
    );
    expect(higherTimeframeProblem('7m', '5m')).toMatch(/not a whole multiple of the data's timeframe 5m/);
    expect(higherTimeframeProblem('5m', '5m')).toMatch(/own timeframe: drop the @5m/);
    expect(higherTimeframeProblem('1w', '5m')).toMatch(/longer than a day/);
    expect(higherTimeframeProblem('1x', '5m')).toMatch(/invalid timeframe "1x"/);
  });

  it('share one computation however spelt, and need a hub that knows the data', () => {
    expect(featureKey({ indicator: 'sma', params: { period: 50 }, timeframe: '60m' })).toBe('sma(period=50;close)@1h');
    expect(featureKey({ indicator: 'bbands', params: {}, output: 'lower', timeframe: '1d' })).toBe(
      'bbands(ddof=0,period=20,stddev=2;close)@1d.lower',
    );
    const hub = new FeatureHub({ timeframe: '5m', calendar: 'us_equity' });
    expect(hub.register({ indicator: 'sma', params: { period: 50 }, timeframe: '1h' })).toBe(
      hub.register({ indicator: 'sma', params: { period: 50 }, timeframe: '60m' }),
    );
    expect(hub.indicatorCount).toBe(1);
    expect(() => hub.register({ indicator: 'sma', params: { period: 50 }, timeframe: '3m' })).toThrow(
      /sma\(period=50;close\)@3m: @3m is shorter/,
    );
    expect(() => new FeatureHub().register({ indicator: 'sma', params: { period: 5 }, timeframe: '1h' })).toThrow(
      /needs the data's timeframe/,
    );
  });

  it('a bar without a timestamp cannot be placed', () => {
    const hub = new FeatureHub({ timeframe: '5m', calendar: 'us_equity' });
    hub.register({ indicator: 'sma', params: { period: 5 }, timeframe: '1h' });
    expect(() =>
      hub.update(hub.createState(), { open: 1, high: 1, low: 1, close: 1, volume: 1 }, new Float64Array(1)),
    ).toThrow(/needs bars with timestamps/);
  });
});
