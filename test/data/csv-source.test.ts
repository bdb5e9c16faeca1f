import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Admit, BarIngest } from '../../src/data/bar-ingest.ts';
import { CsvBarSource } from '../../src/data/csv-source.ts';
import { parseNumber } from '../../src/data/parse-number.ts';
import { parseTimestamp } from '../../src/data/parse-timestamp.ts';
import { DataError } from '../../src/data/data-error.ts';
import { openDescriptors, openFileResources, readAll, readError, tempFiles } from './read-all.ts';

const SPY_5M = 'examples/data/SPY_5m.csv';
const HEADER = 'timestamp,open,high,low,close,volume\n';
const GOOD = [
  '2024-03-26 13:30:00+00:00,10,11,9,10.5,100',
  '2024-03-26 13:35:00+00:00,10.5,11.5,10,11,200',
  '2024-03-26 13:40:00+00:00,11,12,10.5,11.5,300',
  '2024-03-26 13:45:00+00:00,11.5,12.5,11,12,400',
];
const T0 = Date.UTC(2024, 2, 26, 13, 30);
const MIN5 = 300_000;

/** A CSV in a temp folder from data lines (header added). */
const write = tempFiles();
const csv = (name: string, lines: string[]): string => write(name, HEADER + lines.join('\n') + '\n');

describe('CsvBarSource on the bundled SPY 5m file', () => {
  it('reads every row, equal to a naive parse of the same file', async () => {
    const source = new CsvBarSource({ file: SPY_5M, symbol: 'SPY' });
    const all = await readAll(source);

    const lines = readFileSync(SPY_5M, 'utf8').trim().split('\n').slice(1);
    expect(lines).toHaveLength(20_769);
    expect(all.ts).toHaveLength(20_769);
    lines.forEach((line, i) => {
      const [ts, o, h, l, c, v] = line.split(',');
      if (Date.parse((ts as string).replace(' ', 'T')) !== all.ts[i]) throw new Error(`ts differs on row ${i + 2}`);
      if (Number(o) !== all.open[i] || Number(h) !== all.high[i] || Number(l) !== all.low[i]) {
        throw new Error(`prices differ on row ${i + 2}`);
      }
      if (Number(c) !== all.close[i] || Number(v) !== all.volume[i])
        throw new Error(`close/volume differ on row ${i + 2}`);
    });

    // First and last rows as the file has them.
    expect([all.ts[0], all.open[0], all.high[0], all.low[0], all.close[0], all.volume[0]]).toEqual([
      Date.UTC(2024, 2, 26, 13, 30),
      521.23,
      521.44,
      520.88,
      521.36,
      888_901,
    ]);
    expect([
      all.ts.at(-1),
      all.open.at(-1),
      all.high.at(-1),
      all.low.at(-1),
      all.close.at(-1),
      all.volume.at(-1),
    ]).toEqual([Date.UTC(2025, 3, 2, 19, 20), 562.02, 562.73, 561.98, 562.73, 251_980]);
    expect(new Set(all.symbol)).toEqual(new Set(['SPY']));
    expect(source.stats()).toEqual({
      rows: 20_769,
      skipped: 0,
      notes: [],
      firstTs: Date.UTC(2024, 2, 26, 13, 30),
      lastTs: Date.UTC(2025, 3, 2, 19, 20),
    });
    expect(source.description).toBe(SPY_5M);
    expect(source.symbols).toEqual(['SPY']);
  });

  it('keeps every row and their order across chunk boundaries (chunk size 1000)', async () => {
    const whole = await readAll(new CsvBarSource({ file: SPY_5M, symbol: 'SPY', chunkSize: 100_000 }));
    const chunked = await readAll(new CsvBarSource({ file: SPY_5M, symbol: 'SPY', chunkSize: 1000 }));
    expect(chunked.chunkLengths).toEqual([...Array<number>(20).fill(1000), 769]);
    expect(chunked.ts).toEqual(whole.ts);
    expect(chunked.close).toEqual(whole.close);
    expect(chunked.volume).toEqual(whole.volume);
    for (let i = 1; i < chunked.ts.length; i++) {
      if (!((chunked.ts[i] as number) > (chunked.ts[i - 1] as number))) throw new Error(`order broken at ${i}`);
    }
  });

  it('hands out a last chunk whose arrays are cut to its length', async () => {
    const source = new CsvBarSource({ file: SPY_5M, symbol: 'SPY', chunkSize: 1000 });
    let last: { length: number; ts: Float64Array } | null = null;
    for await (const chunk of source.chunks()) last = chunk;
    expect(last?.length).toBe(769);
    expect(last?.ts.length).toBe(769);
  });

  it('can be read twice, each pass from the top', async () => {
    const source = new CsvBarSource({ file: SPY_5M, symbol: 'SPY' });
    const first = await readAll(source);
    const second = await readAll(source);
    expect(second.ts).toEqual(first.ts);
    expect(source.stats().rows).toBe(20_769);
  });
});

