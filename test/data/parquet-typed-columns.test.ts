import { DuckDBInstance } from '@duckdb/node-api';
import { parquetMetadataAsync, parquetSchema } from 'hyparquet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openFileAsyncBuffer } from '../../src/files/file-async-buffer.ts';
import { ParquetBarSource } from '../../src/data/parquet-source.ts';
import { planTypedColumns, readTypedGroup } from '../../src/data/parquet-typed-columns.ts';
import { readAll, readError, tempFiles } from './read-all.ts';

const N = 5000;
const T0 = Date.UTC(2024, 2, 26, 13, 30);
const MIN = 60_000;
const path = tempFiles();
let instance: DuckDBInstance;

beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:');
});
afterAll(() => {
  instance.closeSync();
});

/**
 * Writes N rows with DuckDB (the writer of the bundled data): `ts` from the given SQL over
 * row number i, open = 100 + i/8 (DOUBLE), high = 200 + i/4 (FLOAT), low = 50 + i % 7
 * (INTEGER, few values, so dictionary-encoded), close = 60 + ⌊i/16⌋ (BIGINT), volume = `volume`.
 */
async function write(name: string, ts: string, volume = 'CAST(i AS BIGINT)', options = ''): Promise<string> {
  // An empty file in the test's temp folder, which DuckDB then overwrites.
  const file = path(name, '');
  const db = await instance.connect();
  try {
    await db.run(
      `COPY (SELECT ${ts} AS timestamp, 100 + i / 8 AS open, CAST(200 + i / 4 AS FLOAT) AS high,
                    CAST(50 + i % 7 AS INTEGER) AS low, CAST(60 + i // 16 AS BIGINT) AS close, ${volume} AS volume
             FROM (SELECT range AS i FROM range(${N}))) TO '${file}' (FORMAT parquet, ROW_GROUP_SIZE 2048${options})`,
    );
  } finally {
    db.closeSync();
  }
  return file;
}

/** Every row group of `file` through the typed reader: columns concatenated, or null if any group was refused. */
async function readTyped(file: string): Promise<Float64Array[] | null> {
  const buffer = await openFileAsyncBuffer(file);
  try {
    const metadata = await parquetMetadataAsync(buffer);
    const plan = planTypedColumns(metadata, parquetSchema(metadata), [
      'timestamp',
      'open',
      'high',
      'low',
      'close',
      'volume',
    ]);
    if (plan === null) return null;
    const parts: Float64Array[][] = [];
    for (const group of metadata.row_groups) {
      const columns = await readTypedGroup(buffer, group, plan);
      if (columns === null) return null;
      parts.push(columns);
    }
    return plan.map((_, k) => {
      const out = new Float64Array(N);
      let at = 0;
      for (const p of parts) {
        out.set(p[k] as Float64Array, at);
        at += (p[k] as Float64Array).length;
      }
      return out;
    });
  } finally {
    await buffer.close();
  }
}

const expected = (f: (i: number) => number): number[] => Array.from({ length: N }, (_, i) => f(i));

describe('typed Parquet columns', () => {
  const minutes = "TIMESTAMPTZ '2024-03-26 13:30:00+00' + i * INTERVAL 1 MINUTE";
  const cases: { name: string; ts: string; want: (i: number) => number; options?: string }[] = [
    { name: 'micros', ts: minutes, want: (i) => T0 + i * MIN },
    { name: 'micros-v2-pages', ts: minutes, want: (i) => T0 + i * MIN, options: ', PARQUET_VERSION v2' },
    { name: 'millis', ts: `CAST(${minutes} AS TIMESTAMP_MS)`, want: (i) => T0 + i * MIN },
    {
      name: 'nanos',
      ts: `CAST(${minutes} AS TIMESTAMP_NS) + i * INTERVAL 1 MICROSECOND`,
      want: (i) => T0 + i * MIN + i / 1000,
    },
    { name: 'date', ts: "DATE '2024-03-26' + CAST(i AS INTEGER)", want: (i) => Date.UTC(2024, 2, 26) + i * 86_400_000 },
    { name: 'epoch-ms-bigint', ts: `CAST(${T0} + i * ${MIN} AS BIGINT)`, want: (i) => T0 + i * MIN },
    { name: 'epoch-s-double', ts: `CAST(${T0 / 1000} + i * 60 AS DOUBLE)`, want: (i) => T0 + i * MIN },
  ];

  it.each(cases)('reads $name timestamps and the numeric columns exactly', async ({ name, ts, want, options }) => {
    const file = await write(`${name}.parquet`, ts, undefined, options);
    const columns = await readTyped(file);
    expect(columns).not.toBeNull();
    const [t, open, high, low, close, volume] = columns as Float64Array[];
    expect(Array.from(t as Float64Array)).toEqual(expected(want));
    expect(Array.from(open as Float64Array)).toEqual(expected((i) => 100 + i / 8));
    expect(Array.from(high as Float64Array)).toEqual(expected((i) => 200 + i / 4));
    expect(Array.from(low as Float64Array)).toEqual(expected((i) => 50 + (i % 7)));
    expect(Array.from(close as Float64Array)).toEqual(expected((i) => 60 + Math.floor(i / 16)));
    expect(Array.from(volume as Float64Array)).toEqual(expected((i) => i));
  });

  it('refuses a group with a null or a non-finite value, which the general read then words', async () => {
    const withNull = await write('null.parquet', minutes, 'CASE WHEN i = 3000 THEN NULL ELSE CAST(i AS BIGINT) END');
    const withNaN = await write('nan.parquet', minutes, "CASE WHEN i = 10 THEN 'NaN'::DOUBLE ELSE i END");
    expect(await readTyped(withNull)).toBeNull();
    expect(await readTyped(withNaN)).toBeNull();
    const err = await readError(new ParquetBarSource({ file: withNull, symbol: 'X' }));
    expect(err.message).toBe(`${withNull}:3001  volume: cannot read a missing value as a number`);
    // The groups before the bad one were read (typed), and the bad group's good rows too.
    const source = new ParquetBarSource({ file: withNull, symbol: 'X', onBadRow: 'skip' });
    const all = await readAll(source);
    expect(all.ts).toHaveLength(N - 1);
    expect(all.close).toEqual(expected((i) => 60 + Math.floor(i / 16)).filter((_, i) => i !== 3000));
  });

  it('leaves types it does not convert itself to the general read (decimal, unsigned)', async () => {
    const decimal = await write('decimal.parquet', minutes, 'CAST(i AS DECIMAL(12, 2))');
    expect(await readTyped(decimal)).toBeNull();
    expect(await readTyped(await write('unsigned.parquet', minutes, 'CAST(i AS UBIGINT)'))).toBeNull();
    const all = await readAll(new ParquetBarSource({ file: decimal, symbol: 'X' }));
    expect(all.volume).toEqual(expected((i) => i));
  });

  it('gives the source the same bars as the columns', async () => {
    const file = await write('source.parquet', minutes);
    const all = await readAll(new ParquetBarSource({ file, symbol: 'X', chunkSize: 777 }));
    expect(all.ts).toEqual(expected((i) => T0 + i * MIN));
    expect(all.low).toEqual(expected((i) => 50 + (i % 7)));
  });
});
