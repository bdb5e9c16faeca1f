/**
 * Splitting a bar series into in-sample (train) and out-of-sample (test) time ranges: one
 * train/test split, or the windows of a walk-forward analysis.
 *
 * Everything here works on the series' timestamps only (epoch ms, sorted ascending). With
 * several symbols merged, the same timestamp appears once per symbol; a bar count then
 * means a count of distinct timestamps, so that "500 bars" is the same stretch of time
 * however many symbols there are.
 *
 * Every range is half-open, [start, end) in epoch ms, like the data filter's `start`
 * (inclusive) and `end` (exclusive): adjacent ranges share their boundary, so train and
 * test never overlap and never leave a gap. Reading a range means keeping the bars with
 * `start <= ts < end`. Each range also carries the positions [from, to) of its bars in
 * the distinct timestamps and their count.
 *
 * Sizes are either bar counts (a number: 500) or calendar durations (a string: '6h',
 * '30d', '2w', '3M', '1y'). Durations are measured in UTC: hours, days and weeks are
 * fixed lengths (a UTC day is always 24 h, there is no daylight saving in UTC); months and
 * years follow the calendar (see {@link addDuration}). Both kinds can be mixed, e.g. train
 * on 2,000 bars and test on the following '1M'.
 */

import { parseTimestamp, epochToMs } from '../data/parse-timestamp.ts';

const MS_PER_HOUR = 3_600_000;
const MS_PER_DAY = 24 * MS_PER_HOUR;
const MS_PER_WEEK = 7 * MS_PER_DAY;

/** Most windows a walk-forward may produce; more is almost surely a step given in bars by mistake. */
export const MAX_WINDOWS = 100_000;

/** Units of a window duration: hours, days, weeks, calendar months, calendar years. */
export type DurationUnit = 'h' | 'd' | 'w' | 'M' | 'y';

/** A calendar duration such as '3M': `count` units. */
export interface Duration {
  readonly count: number;
  readonly unit: DurationUnit;
}

/** A window size: a bar count (whole number ≥ 1) or a duration string ('30d', '3M'…). */
export type WindowSize = number | string;

/**
 * A half-open time range of the series and the bars it holds.
 *
 * `start`/`end` are what a data filter needs; `from`/`to` index the distinct timestamps
 * (the bars are `ts[from] … ts[to − 1]`), handy to slice bars already in memory.
 */
export interface Span {
  /** First instant of the range, epoch ms, inclusive. */
  readonly start: number;
  /** Instant the range stops before, epoch ms, exclusive. */
  readonly end: number;
  /** Position of the first bar in the distinct timestamps. */
  readonly from: number;
  /** Position after the last bar (exclusive). */
  readonly to: number;
  /** Number of distinct timestamps in the range: to − from. */
  readonly bars: number;
}

/** A train/test split of the series. */
export interface TrainTest {
  readonly train: Span;
  readonly test: Span;
}

/** One window of a walk-forward analysis. */
export interface WalkForwardWindow extends TrainTest {
  /** 0, 1, 2… in time order. */
  readonly index: number;
  /**
   * True for a last window whose test range reaches past the end of the data, so it may
   * hold fewer bars than a full window (see `min_test_bars`).
   */
  readonly partial: boolean;
}

/** How {@link trainTestSplit} splits: by a fraction of the bars, or at a date. */
export type SplitOptions =
  | {
      /**
       * Fraction of the bars that go to train, in (0, 1): train gets ⌊ratio × n⌋ bars
       * (the product rounded to 12 significant digits first, so 0.29 × 100 is 29, not
       * the 28.999999999999996 of binary floating point), test the rest.
       */
      readonly ratio: number;
    }
  | {
      /**
       * First instant of the test range: bars before it train, bars at or after it test.
       * An ISO 8601 string (a date alone is UTC midnight; without a zone, UTC), epoch
       * milliseconds (seconds are recognised by magnitude, as in bar files) or a Date.
       */
      readonly split_date: string | number | Date;
    };

/** Options of {@link walkForwardWindows}; snake_case like the workflow config they come from. */
export interface WalkForwardOptions {
  /**
   * `rolling`: a train range of constant size slides forward by `step`.
   * `anchored`: train always starts at the first bar and its end moves forward by `step`,
   * so train grows (an expanding window).
   */
  readonly mode: 'rolling' | 'anchored';
  /** Size of the (first) train range. */
  readonly train: WindowSize;
  /** Size of each test range, which starts where its train range ends. */
  readonly test: WindowSize;
  /**
   * How far each window moves on from the previous one. Default: the test size, so test
   * ranges tile the data out of sample without overlap.
   */
  readonly step?: WindowSize;
  /**
   * Fewest bars a test range must hold. A window whose test range holds fewer is left
   * out: the last, partial window when the data ends inside it, and windows whose test
   * range falls in a gap of the data (a '6h' test range over a weekend). Default 1.
   */
  readonly min_test_bars?: number;
  /** Fewest bars a train range must hold; windows with fewer are left out. Default 1. */
  readonly min_train_bars?: number;
}

