import { describe, expect, it } from 'vitest';
import {
  addDuration,
  distinctTimestamps,
  MAX_WINDOWS,
  parseDuration,
  trainTestSplit,
  walkForwardWindows,
  type Span,
  type WalkForwardWindow,
} from '../../src/sequencer/windows.ts';
import { loadSpyBars } from '../helpers/spy.ts';

const SPY = loadSpyBars().map((b) => b.ts);
const T = (iso: string) => Date.parse(iso);
/** Ten bars one minute apart from 2024-01-01 00:00 UTC. */
const TEN = Array.from({ length: 10 }, (_, i) => T('2024-01-01T00:00:00Z') + i * 60_000);
const range = (n: number) => Array.from({ length: n }, (_, i) => i * 1000);

/** Bars of `ts` a data filter keeps for a span: start <= ts < end. */
const inSpan = (ts: readonly number[], s: Span) => ts.filter((t) => t >= s.start && t < s.end);

/** Checks a span against the filter semantics and its own positions. */
function expectConsistent(ts: readonly number[], s: Span): void {
  const kept = inSpan(ts, s);
  expect(kept.length).toBe(s.bars);
  expect(s.to - s.from).toBe(s.bars);
  if (s.bars > 0) {
    expect(kept[0]).toBe(ts[s.from]);
    expect(kept[kept.length - 1]).toBe(ts[s.to - 1]);
  }
}

function expectWindowsConsistent(ts: readonly number[], windows: WalkForwardWindow[]): void {
  windows.forEach((w, i) => {
    expect(w.index).toBe(i);
    expectConsistent(ts, w.train);
    expectConsistent(ts, w.test);
    // Test follows train at once: shared boundary, no overlap, no gap.
    expect(w.test.start).toBe(w.train.end);
    expect(w.test.from).toBe(w.train.to);
    expect(w.train.bars).toBeGreaterThanOrEqual(1);
    expect(w.test.bars).toBeGreaterThanOrEqual(1);
  });
}

describe('parseDuration', () => {
  it('reads a count and a unit', () => {
    expect(parseDuration('6h')).toEqual({ count: 6, unit: 'h' });
    expect(parseDuration('30d')).toEqual({ count: 30, unit: 'd' });
    expect(parseDuration('2w')).toEqual({ count: 2, unit: 'w' });
    expect(parseDuration('3M')).toEqual({ count: 3, unit: 'M' });
    expect(parseDuration('1y')).toEqual({ count: 1, unit: 'y' });
  });

  it('refuses a minute-or-month guess and wrong case, with a hint', () => {
    expect(() => parseDuration('3m')).toThrow(/'m' is ambiguous: write '3M' for months/);
    expect(() => parseDuration('1Y')).toThrow(/case sensitive: write '1y'/);
    expect(() => parseDuration('30D')).toThrow(/write '30d'/);
  });

  it.each(['0d', '1.5d', '-1d', 'd', '10', '', ' 1d', '1 d', '1mo'])('refuses %j', (text) => {
    expect(() => parseDuration(text)).toThrow(/invalid duration/);
  });
});

