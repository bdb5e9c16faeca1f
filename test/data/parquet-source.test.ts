import { describe, expect, it } from 'vitest';
import { DataError } from '../../src/data/data-error.ts';
import { ParquetBarSource } from '../../src/data/parquet-source.ts';
import { openDescriptors, openFileResources, readAll, readError, tempFiles } from './read-all.ts';

const FIXTURES = 'test/fixtures/data';
/** First 2,000 rows of SPY_1m.parquet, same DuckDB schema (TIMESTAMP_MICROS), 4 row groups of 500. */
const SPY_HEAD = `${FIXTURES}/SPY_1m_head.parquet`;
const BAD_ROWS = `${FIXTURES}/bad_rows.parquet`;
const T0 = Date.UTC(2024, 2, 26, 13, 30);
const MIN = 60_000;

describe('ParquetBarSource on the SPY 1m head', () => {
  it('reads all 2,000 rows with the values the file holds', async () => {
    const source = new ParquetBarSource({ file: SPY_HEAD, symbol: 'SPY' });
    const all = await readAll(source);
    expect(all.ts).toHaveLength(2000);
    expect([all.ts[0], all.open[0], all.high[0], all.low[0], all.close[0], all.volume[0]]).toEqual([
      T0,
      521.23,
      521.26,
      520.92,
      521.01,
      342_898,
    ]);
    expect([all.ts[1], all.open[1], all.close[1], all.volume[1]]).toEqual([T0 + MIN, 521.03, 521.07, 186_082]);
    expect([
      all.ts.at(-1),
      all.open.at(-1),
      all.high.at(-1),
      all.low.at(-1),
      all.close.at(-1),
      all.volume.at(-1),
    ]).toEqual([Date.UTC(2024, 3, 3, 14, 14), 519.99, 520.25, 519.94, 520.225, 135_166]);
    for (let i = 1; i < all.ts.length; i++) {
      if (!((all.ts[i] as number) > (all.ts[i - 1] as number))) throw new Error(`order broken at ${i}`);
    }
    expect(source.stats()).toEqual({
      rows: 2000,
      skipped: 0,
      notes: [],
      firstTs: T0,
      lastTs: Date.UTC(2024, 3, 3, 14, 14),
    });
  });

  it('keeps rows and order whatever the chunk size, across row groups', async () => {
    const whole = await readAll(new ParquetBarSource({ file: SPY_HEAD, symbol: 'SPY', chunkSize: 5000 }));
    const chunked = await readAll(new ParquetBarSource({ file: SPY_HEAD, symbol: 'SPY', chunkSize: 333 }));
    expect(whole.chunkLengths).toEqual([2000]);
    expect(chunked.chunkLengths).toEqual([333, 333, 333, 333, 333, 333, 2]);
    expect(chunked.ts).toEqual(whole.ts);
    expect(chunked.close).toEqual(whole.close);
    expect(chunked.volume).toEqual(whole.volume);
  });

  it('applies start/end', async () => {
    const start = T0 + 10 * MIN;
    const end = T0 + 20 * MIN;
    const source = new ParquetBarSource({ file: SPY_HEAD, symbol: 'SPY', start, end });
    const all = await readAll(source);
    expect(all.ts).toEqual(Array.from({ length: 10 }, (_, i) => start + i * MIN));
    expect(source.stats()).toMatchObject({ rows: 10, firstTs: start, lastTs: end - MIN });
  });
});

describe('ParquetBarSource end', () => {
  it('stops at the first record at or after end, before the bad ones', async () => {
    const all = await readAll(new ParquetBarSource({ file: BAD_ROWS, symbol: 'X', end: T0 + 2 * MIN }));
    expect(all.ts).toEqual([T0, T0 + MIN]);
  });
});

describe('ParquetBarSource value types', () => {
  it('reads ISO strings with offsets in a Date column, and no volume as NaN', async () => {
    const all = await readAll(new ParquetBarSource({ file: `${FIXTURES}/iso_strings.parquet`, symbol: 'X' }));
    expect(all.ts).toEqual([T0, T0 + MIN, T0 + 2 * MIN]);
    expect(all.close).toEqual([1.25, 2.25, 3.25]);
    expect(all.volume.every(Number.isNaN)).toBe(true);
  });

  it('reads plain INT64 epoch seconds from a time column', async () => {
    const all = await readAll(new ParquetBarSource({ file: `${FIXTURES}/epoch_seconds.parquet`, symbol: 'X' }));
    expect(all.ts).toEqual([T0, T0 + MIN, T0 + 2 * MIN]);
    expect(all.volume).toEqual([10, 20, 30]);
  });
});