// ---------------------------------------------------------------------------------
// Durations

const DURATION = /^([1-9][0-9]*)([hdwMy])$/;

/**
 * Parses a duration string: a whole number ≥ 1 followed by `h` (hours), `d` (days), `w`
 * (weeks), `M` (calendar months) or `y` (calendar years). Case matters: `M` is a month,
 * and `m` is refused rather than guessed, since a minute for a month is a 43,200-fold
 * mistake.
 *
 * @throws Error naming the value and the accepted forms.
 */
export function parseDuration(text: string): Duration {
  const m = DURATION.exec(text);
  if (m === null) {
    let hint = "expected a whole number followed by h, d, w, M or y, e.g. '6h', '30d', '2w', '3M', '1y'";
    if (/^\d+m$/.test(text))
      hint = `'m' is ambiguous: write '${text.slice(0, -1)}M' for months (minutes are not a window unit)`;
    else if (/^\d+[HDWY]$/.test(text))
      hint = `units are case sensitive: write '${text.slice(0, -1)}${text.slice(-1).toLowerCase()}'`;
    throw new Error(`invalid duration ${JSON.stringify(text)}: ${hint}`);
  }
  const count = Number(m[1]);
  if (!Number.isSafeInteger(count)) throw new Error(`invalid duration ${JSON.stringify(text)}: too long`);
  return { count, unit: m[2] as DurationUnit };
}

/**
 * `ts` moved forward by `times` × `duration`, in UTC.
 *
 * Hours, days and weeks add a fixed number of milliseconds. Months and years keep the
 * time of day and the day of the month, clamped to the target month's last day when it
 * has fewer days: 31 Jan + 1M = 28 Feb (29 in a leap year), 29 Feb 2024 + 1y = 28 Feb 2025.
 * That is the convention of most date libraries (date-fns `addMonths`, Java's
 * `plusMonths`).
 *
 * `times` multiplies the duration before it is added, so that the k-th boundary of a
 * series of windows is computed from the origin in one step, `add(origin, k × 1M)`, and
 * never drifts the way repeated clamping would (31 Jan + 1M + 1M = 28 Mar, but
 * 31 Jan + 2M = 31 Mar).
 */
export function addDuration(ts: number, duration: Duration, times = 1): number {
  const n = duration.count * times;
  switch (duration.unit) {
    case 'h':
      return ts + n * MS_PER_HOUR;
    case 'd':
      return ts + n * MS_PER_DAY;
    case 'w':
      return ts + n * MS_PER_WEEK;
    case 'M':
      return addMonths(ts, n);
    case 'y':
      return addMonths(ts, 12 * n);
  }
}

function addMonths(ts: number, months: number): number {
  const date = new Date(ts);
  const total = date.getUTCFullYear() * 12 + date.getUTCMonth() + months;
  const year = Math.floor(total / 12);
  const month = total - year * 12;
  const day = Math.min(date.getUTCDate(), daysInMonth(year, month));
  const out = new Date(ts);
  // setUTCFullYear, not Date.UTC, which reads years 0–99 as 1900–1999.
  out.setUTCFullYear(year, month, day);
  return out.getTime();
}

/** Days in a month of the proleptic Gregorian calendar; `month` is 0-based. */
function daysInMonth(year: number, month: number): number {
  if (month === 1) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 3 || month === 5 || month === 8 || month === 10 ? 30 : 31;
}

// ---------------------------------------------------------------------------------
// Timestamps

/**
 * The distinct timestamps of a sorted series (a multi-symbol merge repeats each timestamp
 * once per symbol).
 *
 * @throws Error when a timestamp is not a finite number or the series goes backwards,
 *   naming the position and both timestamps.
 */
export function distinctTimestamps(timestamps: ArrayLike<number>): number[] {
  const out: number[] = [];
  for (let i = 0; i < timestamps.length; i++) {
    const t = timestamps[i]!;
    if (!Number.isFinite(t)) throw new Error(`timestamp ${i} is not a finite number: ${String(t)}`);
    const last = out[out.length - 1];
    if (last === undefined || t > last) out.push(t);
    else if (t < last) {
      throw new Error(
        `timestamps must be sorted ascending: timestamp ${i} (${iso(t)}) comes before the one preceding it (${iso(last)})`,
      );
    }
  }
  return out;
}