describe('addDuration', () => {
  const base = T('2024-01-31T14:30:00Z');

  it('adds hours, days and weeks as fixed lengths', () => {
    expect(addDuration(base, { count: 6, unit: 'h' })).toBe(T('2024-01-31T20:30:00Z'));
    expect(addDuration(base, { count: 1, unit: 'd' })).toBe(T('2024-02-01T14:30:00Z'));
    expect(addDuration(base, { count: 2, unit: 'w' })).toBe(T('2024-02-14T14:30:00Z'));
    // Across the US daylight-saving change: UTC days are 24 h.
    expect(addDuration(T('2024-03-09T12:00:00Z'), { count: 2, unit: 'd' })).toBe(T('2024-03-11T12:00:00Z'));
  });

  it('adds calendar months, keeping the time and clamping to the month end', () => {
    expect(addDuration(base, { count: 1, unit: 'M' })).toBe(T('2024-02-29T14:30:00Z'));
    expect(addDuration(T('2023-01-31T00:00:00Z'), { count: 1, unit: 'M' })).toBe(T('2023-02-28T00:00:00Z'));
    expect(addDuration(base, { count: 3, unit: 'M' })).toBe(T('2024-04-30T14:30:00Z'));
    expect(addDuration(base, { count: 11, unit: 'M' })).toBe(T('2024-12-31T14:30:00Z'));
    expect(addDuration(base, { count: 13, unit: 'M' })).toBe(T('2025-02-28T14:30:00Z'));
  });

  it('adds calendar years', () => {
    expect(addDuration(T('2024-02-29T09:00:00Z'), { count: 1, unit: 'y' })).toBe(T('2025-02-28T09:00:00Z'));
    expect(addDuration(T('2024-02-29T09:00:00Z'), { count: 4, unit: 'y' })).toBe(T('2028-02-29T09:00:00Z'));
    expect(addDuration(T('2024-03-26T13:30:00Z'), { count: 1, unit: 'y' })).toBe(T('2025-03-26T13:30:00Z'));
  });

  it('multiplies before adding, so month ends do not drift', () => {
    const month = { count: 1, unit: 'M' } as const;
    expect(addDuration(base, month, 2)).toBe(T('2024-03-31T14:30:00Z'));
    expect(addDuration(addDuration(base, month), month)).toBe(T('2024-03-29T14:30:00Z'));
    expect(addDuration(base, month, 0)).toBe(base);
    expect(addDuration(base, { count: 6, unit: 'h' }, 3)).toBe(T('2024-02-01T08:30:00Z'));
  });
});

describe('distinctTimestamps', () => {
  it('keeps each timestamp once (a multi-symbol merge repeats them)', () => {
    expect(distinctTimestamps([1, 1, 2, 3, 3, 3, 7])).toEqual([1, 2, 3, 7]);
    expect(distinctTimestamps(new Float64Array([5, 5]))).toEqual([5]);
    expect(distinctTimestamps([])).toEqual([]);
  });

  it('refuses a series going backwards, naming where', () => {
    expect(() => distinctTimestamps([T('2024-01-02T00:00:00Z'), T('2024-01-01T00:00:00Z')])).toThrow(
      'timestamps must be sorted ascending: timestamp 1 (2024-01-01T00:00:00.000Z) comes before the one preceding it (2024-01-02T00:00:00.000Z)',
    );
    expect(() => distinctTimestamps([1, Number.NaN])).toThrow(/timestamp 1 is not a finite number/);
  });
});