describe('ParquetBarSource bad rows (record numbers are 1-based)', () => {
  it('fails on the first bad record with file:record', async () => {
    const err = (await readError(new ParquetBarSource({ file: BAD_ROWS, symbol: 'X' }))) as DataError;
    expect(err).toBeInstanceOf(DataError);
    expect(err.code).toBe('UNPARSEABLE_NUMBER');
    expect(err.message).toBe(`${BAD_ROWS}:3  close: cannot read a missing value as a number`);
  });

  it('skips and notes every kind of bad record', async () => {
    const source = new ParquetBarSource({ file: BAD_ROWS, symbol: 'X', onBadRow: 'skip' });
    const all = await readAll(source);
    expect(all.ts).toEqual([T0, T0 + MIN, T0 + 5 * MIN, T0 + 6 * MIN]);
    expect(source.stats()).toEqual({
      rows: 4,
      skipped: 6,
      notes: [
        'row 3: close: cannot read a missing value as a number',
        "row 4: duplicate bar: timestamp 2024-03-26T13:31:00.000Z is the same as row 2's",
        'row 5: timestamp 2024-03-26T13:30:00.000Z goes backwards: row 2 was at 2024-03-26T13:31:00.000Z',
        'row 6: invalid bar: high 10.2 is below max(open, close) 10.5',
        'row 7: invalid bar: volume -5 is negative',
        'row 9: timestamp: cannot read a missing value as a timestamp',
      ],
      firstTs: T0,
      lastTs: T0 + 6 * MIN,
    });
  });
});

describe('ParquetBarSource file problems', () => {
  it('FILE_NOT_FOUND', async () => {
    const err = (await readError(new ParquetBarSource({ file: `${FIXTURES}/nope.parquet`, symbol: 'X' }))) as DataError;
    expect([err.code, err.message]).toEqual(['FILE_NOT_FOUND', `${FIXTURES}/nope.parquet  file not found`]);
    expect(openFileResources()).toEqual([]);
  });

  it('MISSING_COLUMN on row 1 lists the columns found', async () => {
    const err = (await readError(
      new ParquetBarSource({ file: SPY_HEAD, symbol: 'X', columns: { close: 'adj_close' } }),
    )) as DataError;
    expect(err.code).toBe('MISSING_COLUMN');
    expect(err.message).toBe(
      `${SPY_HEAD}:1  missing column 'adj_close' (configured for close); found: bar_index, timestamp, open, high, low, close, volume`,
    );
  });

  it('a file that is not Parquet is MALFORMED_FILE', async () => {
    const file = tempFiles()('not.parquet', 'timestamp,open\n1,2\n');
    const err = (await readError(new ParquetBarSource({ file, symbol: 'X' }))) as DataError;
    expect(err.code).toBe('MALFORMED_FILE');
    expect(err.message.startsWith(`${file}  not a Parquet file: `)).toBe(true);
    expect(openDescriptors(file) ?? []).toEqual([]);
  });
});

describe('ParquetBarSource releases the file', () => {
  it('when the consumer breaks out early', async () => {
    const source = new ParquetBarSource({ file: SPY_HEAD, symbol: 'SPY', chunkSize: 100 });
    for await (const chunk of source.chunks()) {
      expect(chunk.length).toBe(100);
      expect(openDescriptors(SPY_HEAD) ?? ['n/a']).not.toEqual([]);
      break;
    }
    expect(openFileResources()).toEqual([]);
    expect(openDescriptors(SPY_HEAD) ?? []).toEqual([]);
  });

  it('after a data error', async () => {
    await readError(new ParquetBarSource({ file: BAD_ROWS, symbol: 'X' }));
    expect(openFileResources()).toEqual([]);
    expect(openDescriptors(BAD_ROWS) ?? []).toEqual([]);
  });

  it('when close() is called mid-iteration', async () => {
    const source = new ParquetBarSource({ file: SPY_HEAD, symbol: 'SPY', chunkSize: 100 });
    const it = source.chunks()[Symbol.asyncIterator]();
    expect((await it.next()).done).toBe(false);
    await source.close();
    expect(openFileResources()).toEqual([]);
    expect(openDescriptors(SPY_HEAD) ?? []).toEqual([]);
    expect((await it.next()).done).toBe(true);
  });
});