/** Position of the first timestamp ≥ t (ts.length when none is). Binary search. */
export function lowerBound(ts: readonly number[], t: number): number {
  let lo = 0;
  let hi = ts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ts[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function iso(t: number): string {
  const d = new Date(t);
  return Number.isNaN(d.getTime()) ? String(t) : d.toISOString();
}

function describeData(ts: readonly number[]): string {
  return `the data holds ${ts.length} distinct timestamps from ${iso(ts[0]!)} to ${iso(ts[ts.length - 1]!)}`;
}

// ---------------------------------------------------------------------------------
// Train/test split

/**
 * Splits the series once: train is the earlier part, test the rest.
 *
 * - `{ ratio }`: train holds the first ⌊ratio × n⌋ distinct timestamps; the boundary is
 *   the first test bar's timestamp.
 * - `{ split_date }`: the boundary is that instant (bars before it train).
 *
 * Train starts at the first bar; test ends 1 ms after the last bar (the smallest
 * exclusive end that keeps it).
 *
 * @throws Error when the series is empty, unsorted, the ratio is not in (0, 1), the date
 *   does not parse, or either side would hold no bar.
 */
export function trainTestSplit(timestamps: ArrayLike<number>, options: SplitOptions): TrainTest {
  const ts = distinctTimestamps(timestamps);
  const n = ts.length;
  if (n === 0) throw new Error('train/test split: the data holds no bars');
  const first = ts[0]!;
  const end = ts[n - 1]! + 1;

  if ('ratio' in options) {
    const { ratio } = options;
    if (!(typeof ratio === 'number' && ratio > 0 && ratio < 1)) {
      throw new Error(
        `train/test split: ratio must be a fraction between 0 and 1 (exclusive), e.g. 0.7, received ${String(ratio)}`,
      );
    }
    const trainBars = Math.floor(Number((ratio * n).toPrecision(12)));
    if (trainBars < 1 || trainBars >= n) {
      throw new Error(
        `train/test split: ratio ${ratio} of ${n} bars leaves ${trainBars < 1 ? 'no bar to train on' : 'no bar to test on'}`,
      );
    }
    const boundary = ts[trainBars]!;
    return {
      train: { start: first, end: boundary, from: 0, to: trainBars, bars: trainBars },
      test: { start: boundary, end, from: trainBars, to: n, bars: n - trainBars },
    };
  }

  const split = toEpochMs(options.split_date);
  const at = lowerBound(ts, split);
  if (at === 0 || at === n) {
    throw new Error(
      `train/test split: split_date ${iso(split)} leaves ${at === 0 ? 'no bar to train on' : 'no bar to test on'}; ${describeData(ts)}`,
    );
  }
  return {
    train: { start: first, end: split, from: 0, to: at, bars: at },
    test: { start: split, end, from: at, to: n, bars: n - at },
  };
}

function toEpochMs(value: string | number | Date): number {
  let t: number;
  if (value instanceof Date) t = value.getTime();
  else if (typeof value === 'number') t = epochToMs(value);
  else t = parseTimestamp(value);
  if (!Number.isFinite(t)) {
    throw new Error(
      `train/test split: split_date ${JSON.stringify(String(value))} is not a date: expected ISO 8601 (e.g. '2024-06-01' or '2024-06-01T13:30:00Z') or epoch milliseconds`,
    );
  }
  return t;
}

// ---------------------------------------------------------------------------------
// Walk-forward

/** A window size, parsed. */
type Size = { readonly bars: number } | { readonly duration: Duration };

/** A window boundary: a bar position (from a bar count) or an instant (from a duration). */
type Boundary = { readonly index: number } | { readonly time: number };

/**
 * The windows of a walk-forward analysis, in time order.
 *
 * Window k (k = 0, 1, 2…), with the origin at the first bar:
 *
 * - rolling:  train = [origin + k·step, that + train),
 * - anchored: train = [origin, origin + train + k·step),
 * - both:     test  = [train end, train end + test).
 *
 * A bar count moves a boundary by that many bars; a duration moves it in calendar time
 * (see {@link addDuration}), and multiples of the step are added to the origin in one go,
 * so that month-end clamping never drifts. A boundary given as an instant selects the
 * bars at or after it: on a gap (night, weekend) the range just starts with the next bar.
 *
 * Stops at the first window whose test range would start at or after the last bar. A
 * window whose test range runs past the end of the data is `partial`: it is kept when its
 * test range still holds `min_test_bars`, and is the last one. Windows whose train or test
 * range holds fewer than `min_train_bars` / `min_test_bars` bars (a gap in the data) are
 * left out; `index` numbers the windows kept.
 *
 * @param timestamps epoch ms, sorted ascending; repeats (several symbols) count once.
 * @throws Error for an invalid option (naming it and what is accepted), unsorted
 *   timestamps, no data, no window at all (naming the data's extent), or more than
 *   {@link MAX_WINDOWS} windows.
 */
export function walkForwardWindows(timestamps: ArrayLike<number>, options: WalkForwardOptions): WalkForwardWindow[] {
  const { mode } = options;
  if (mode !== 'rolling' && mode !== 'anchored') {
    throw new Error(`walk-forward mode must be 'rolling' or 'anchored', received ${JSON.stringify(mode)}`);
  }
  const train = parseSize('train', options.train);
  const test = parseSize('test', options.test);
  const step = options.step === undefined ? test : parseSize('step', options.step);
  const minTest = parseMinBars('min_test_bars', options.min_test_bars);
  const minTrain = parseMinBars('min_train_bars', options.min_train_bars);

  const ts = distinctTimestamps(timestamps);
  const n = ts.length;
  if (n === 0) throw new Error('walk-forward: the data holds no bars');
  const last = ts[n - 1]!;

  const indexOf = (b: Boundary): number => ('index' in b ? b.index : lowerBound(ts, b.time));
  const timeOf = (b: Boundary): number => {
    if ('time' in b) return b.time;
    // A position past the data (an anchored train longer than the data) maps to just after
    // the last bar: anything measured from it lies past the data too, and the loop stops.
    return b.index < n ? ts[b.index]! : last + 1;
  };
  const advance = (b: Boundary, size: Size, times: number): Boundary =>
    'bars' in size ? { index: indexOf(b) + size.bars * times } : { time: addDuration(timeOf(b), size.duration, times) };
  /** Exclusive end instant of a boundary: its own instant, or the bar at it, or just after the data. */
  const endOf = (b: Boundary): number => ('time' in b ? b.time : b.index < n ? ts[b.index]! : last + 1);
  const span = (s: Boundary, e: Boundary): Span => {
    const from = indexOf(s);
    const to = Math.min(indexOf(e), n);
    return { start: 'time' in s ? s.time : ts[from]!, end: endOf(e), from, to, bars: Math.max(0, to - from) };
  };

  const origin: Boundary = { time: ts[0]! };
  const anchoredTrainEnd = advance(origin, train, 1);
  const windows: WalkForwardWindow[] = [];
  for (let k = 0; ; k++) {
    const trainStart = mode === 'rolling' ? advance(origin, step, k) : origin;
    if (indexOf(trainStart) >= n) break;
    const trainEnd = mode === 'rolling' ? advance(trainStart, train, 1) : advance(anchoredTrainEnd, step, k);
    if (indexOf(trainEnd) >= n) break; // no bar left to test
    const testEnd = advance(trainEnd, test, 1);
    const partial = 'index' in testEnd ? testEnd.index > n : testEnd.time > last;
    const trainSpan = span(trainStart, trainEnd);
    const testSpan = span(trainEnd, testEnd);
    if (trainSpan.bars >= minTrain && testSpan.bars >= minTest) {
      if (windows.length >= MAX_WINDOWS) {
        throw new Error(
          `walk-forward: more than ${MAX_WINDOWS.toLocaleString('en-US')} windows; use a larger step (a number is a bar count: write '1M' for a month)`,
        );
      }
      windows.push({ index: windows.length, train: trainSpan, test: testSpan, partial });
    }
    if (partial) break;
  }
  if (windows.length === 0) {
    throw new Error(
      `walk-forward: no window fits: ${describeData(ts)}; a train of ${describeSize(train)} followed by a test of ${describeSize(test)} ` +
        `(at least ${minTest} test bar${minTest === 1 ? '' : 's'}) needs more`,
    );
  }
  return windows;
}

function parseSize(name: string, value: WindowSize): Size {
  const expected = `expected a bar count (a whole number >= 1) or a duration like '6h', '30d', '2w', '3M', '1y'`;
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value) || value < 1)
      throw new Error(`walk-forward ${name}: ${expected}, received ${value}`);
    return { bars: value };
  }
  if (typeof value === 'string') {
    try {
      return { duration: parseDuration(value) };
    } catch (err) {
      throw new Error(`walk-forward ${name}: ${(err as Error).message}`, { cause: err });
    }
  }
  throw new Error(`walk-forward ${name}: ${expected}, received ${typeof value}`);
}

function parseMinBars(name: string, value: number | undefined): number {
  if (value === undefined) return 1;
  if (!Number.isSafeInteger(value) || value < 1)
    throw new Error(`walk-forward ${name} must be a whole number >= 1, received ${String(value)}`);
  return value;
}

function describeSize(size: Size): string {
  if ('bars' in size) return `${size.bars} bar${size.bars === 1 ? '' : 's'}`;
  return `'${size.duration.count}${size.duration.unit}'`;
}