describe('CsvBarSource start/end window', () => {
  it('keeps start <= ts < end', async () => {
    const file = csv('window.csv', GOOD);
    const all = await readAll(new CsvBarSource({ file, symbol: 'X', start: T0 + MIN5, end: T0 + 3 * MIN5 }));
    expect(all.ts).toEqual([T0 + MIN5, T0 + 2 * MIN5]);
  });

  it('matches a filter of the full read on the real file, and stops early', async () => {
    const start = Date.UTC(2024, 6, 1);
    const end = Date.UTC(2024, 7, 1);
    const full = await readAll(new CsvBarSource({ file: SPY_5M, symbol: 'SPY' }));
    const source = new CsvBarSource({ file: SPY_5M, symbol: 'SPY', start, end, chunkSize: 500 });
    const part = await readAll(source);
    const expected = full.ts.filter((t) => t >= start && t < end);
    expect(expected.length).toBeGreaterThan(1000);
    expect(part.ts).toEqual(expected);
    expect(source.stats()).toMatchObject({ rows: expected.length, firstTs: expected[0], lastTs: expected.at(-1) });
  });

  it('stops reading at the first bar at or after end', async () => {
    // Line 4 is past the window and would fail every check if it were read.
    const file = csv('window-stop.csv', [GOOD[0] as string, GOOD[1] as string, GOOD[2] as string, 'garbage,x']);
    const source = new CsvBarSource({ file, symbol: 'X', end: T0 + 2 * MIN5 });
    expect((await readAll(source)).ts).toEqual([T0, T0 + MIN5]);
    expect(source.stats().skipped).toBe(0);
  });

  it('does not check the values of rows outside the window', async () => {
    const file = csv('window-bad.csv', ['2024-03-26 13:25:00+00:00,abc,1,1,1,1', ...GOOD]);
    const all = await readAll(new CsvBarSource({ file, symbol: 'X', start: T0 }));
    expect(all.ts).toHaveLength(4);
  });
});

describe('CsvBarSource formats', () => {
  it('reads ISO with Z, date-only, epoch seconds and epoch milliseconds', async () => {
    const cases: [string, number][] = [
      ['2024-03-26T13:30:00Z', T0],
      ['2024-03-27', Date.UTC(2024, 2, 27)],
      ['1711630800', 1_711_630_800_000],
      ['1711717200000', 1_711_717_200_000],
    ];
    const file = csv(
      'formats.csv',
      cases.map(([t]) => `${t},10,11,9,10.5,100`),
    );
    const all = await readAll(new CsvBarSource({ file, symbol: 'X' }));
    expect(all.ts).toEqual(cases.map(([, ms]) => ms));
  });

  it('finds columns case-insensitively, takes a Date column, and reads no volume as NaN', async () => {
    const file = write(
      'names.csv',
      'Date,Open,High,Low,Close,Adj Close\n2024-03-26,10,11,9,10.5,10.4\n2024-03-27,10,11,9,10.5,10.4\n',
    );
    const all = await readAll(new CsvBarSource({ file, symbol: 'X' }));
    expect(all.ts).toEqual([Date.UTC(2024, 2, 26), Date.UTC(2024, 2, 27)]);
    expect(all.volume.every(Number.isNaN)).toBe(true);
  });

  it('uses configured column names', async () => {
    const file = write('custom.csv', 'when,o,h,l,c,qty\n2024-03-26,10,11,9,10.5,7\n');
    const all = await readAll(
      new CsvBarSource({
        file,
        symbol: 'X',
        columns: { timestamp: 'WHEN', open: 'o', high: 'h', low: 'l', close: 'c', volume: 'qty' },
      }),
    );
    expect([all.open[0], all.close[0], all.volume[0]]).toEqual([10, 10.5, 7]);
  });

  it('skips blank lines but still counts them as lines', async () => {
    const file = write('blank.csv', `${HEADER}\n${GOOD[0]}\n\n${GOOD[1]}\n2024-03-26 13:40:00+00:00,abc,1,1,1,1\n`);
    const err = await readError(new CsvBarSource({ file, symbol: 'X' }));
    expect(err.message).toBe(`${file}:6  open: cannot parse 'abc' as a number`);
  });

  it('accepts a byte order mark and CRLF line ends', async () => {
    const file = write('bom.csv', `\ufeff${HEADER.trim()}\r\n${GOOD[0]}\r\n${GOOD[1]}\r\n`);
    const all = await readAll(new CsvBarSource({ file, symbol: 'X' }));
    expect(all.ts).toEqual([T0, T0 + MIN5]);
    expect(all.volume).toEqual([100, 200]);
  });
});

