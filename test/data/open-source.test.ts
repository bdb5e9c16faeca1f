import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CsvBarSource } from '../../src/data/csv-source.ts';
import type { DataError } from '../../src/data/data-error.ts';
import { openBarSource } from '../../src/data/open-source.ts';
import { ParquetBarSource } from '../../src/data/parquet-source.ts';
import { readAll, readError } from './read-all.ts';

describe('openBarSource', () => {
  it('resolves the path against baseDir and picks the reader by extension', async () => {
    const csv = openBarSource({ path: 'data/SPY_5m.csv', symbol: 'SPY', end: Date.UTC(2024, 2, 27) }, 'examples');
    expect(csv).toBeInstanceOf(CsvBarSource);
    expect(csv.description).toBe(path.join('examples', 'data', 'SPY_5m.csv'));
    expect((await readAll(csv)).ts).toHaveLength(79); // 13:30 to 20:00 (the file has a 20:00 bar)

    const pq = openBarSource(
      { path: 'SPY_1m_head.parquet', symbol: 'SPY', chunkSize: 100 },
      path.resolve('test/fixtures/data'),
    );
    expect(pq).toBeInstanceOf(ParquetBarSource);
    expect((await readAll(pq)).chunkLengths).toHaveLength(20);
  });

  it('lets format override the extension', async () => {
    const src = openBarSource({ path: 'SPY_1m_head.parquet', symbol: 'SPY', format: 'csv' }, 'test/fixtures/data');
    expect(src).toBeInstanceOf(CsvBarSource);
  });

  it('passes the policy options on', async () => {
    const src = openBarSource({ path: 'bad_rows.parquet', symbol: 'X', onBadRow: 'skip' }, 'test/fixtures/data');
    await readAll(src);
    expect(src.stats().skipped).toBe(6);
  });

  it('a missing file surfaces when read, as FILE_NOT_FOUND with the resolved path', async () => {
    const err = (await readError(openBarSource({ path: 'nope.csv', symbol: 'X' }, 'examples/data'))) as DataError;
    expect(err.code).toBe('FILE_NOT_FOUND');
    expect(err.file).toBe(path.join('examples', 'data', 'nope.csv'));
  });
});