describe('trainTestSplit', () => {
  it('splits by ratio at ⌊ratio × n⌋ bars, half-open and adjacent', () => {
    const { train, test } = trainTestSplit(TEN, { ratio: 0.7 });
    expect(train).toEqual({ start: TEN[0], end: TEN[7], from: 0, to: 7, bars: 7 });
    expect(test).toEqual({ start: TEN[7], end: TEN[9]! + 1, from: 7, to: 10, bars: 3 });
    expectConsistent(TEN, train);
    expectConsistent(TEN, test);
  });

  it('does not lose a bar to binary rounding of the ratio', () => {
    // 0.29 × 100 = 28.999999999999996 in floating point.
    expect(trainTestSplit(range(100), { ratio: 0.29 }).train.bars).toBe(29);
    expect(trainTestSplit(range(100), { ratio: 0.57 }).train.bars).toBe(57);
  });

  it('splits at a date: bars before it train, bars at or after it test', () => {
    const { train, test } = trainTestSplit(SPY, { split_date: '2025-01-01' });
    expect(train.end).toBe(T('2025-01-01T00:00:00Z'));
    expect(test.start).toBe(train.end);
    expect(train.start).toBe(SPY[0]);
    expect(test.end).toBe(SPY[SPY.length - 1]! + 1);
    expect(train.bars + test.bars).toBe(SPY.length);
    expect(new Date(SPY[test.from]!).toISOString()).toBe('2025-01-02T14:30:00.000Z');
    expectConsistent(SPY, train);
    expectConsistent(SPY, test);
  });

  it('takes the split date as ISO with a zone, epoch ms, epoch seconds or a Date', () => {
    const at = T('2024-01-01T00:05:00Z');
    for (const split_date of ['2024-01-01T00:05:00Z', '2024-01-01 01:05:00+01:00', at, at / 1000, new Date(at)]) {
      expect(trainTestSplit(TEN, { split_date }).train.bars).toBe(5);
    }
  });

  it('counts a timestamp shared by several symbols once', () => {
    const merged = TEN.flatMap((t) => [t, t]);
    expect(trainTestSplit(merged, { ratio: 0.5 })).toEqual(trainTestSplit(TEN, { ratio: 0.5 }));
  });

  it('refuses splits that leave a side empty, and bad inputs', () => {
    expect(() => trainTestSplit(TEN, { ratio: 0 })).toThrow(/ratio must be a fraction between 0 and 1/);
    expect(() => trainTestSplit(TEN, { ratio: 1 })).toThrow(/ratio must be/);
    expect(() => trainTestSplit(TEN, { ratio: 70 })).toThrow(/ratio must be/);
    expect(() => trainTestSplit(TEN, { ratio: 0.05 })).toThrow(
      'train/test split: ratio 0.05 of 10 bars leaves no bar to train on',
    );
    expect(() => trainTestSplit(TEN, { ratio: 0.99999999999999 })).toThrow(/leaves no bar to test on/);
    expect(() => trainTestSplit(SPY, { split_date: '2020-01-01' })).toThrow(
      /split_date 2020-01-01T00:00:00.000Z leaves no bar to train on; the data holds 20769 distinct timestamps from 2024-03-26T13:30:00.000Z to 2025-04-02T19:20:00.000Z/,
    );
    expect(() => trainTestSplit(SPY, { split_date: '2030-01-01' })).toThrow(/no bar to test on/);
    expect(() => trainTestSplit(SPY, { split_date: 'next tuesday' })).toThrow(/"next tuesday" is not a date/);
    expect(() => trainTestSplit([], { ratio: 0.5 })).toThrow(/no bars/);
  });
});

describe('walkForwardWindows with bar counts', () => {
  it('rolls train and test forward by the step', () => {
    const w = walkForwardWindows(TEN, { mode: 'rolling', train: 4, test: 2, step: 2 });
    expect(w.map((x) => [x.train.from, x.train.to, x.test.from, x.test.to])).toEqual([
      [0, 4, 4, 6],
      [2, 6, 6, 8],
      [4, 8, 8, 10],
    ]);
    expect(w[0]!.train).toEqual({ start: TEN[0], end: TEN[4], from: 0, to: 4, bars: 4 });
    expect(w[2]!.test).toEqual({ start: TEN[8], end: TEN[9]! + 1, from: 8, to: 10, bars: 2 });
    expect(w.every((x) => !x.partial)).toBe(true);
    expectWindowsConsistent(TEN, w);
  });

  it('anchors train at the first bar and grows it by the step', () => {
    const w = walkForwardWindows(TEN, { mode: 'anchored', train: 4, test: 2, step: 2 });
    expect(w.map((x) => [x.train.from, x.train.to, x.test.from, x.test.to])).toEqual([
      [0, 4, 4, 6],
      [0, 6, 6, 8],
      [0, 8, 8, 10],
    ]);
    expectWindowsConsistent(TEN, w);
  });

  it('steps by the test size by default, so test ranges tile', () => {
    const w = walkForwardWindows(range(20), { mode: 'rolling', train: 5, test: 5 });
    expect(w.map((x) => [x.test.from, x.test.to])).toEqual([
      [5, 10],
      [10, 15],
      [15, 20],
    ]);
  });

  it('keeps a last partial test window with at least min_test_bars, and marks it', () => {
    const eleven = range(11);
    // train 4, test 3: tests [4,7), [7,10), then [10,13) holds one bar.
    const w = walkForwardWindows(eleven, { mode: 'rolling', train: 4, test: 3 });
    expect(w).toHaveLength(3);
    expect(w[2]).toMatchObject({ partial: true, test: { from: 10, to: 11, bars: 1, start: 10_000, end: 10_001 } });
    expect(w.slice(0, 2).every((x) => !x.partial)).toBe(true);
    expect(walkForwardWindows(eleven, { mode: 'rolling', train: 4, test: 3, min_test_bars: 2 })).toHaveLength(2);
    // A test range ending exactly at the last bar is complete.
    expect(walkForwardWindows(range(10), { mode: 'rolling', train: 4, test: 3 }).map((x) => x.partial)).toEqual([
      false,
      false,
    ]);
    expectWindowsConsistent(eleven, w);
  });

  it('counts a timestamp shared by several symbols once', () => {
    const opts = { mode: 'rolling', train: 3, test: 2 } as const;
    expect(
      walkForwardWindows(
        TEN.flatMap((t) => [t, t, t]),
        opts,
      ),
    ).toEqual(walkForwardWindows(TEN, opts));
  });
});