describe('CsvBarSource bad rows', () => {
  // Each case: a data line placed as line 4 of the file (header, two good rows, then it).
  const cases: { code: string; line: string; what: string }[] = [
    {
      code: 'UNPARSEABLE_NUMBER',
      line: '2024-03-26 13:40:00+00:00,11,12,10.5,abc,300',
      what: "close: cannot parse 'abc' as a number",
    },
    { code: 'UNPARSEABLE_NUMBER', line: '2024-03-26 13:40:00+00:00,11,12,10.5,,300', what: 'close: missing value' },
    { code: 'UNPARSEABLE_NUMBER', line: '2024-03-26 13:40:00+00:00,11,12,10.5,11.5', what: 'volume: missing value' },
    {
      code: 'BAD_TIMESTAMP',
      line: '2024-03-26 25:40:00+00:00,11,12,10.5,11.5,300',
      what:
        "timestamp: cannot parse '2024-03-26 25:40:00+00:00' as a timestamp (expected ISO 8601 like " +
        '2024-03-26T13:30:00Z, a date like 2024-03-26, or epoch seconds/milliseconds)',
    },
    {
      code: 'TIME_BACKWARDS',
      line: '2024-03-26 13:30:00+00:00,11,12,10.5,11.5,300',
      what: 'timestamp 2024-03-26T13:30:00.000Z goes backwards: row 3 was at 2024-03-26T13:35:00.000Z',
    },
    {
      code: 'DUPLICATE_BAR',
      line: '2024-03-26 13:35:00+00:00,11,12,10.5,11.5,300',
      what: "duplicate bar: timestamp 2024-03-26T13:35:00.000Z is the same as row 3's",
    },
    {
      code: 'INVALID_BAR',
      line: '2024-03-26 13:40:00+00:00,11,11.2,10.5,11.5,300',
      what: 'invalid bar: high 11.2 is below max(open, close) 11.5',
    },
    {
      code: 'INVALID_BAR',
      line: '2024-03-26 13:40:00+00:00,11,12,11.1,11.5,300',
      what: 'invalid bar: low 11.1 is above min(open, close) 11',
    },
    {
      code: 'INVALID_BAR',
      line: '2024-03-26 13:40:00+00:00,11,12,10.5,11.5,-1',
      what: 'invalid bar: volume -1 is negative',
    },
    {
      code: 'INVALID_BAR',
      line: '2024-03-26 13:40:00+00:00,0,12,0,11.5,300',
      what: 'invalid bar: open 0 is not a positive price',
    },
    // Issue 19: a stray comma shifts nothing the reader looks at, but the row is not what the header says.
    {
      code: 'MALFORMED_FILE',
      line: '2024-03-26 13:40:00+00:00,11,12,10.5,11.5,300,7',
      what: '7 fields, but the header has 6 (a stray comma or an unquoted field?)',
    },
  ];

  it.each(cases.map((c, i) => ({ ...c, i })))('$code: $what (fail policy)', async ({ code, line, what, i }) => {
    const file = csv(`bad-${i}.csv`, [GOOD[0] as string, GOOD[1] as string, line, GOOD[3] as string]);
    const err = await readError(new CsvBarSource({ file, symbol: 'X' }));
    expect(err).toBeInstanceOf(DataError);
    expect((err as DataError).code).toBe(code);
    expect((err as DataError).row).toBe(4);
    expect(err.message).toBe(`${file}:4  ${what}`);
  });

  it.each(cases.map((c, i) => ({ ...c, i })))('$code: $what (skip policy)', async ({ line, what, i }) => {
    const file = csv(`skip-${i}.csv`, [GOOD[0] as string, GOOD[1] as string, line, GOOD[3] as string]);
    const source = new CsvBarSource({ file, symbol: 'X', onBadRow: 'skip' });
    const all = await readAll(source);
    expect(all.ts).toEqual([T0, T0 + MIN5, T0 + 3 * MIN5]);
    expect(source.stats()).toMatchObject({ rows: 3, skipped: 1, notes: [`row 4: ${what}`] });
  });

  it('counts every skipped row but keeps only the first 20 notes', async () => {
    const lines = [GOOD[0] as string];
    for (let i = 0; i < 30; i++) lines.push(`2024-03-26 13:${String(31 + i).padStart(2, '0')}:00+00:00,1,1,1,x,1`);
    lines.push('2024-03-26 14:30:00+00:00,10,11,9,10.5,100');
    const source = new CsvBarSource({ file: csv('many.csv', lines), symbol: 'X', onBadRow: 'skip' });
    const all = await readAll(source);
    const stats = source.stats();
    expect(all.ts).toHaveLength(2);
    expect(stats.skipped).toBe(30);
    expect(stats.notes).toHaveLength(20);
    expect(stats.notes[0]).toBe("row 3: close: cannot parse 'x' as a number");
    expect(stats.notes[19]).toBe("row 22: close: cannot parse 'x' as a number");
  });

  it('compares time with the last accepted bar, not with a skipped one', async () => {
    const file = csv('after-skip.csv', [
      GOOD[0] as string,
      '2024-03-26 13:50:00+00:00,1,1,1,x,1', // skipped: later time, bad close
      GOOD[1] as string, // 13:35 is after 13:30, the last accepted bar
    ]);
    const all = await readAll(new CsvBarSource({ file, symbol: 'X', onBadRow: 'skip' }));
    expect(all.ts).toEqual([T0, T0 + MIN5]);
  });
});