describe('walkForwardWindows with durations on SPY 5-minute bars', () => {
  const T0 = SPY[0]!;

  it('rolls a 3-month train and a 1-month test by calendar months', () => {
    const w = walkForwardWindows(SPY, { mode: 'rolling', train: '3M', test: '1M' });
    // Data 2024-03-26 … 2025-04-02: tests start 2024-06-26, 07-26, … 2025-03-26.
    expect(w).toHaveLength(10);
    w.forEach((x, k) => {
      expect(x.train.start).toBe(addDuration(T0, { count: 1, unit: 'M' }, k));
      expect(x.train.end).toBe(addDuration(x.train.start, { count: 3, unit: 'M' }));
      expect(x.test.end).toBe(addDuration(x.test.start, { count: 1, unit: 'M' }));
      if (k > 0) expect(x.test.start).toBe(w[k - 1]!.test.end); // tiles, no gap, no overlap
    });
    expect(new Date(w[0]!.test.start).toISOString()).toBe('2024-06-26T13:30:00.000Z');
    expect(w[9]).toMatchObject({ partial: true });
    expect(new Date(w[9]!.test.start).toISOString()).toBe('2025-03-26T13:30:00.000Z');
    // The last test range (to 2025-04-26) runs past the data's end (2025-04-02 19:20) and
    // holds everything from 2025-03-26 13:30 on.
    expect(w[9]!.test.to).toBe(SPY.length);
    expect(w[9]!.test.end).toBe(T('2025-04-26T13:30:00Z'));
    expect(w.slice(0, 9).every((x) => !x.partial)).toBe(true);
    expectWindowsConsistent(SPY, w);
  });

  it('anchors train at the first bar and extends it a month at a time', () => {
    const w = walkForwardWindows(SPY, { mode: 'anchored', train: '6M', test: '1M' });
    expect(w).toHaveLength(7);
    for (const x of w) expect(x.train).toMatchObject({ start: T0, from: 0 });
    for (let k = 1; k < w.length; k++) expect(w[k]!.train.bars).toBeGreaterThan(w[k - 1]!.train.bars);
    expect(w[0]!.train.end).toBe(T('2024-09-26T13:30:00Z'));
    expectWindowsConsistent(SPY, w);
  });

  it('mixes a bar-count train with a calendar test', () => {
    const w = walkForwardWindows(SPY, { mode: 'rolling', train: 2000, test: '1M', step: '1M' });
    for (const x of w) expect(x.train.bars).toBe(2000);
    expect(w[0]!.train).toMatchObject({ from: 0, to: 2000 });
    expect(w[0]!.test.start).toBe(SPY[2000]);
    expectWindowsConsistent(SPY, w);
  });

  it('leaves out windows whose test range falls in a gap (nights, weekends)', () => {
    // 6-hour tests every 6 hours: the session is 6.5 h a day, so most steps hit closed hours.
    const w = walkForwardWindows(SPY, { mode: 'rolling', train: '1d', test: '6h' });
    const steps = Math.floor((SPY[SPY.length - 1]! - T0) / (6 * 3_600_000));
    expect(w.length).toBeGreaterThan(100);
    expect(w.length).toBeLessThan(steps);
    expectWindowsConsistent(SPY, w);
  });

  it('with min_train_bars, leaves out windows with a thin train range', () => {
    const all = walkForwardWindows(SPY, { mode: 'rolling', train: '1d', test: '1d' });
    const thick = walkForwardWindows(SPY, { mode: 'rolling', train: '1d', test: '1d', min_train_bars: 70 });
    expect(thick.length).toBeLessThan(all.length);
    expect(thick.every((x) => x.train.bars >= 70)).toBe(true);
  });
});