describe('CsvBarSource file problems', () => {
  it('MISSING_COLUMN names the column and the columns found, on row 1', async () => {
    const file = write('missing.csv', 'timestamp,open,high,low,volume\n2024-03-26,1,1,1,1\n');
    const err = (await readError(new CsvBarSource({ file, symbol: 'X' }))) as DataError;
    expect(err.code).toBe('MISSING_COLUMN');
    expect(err.message).toBe(`${file}:1  missing column 'close'; found: timestamp, open, high, low, volume`);
  });

  it('MISSING_COLUMN for a configured name says what it was for', async () => {
    const file = csv('missing-configured.csv', GOOD);
    const err = (await readError(
      new CsvBarSource({ file, symbol: 'X', columns: { close: 'Adj Close' } }),
    )) as DataError;
    expect(err.message).toBe(
      `${file}:1  missing column 'Adj Close' (configured for close); found: timestamp, open, high, low, close, volume`,
    );
  });

  it('MISSING_COLUMN when there is no timestamp column lists the names looked for', async () => {
    const file = write('no-ts.csv', 'when,open,high,low,close\n1,1,1,1,1\n');
    const err = (await readError(new CsvBarSource({ file, symbol: 'X' }))) as DataError;
    expect(err.message).toBe(
      `${file}:1  missing column 'timestamp|date|datetime|time'; found: when, open, high, low, close`,
    );
  });

  it('EMPTY for an empty file and for a header without rows', async () => {
    const empty = write('empty.csv', '');
    const headerOnly = write('header-only.csv', HEADER);
    const e1 = (await readError(new CsvBarSource({ file: empty, symbol: 'X' }))) as DataError;
    const e2 = (await readError(new CsvBarSource({ file: headerOnly, symbol: 'X' }))) as DataError;
    expect([e1.code, e1.message]).toEqual(['EMPTY', `${empty}  the file is empty`]);
    expect([e2.code, e2.message]).toEqual(['EMPTY', `${headerOnly}:1  no bars: the file has only a header`]);
  });

  it('FILE_NOT_FOUND names the path as given when it is inside the working directory', async () => {
    const err = (await readError(new CsvBarSource({ file: 'examples/data/nope.csv', symbol: 'X' }))) as DataError;
    expect(err).toBeInstanceOf(DataError);
    expect(err.code).toBe('FILE_NOT_FOUND');
    expect(err.message).toBe(`${path.join('examples', 'data', 'nope.csv')}  file not found`);
    expect(openFileResources()).toEqual([]);
  });

  it('a broken quote is MALFORMED_FILE with its line', async () => {
    const file = csv('quote.csv', [GOOD[0] as string, '"2024-03-26 13:35:00+00:00,1,1,1,1,1']);
    const err = (await readError(new CsvBarSource({ file, symbol: 'X' }))) as DataError;
    expect(err.code).toBe('MALFORMED_FILE');
    expect(err.message).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+  not valid CSV: `));
  });
});

describe('CsvBarSource releases the file', () => {
  it('when the consumer breaks out early', async () => {
    const source = new CsvBarSource({ file: SPY_5M, symbol: 'SPY', chunkSize: 100 });
    let seen = 0;
    for await (const chunk of source.chunks()) {
      seen += chunk.length;
      expect(openDescriptors(SPY_5M) ?? ['n/a']).not.toEqual([]); // the file is open meanwhile
      break;
    }
    expect(seen).toBe(100);
    expect(openFileResources()).toEqual([]);
    expect(openDescriptors(SPY_5M) ?? []).toEqual([]);
  });

  it('after a data error', async () => {
    // Far more than one 64 KiB read after the bad row, so the file is still open when it fails.
    const filler = Array<string>(5000).fill(GOOD[3] as string);
    const file = csv('error-midway.csv', [...GOOD, GOOD[0] as string, ...filler]);
    const err = await readError(new CsvBarSource({ file, symbol: 'X' }));
    expect(err.message).toMatch(/:6 {2}timestamp .* goes backwards/);
    expect(openFileResources()).toEqual([]);
    expect(openDescriptors(file) ?? []).toEqual([]);
  });

  it('when close() is called mid-iteration, and the pass then ends quietly', async () => {
    const source = new CsvBarSource({ file: SPY_5M, symbol: 'SPY', chunkSize: 100 });
    const it = source.chunks()[Symbol.asyncIterator]();
    expect((await it.next()).done).toBe(false);
    await source.close();
    expect(openFileResources()).toEqual([]);
    expect(openDescriptors(SPY_5M) ?? []).toEqual([]);
    expect((await it.next()).done).toBe(true);
    await source.close(); // twice is fine
  });
});

describe('CsvBarSource rows off the byte fast path', () => {
  it('reads quoted fields, escaped quotes and line ends inside quotes, counting those lines', async () => {
    const file = write(
      'quoted.csv',
      'timestamp,open,high,low,close,volume,note\n' +
        `"2024-03-26 13:30:00+00:00","10","11","9","10.5","100","a ""quoted"" note"\n` +
        `2024-03-26 13:35:00+00:00,10.5,11.5,10,11,200,"two\nlines"\n` +
        '2024-03-26 13:40:00+00:00,11,12,10.5,abc,300,x\n',
    );
    const err = await readError(new CsvBarSource({ file, symbol: 'X' }));
    // Header 1, quoted row 2, the two-line row 3–4, the bad row 5.
    expect(err.message).toBe(`${file}:5  close: cannot parse 'abc' as a number`);
    const source = new CsvBarSource({ file, symbol: 'X', onBadRow: 'skip' });
    const all = await readAll(source);
    expect(all.ts).toEqual([T0, T0 + MIN5]);
    expect(all.close).toEqual([10.5, 11]);
    expect(source.stats().notes).toEqual(["row 5: close: cannot parse 'abc' as a number"]);
  });

  it('hands fields the byte parsers do not take to the string parsers (spaces, exponents, fractions of a second)', async () => {
    const file = csv('loose.csv', [' 2024-03-26 13:30:00.000+00:00 , 1e1 ,11,9,+10.5, 100 ']);
    const all = await readAll(new CsvBarSource({ file, symbol: 'X' }));
    expect([all.ts, all.open, all.close, all.volume]).toEqual([[T0], [10], [10.5], [100]]);
  });

  it('a quote inside an unquoted field is MALFORMED_FILE on its line', async () => {
    const file = csv('stray-quote.csv', [GOOD[0] as string, '2024-03-26 13:35:00+00:00,1,1"5,1,1,1']);
    const err = (await readError(new CsvBarSource({ file, symbol: 'X' }))) as DataError;
    expect(err.code).toBe('MALFORMED_FILE');
    expect(err.message).toBe(`${file}:3  not valid CSV: a quote inside an unquoted field (line 3)`);
  });

  it('reads a last line without a line end', async () => {
    const file = write('no-eol.csv', `${HEADER}${GOOD[0]}\n${GOOD[1]}`);
    const all = await readAll(new CsvBarSource({ file, symbol: 'X' }));
    expect(all.ts).toEqual([T0, T0 + MIN5]);
  });
});

describe('CsvBarSource fast paths against the rules read field by field (property)', () => {
  /**
   * The reference: each line split at commas (the generated files have no quotes) and
   * read with the string parsers into a BarIngest, the rules the source documents.
   */
  function reference(text: string): {
    ts: number[];
    close: number[];
    volume: number[];
    notes: readonly string[];
    skipped: number;
  } {
    const ingest = new BarIngest({ file: 'f', symbol: 'X', chunkSize: 1_000_000, onBadRow: 'skip' });
    const lines = text.split('\n');
    if (lines.at(-1) === '') lines.pop();
    const width = (lines[0] as string).split(',').length;
    lines.slice(1).forEach((line, i) => {
      const row = i + 2;
      const f = line.split(',');
      if (f.length === 1 && (f[0] as string).trim() === '') return;
      if (f.length > width)
        return ingest.reject(
          'MALFORMED_FILE',
          row,
          `${f.length} fields, but the header has ${width} (a stray comma or an unquoted field?)`,
        );
      const ts = f[0] === undefined ? NaN : parseTimestamp(f[0]);
      if (Number.isNaN(ts)) return ingest.reject('BAD_TIMESTAMP', row, 'timestamp');
      if (ingest.admitTime(row, ts) !== Admit.IN) return;
      const [o, h, l, c, v] = [1, 2, 3, 4, 5].map((k) => parseNumber(f[k])) as [number, number, number, number, number];
      if ([o, h, l, c, v].some(Number.isNaN)) return ingest.reject('UNPARSEABLE_NUMBER', row, 'number');
      ingest.addBar(row, ts, o, h, l, c, v);
    });
    const all = ingest.flush();
    const stats = ingest.stats();
    return {
      ts: Array.from(all?.ts ?? []),
      close: Array.from(all?.close ?? []),
      volume: Array.from(all?.volume ?? []),
      notes: stats.notes,
      skipped: stats.skipped,
    };
  }

  it('reads the same bars and skips the same rows as the field-by-field rules', async () => {
    const time = fc.oneof(
      fc
        .integer({ min: 0, max: 200 })
        .map((m) => new Date(T0 + m * 60_000).toISOString().replace('T', ' ').replace('.000Z', '+00:00')),
      fc.integer({ min: 0, max: 200 }).map((m) => String((T0 + m * 60_000) / 1000)),
      fc.constantFrom('', ' 2024-03-26 13:31:00Z', '2024-03-26T13:32:00.5Z', 'x'),
    );
    const price = fc.oneof(
      fc.integer({ min: 1, max: 99_999 }).map((n) => (n / 100).toString()),
      fc.constantFrom('', ' 12.5', '1e2', '+3', '-1', '0', 'abc', '12.5.1'),
    );
    const line = fc.oneof(
      { weight: 8, arbitrary: fc.tuple(time, price, price, price, price, price).map((f) => f.join(',')) },
      {
        weight: 1,
        arbitrary: fc.constantFrom('', '   ', '2024-03-26 13:40:00+00:00,1,2', '2024-03-26 13:40:00+00:00,1,1,1,1,1,1'),
      },
    );
    await fc.assert(
      fc.asyncProperty(fc.array(line, { maxLength: 40 }), async (lines) => {
        const text = `${HEADER}${lines.join('\n')}\n`;
        const file = write('property.csv', text);
        const source = new CsvBarSource({ file, symbol: 'X', onBadRow: 'skip', chunkSize: 7 });
        const got = await readAll(source).catch((e: unknown) => e as Error);
        const want = reference(text);
        if (got instanceof Error) {
          // Only a file without a single data line fails under the skip policy.
          expect(got.message).toMatch(/no bars: the file has only a header/);
          expect(lines.every((l) => l.trim() === '')).toBe(true);
          return;
        }
        expect(got.ts).toEqual(want.ts);
        expect(got.close).toEqual(want.close);
        expect(got.volume).toEqual(want.volume);
        const stats = source.stats();
        expect(stats.skipped).toBe(want.skipped);
        // The reference words only the codes; the rows must match.
        expect(stats.notes.map((n) => n.split(':')[0])).toEqual(want.notes.map((n) => n.split(':')[0]));
      }),
      { numRuns: 150 },
    );
  });
});