describe('walkForwardWindows validation', () => {
  it('names a bad option and what is accepted', () => {
    expect(() => walkForwardWindows(TEN, { mode: 'sliding' as 'rolling', train: 4, test: 2 })).toThrow(
      `walk-forward mode must be 'rolling' or 'anchored', received "sliding"`,
    );
    expect(() => walkForwardWindows(TEN, { mode: 'rolling', train: 0, test: 2 })).toThrow(
      "walk-forward train: expected a bar count (a whole number >= 1) or a duration like '6h', '30d', '2w', '3M', '1y', received 0",
    );
    expect(() => walkForwardWindows(TEN, { mode: 'rolling', train: 4, test: 1.5 })).toThrow(
      /walk-forward test: expected a bar count/,
    );
    expect(() => walkForwardWindows(TEN, { mode: 'rolling', train: '3m', test: 2 })).toThrow(
      /walk-forward train: invalid duration "3m": 'm' is ambiguous/,
    );
    expect(() => walkForwardWindows(TEN, { mode: 'rolling', train: 4, test: 2, step: -1 })).toThrow(
      /walk-forward step/,
    );
    expect(() => walkForwardWindows(TEN, { mode: 'rolling', train: 4, test: 2, min_test_bars: 0 })).toThrow(
      /min_test_bars must be a whole number >= 1/,
    );
    expect(() => walkForwardWindows(TEN, { mode: 'rolling', train: 4, test: 2, min_train_bars: 1.5 })).toThrow(
      /min_train_bars/,
    );
  });

  it('refuses empty or unsorted data', () => {
    expect(() => walkForwardWindows([], { mode: 'rolling', train: 4, test: 2 })).toThrow(/no bars/);
    expect(() => walkForwardWindows([3, 2], { mode: 'rolling', train: 1, test: 1 })).toThrow(/sorted ascending/);
  });

  it('says so when no window fits, naming the extent of the data', () => {
    expect(() => walkForwardWindows(TEN, { mode: 'rolling', train: 10, test: 2 })).toThrow(
      'walk-forward: no window fits: the data holds 10 distinct timestamps from 2024-01-01T00:00:00.000Z to 2024-01-01T00:09:00.000Z; a train of 10 bars followed by a test of 2 bars (at least 1 test bar) needs more',
    );
    expect(() => walkForwardWindows(SPY, { mode: 'anchored', train: '2y', test: '1M' })).toThrow(
      /a train of '2y' followed by a test of '1M'/,
    );
    expect(() => walkForwardWindows(TEN, { mode: 'anchored', train: 20, test: '1d' })).toThrow(/no window fits/);
    expect(() => walkForwardWindows(TEN, { mode: 'rolling', train: 8, test: 3, min_test_bars: 3 })).toThrow(
      /at least 3 test bars/,
    );
  });

  it(`stops at ${MAX_WINDOWS} windows`, () => {
    expect(() => walkForwardWindows(range(MAX_WINDOWS + 3), { mode: 'rolling', train: 1, test: 1 })).toThrow(
      /more than 100,000 windows; use a larger step/,
    );
  });
});
