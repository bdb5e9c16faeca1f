import { parquetMetadataAsync, parquetRead, parquetSchema } from 'hyparquet';
import type { ColumnData, FileMetaData, ParquetParsers, RowGroup, SchemaElement } from 'hyparquet';
import type { BarChunk } from './bar-source.ts';
import type { BarField } from './bar-source-options.ts';
import { Admit, type BarIngest } from './bar-ingest.ts';
import { DataError } from './data-error.ts';
import { FileBarSource } from './file-bar-source.ts';
import type { FileAsyncBuffer } from '../files/file-async-buffer.ts';
import { openFileAsyncBuffer } from '../files/file-async-buffer.ts';
import { fileOpenError } from './file-open-error.ts';
import { parseNumber } from './parse-number.ts';
import { planTypedColumns, readTypedGroup, type TypedColumnPlan } from './parquet-typed-columns.ts';
import { epochToMs, parseTimestamp } from './parse-timestamp.ts';
import type { ColumnIndices } from './resolve-columns.ts';
import { resolveColumns } from './resolve-columns.ts';

/**
 * Most rows decoded by one hyparquet read. A row group is the unit Parquet compresses
 * and pages a column in, and reading a window inside it decodes every page the window
 * touches; so a row group is read whole when it is at most this size (DuckDB writes
 * 122,880-row groups, one read each) and in windows of this size when larger, which bounds
 * memory for writers that make huge groups.
 */
const READ_WINDOW = 131_072;

/**
 * Largest row group decoded whole into typed columns (6 columns of doubles: 48 MiB);
 * larger ones go through hyparquet's windowed read.
 */
const TYPED_GROUP_MAX = 1 << 20;

/**
 * Timestamp logical types decode to epoch milliseconds as plain numbers instead of
 * hyparquet's default `Date` objects: one allocation less per row, and the unit handled
 * here once. Micro- and nanoseconds keep their fraction of a millisecond.
 */
const PARSERS: Partial<ParquetParsers> = {
  timestampFromMilliseconds: (ms: bigint): number => Number(ms),
  timestampFromMicroseconds: (us: bigint): number => Number(us) / 1e3,
  timestampFromNanoseconds: (ns: bigint): number => Number(ns / 1_000_000n) + Number(ns % 1_000_000n) / 1e6,
  dateFromDays: (days: number): number => days * 86_400_000,
};

/** A column's decoded pieces for one read, in row order. */
interface ColumnPieces {
  readonly pieces: ColumnData[];
}

/** One pass over the file. */
interface ParquetRead {
  buffer: FileAsyncBuffer | null;
  closed: boolean;
}

/**
 * A timestamp value as hyparquet hands it over to epoch ms, or NaN. `typed` says the
 * column has a timestamp or date type, which {@link PARSERS} already made milliseconds;
 * a plain number column gets its unit told by magnitude.
 */
function toEpochMs(v: unknown, typed: boolean): number {
  if (typeof v === 'number') return Number.isFinite(v) ? (typed ? v : epochToMs(v)) : NaN;
  if (typeof v === 'bigint') return epochToMs(Number(v));
  if (typeof v === 'string') return parseTimestamp(v);
  if (v instanceof Date) return v.getTime();
  return NaN;
}

/** A price or volume value to a number, or NaN when it is missing or not numeric. */
function toNumber(v: unknown): number {
  if (typeof v === 'number') return Number.isFinite(v) ? v : NaN;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string') return parseNumber(v);
  return NaN;
}

/** Whether a column's values come out of hyparquet as a time (so, after PARSERS, ms). */
function isTimeTyped(element: SchemaElement | undefined): boolean {
  if (element === undefined) return false;
  const logical = element.logical_type?.type;
  const converted = element.converted_type;
  return (
    logical === 'TIMESTAMP' ||
    logical === 'DATE' ||
    converted === 'TIMESTAMP_MILLIS' ||
    converted === 'TIMESTAMP_MICROS' ||
    converted === 'DATE' ||
    (element.type === 'INT96' && converted === undefined)
  );
}

function describe(v: unknown): string {
  if (v === null || v === undefined) return 'a missing value';
  const text = typeof v === 'string' ? `'${v}'` : String(v);
  return text.length > 42 ? `${text.slice(0, 42)}…` : text;
}

/**
 * Bars of one symbol from a Parquet file, read with hyparquet.
 *
 * The footer is read first (`parquetMetadataAsync`); then each pull decodes one row group
 * (or one window of a large one, see {@link READ_WINDOW}) with `parquetRead` limited by
 * `rowStart`/`rowEnd` to that range and to the needed columns, and hands its rows out
 * in chunks of `chunkSize`. At most one decoded window is in memory.
 *
 * Timestamps may be a Parquet TIMESTAMP (any unit), a DATE, an integer or float epoch
 * (unit by magnitude, see {@link epochToMs}) or an ISO 8601 string; prices and volume
 * any numeric type (nulls count as missing values). A TIMESTAMP not marked as adjusted
 * to UTC is a wall-clock time without a zone and is read as UTC, like a CSV time without
 * an offset. Row numbers in errors are 1-based record indices. Checks and the bad-row
 * policy are those of {@link BarIngest}.
 */
export class ParquetBarSource extends FileBarSource<ParquetRead> {
  /** Reads the file from the top, one chunk per pull. */
  async *chunks(): AsyncGenerator<BarChunk, void, undefined> {
    const read: ParquetRead = { buffer: null, closed: false };
    this.reads.add(read);
    const ingest = this.newIngest();
    try {
      read.buffer = await openFileAsyncBuffer(this.opts.file);
      if (read.closed) return;
      const file = read.buffer;
      const metadata = await this.readMetadata(file);
      const schema = parquetSchema(metadata).children.map((c) => c.element);
      const names = schema.map((e) => e.name);
      const cols = resolveColumns(names, this.opts.columns, this.shownFile);
      const tsTyped = isTimeTyped(schema[cols.timestamp]);
      const wanted = [cols.timestamp, cols.open, cols.high, cols.low, cols.close, cols.volume]
        .filter((i) => i >= 0)
        .map((i) => names[i] as string);
      if (Number(metadata.num_rows) === 0) {
        throw new DataError({ code: 'EMPTY', file: this.shownFile, row: 0, what: 'no bars: the file has no rows' });
      }

      const typedPlan = planTypedColumns(metadata, parquetSchema(metadata), wanted);
      let groupStart = 0;
      for (const group of metadata.row_groups) {
        const groupEnd = groupStart + Number(group.num_rows);
        const typed = await this.readTyped(file, group, typedPlan);
        if (read.closed) return;
        if (typed !== null) {
          for (const chunk of this.typedRows(ingest, typed, groupStart)) {
            yield chunk;
            if (read.closed) return;
          }
          if (ingest.done) break;
          groupStart = groupEnd;
          continue;
        }
        for (let from = groupStart; from < groupEnd; from += READ_WINDOW) {
          const to = Math.min(from + READ_WINDOW, groupEnd);
          const columns = await this.readWindow(file, metadata, wanted, from, to);
          if (read.closed) return;
          for (const chunk of this.rows(ingest, cols, tsTyped, columns, from, to)) {
            yield chunk;
            if (read.closed) return;
          }
          if (ingest.done || read.closed) break;
        }
        if (ingest.done || read.closed) break;
        groupStart = groupEnd;
      }
      if (read.closed) return;
      const last = ingest.flush();
      if (last !== null) yield last;
    } catch (err) {
      if (read.closed) return;
      if (err instanceof DataError) {
        // As in the CSV source: the bars before the bad row first.
        const good = ingest.flush();
        if (good !== null && !read.closed) yield good;
        throw err;
      }
      throw fileOpenError(err, this.shownFile) ?? err;
    } finally {
      await this.dispose(read);
    }
  }

  private async readMetadata(file: FileAsyncBuffer): Promise<FileMetaData> {
    try {
      return await parquetMetadataAsync(file, { parsers: PARSERS });
    } catch (err) {
      if (fileOpenError(err, this.shownFile) !== null) throw err;
      const reason = err instanceof Error ? err.message : String(err);
      throw new DataError({
        code: 'MALFORMED_FILE',
        file: this.shownFile,
        row: 0,
        what: `not a Parquet file: ${reason}`,
      });
    }
  }

  /**
   * A row group as typed columns (timestamp, open, high, low, close, volume if any), when
   * the columns are plain numbers and every value is present and finite; else null, and
   * the group goes through hyparquet's general read, which also words any error.
   */
  private async readTyped(
    file: FileAsyncBuffer,
    group: RowGroup,
    plan: TypedColumnPlan[] | null,
  ): Promise<Float64Array[] | null> {
    if (plan === null || Number(group.num_rows) > TYPED_GROUP_MAX) return null;
    try {
      return await readTypedGroup(file, group, plan);
    } catch (err) {
      if (fileOpenError(err, this.shownFile) !== null) throw err;
      return null;
    }
  }

  /** Feeds the rows of a typed row group to the ingest, yielding full chunks. */
  private *typedRows(
    ingest: BarIngest,
    columns: Float64Array[],
    groupStart: number,
  ): Generator<BarChunk, void, undefined> {
    const [ts, open, high, low, close, volume] = columns as [
      Float64Array,
      Float64Array,
      Float64Array,
      Float64Array,
      Float64Array,
      Float64Array?,
    ];
    const n = ts.length;
    for (let i = 0; i < n; i++) {
      const line = groupStart + i + 1;
      const t = ts[i] as number;
      const admit = ingest.admitTime(line, t);
      if (admit === Admit.AFTER) return;
      if (admit !== Admit.IN) continue;
      const v = volume === undefined ? NaN : (volume[i] as number);
      const chunk = ingest.addBar(
        line,
        t,
        open[i] as number,
        high[i] as number,
        low[i] as number,
        close[i] as number,
        v,
      );
      if (chunk !== null) yield chunk;
    }
  }

  /** Decodes rows [from, to) of the wanted columns; pieces may extend past the range. */
  private async readWindow(
    file: FileAsyncBuffer,
    metadata: FileMetaData,
    wanted: string[],
    from: number,
    to: number,
  ): Promise<Map<string, ColumnPieces>> {
    const columns = new Map<string, ColumnPieces>(wanted.map((name) => [name, { pieces: [] }]));
    try {
      await parquetRead({
        file,
        metadata,
        columns: wanted,
        rowStart: from,
        rowEnd: to,
        parsers: PARSERS,
        onChunk: (piece) => columns.get(piece.columnName)?.pieces.push(piece),
      });
    } catch (err) {
      if (fileOpenError(err, this.shownFile) !== null) throw err;
      // hyparquet runs no code of ours here: a failure is the file's (corrupt page,
      // unsupported codec), and the user should hear which rows, not see a stack trace.
      const reason = err instanceof Error ? err.message : String(err);
      throw new DataError({
        code: 'MALFORMED_FILE',
        file: this.shownFile,
        row: from + 1,
        what: `cannot decode records ${from + 1}..${to}: ${reason}`,
      });
    }
    for (const column of columns.values()) column.pieces.sort((a, b) => a.rowStart - b.rowStart);
    return columns;
  }

  /** Feeds rows [from, to) of a decoded window to the ingest, yielding full chunks. */
  private *rows(
    ingest: BarIngest,
    cols: ColumnIndices,
    tsTyped: boolean,
    columns: Map<string, ColumnPieces>,
    from: number,
    to: number,
  ): Generator<BarChunk, void, undefined> {
    const fields: BarField[] = ['timestamp', 'open', 'high', 'low', 'close'];
    if (cols.volume >= 0) fields.push('volume');
    const pieceLists = fields.map((f) => columns.get(cols.names[f])?.pieces ?? []);
    const cursor = new Int32Array(fields.length);
    // Columns may come in pieces (pages) with different boundaries; walk the rows in
    // segments where every column stays within one piece, so the inner loop indexes
    // plain arrays.
    let row = from;
    while (row < to) {
      let segmentEnd = to;
      const data: ArrayLike<unknown>[] = [];
      const offset: number[] = [];
      for (let k = 0; k < fields.length; k++) {
        const list = pieceLists[k] as ColumnData[];
        let c = cursor[k] as number;
        while (c < list.length && (list[c] as ColumnData).rowEnd <= row) c++;
        cursor[k] = c;
        const piece = list[c];
        if (piece === undefined || piece.rowStart > row) {
          throw new Error(`hyparquet returned no data for column ${cols.names[fields[k] as BarField]} at row ${row}`);
        }
        data.push(piece.columnData);
        offset.push(piece.rowStart);
        if (piece.rowEnd < segmentEnd) segmentEnd = piece.rowEnd;
      }
      const [tsData, oData, hData, lData, cData] = data as [ArrayLike<unknown>, ...ArrayLike<unknown>[]];
      const vData = data[5];
      const [tsOff, oOff, hOff, lOff, cOff] = offset as [number, number, number, number, number];
      const vOff = offset[5] ?? 0;
      for (; row < segmentEnd; row++) {
        const line = row + 1;
        const ts = toEpochMs(tsData[row - tsOff], tsTyped);
        if (Number.isNaN(ts)) {
          if (!ingest.skipQuietly()) {
            const name = cols.names.timestamp;
            ingest.reject(
              'BAD_TIMESTAMP',
              line,
              `${name}: cannot read ${describe(tsData[row - tsOff])} as a timestamp`,
              name,
            );
          }
          continue;
        }
        const admit = ingest.admitTime(line, ts);
        if (admit === Admit.AFTER) return;
        if (admit !== Admit.IN) continue;
        const o = toNumber((oData as ArrayLike<unknown>)[row - oOff]);
        const h = toNumber((hData as ArrayLike<unknown>)[row - hOff]);
        const l = toNumber((lData as ArrayLike<unknown>)[row - lOff]);
        const c = toNumber((cData as ArrayLike<unknown>)[row - cOff]);
        const v = vData === undefined ? NaN : toNumber(vData[row - vOff]);
        if (Number.isNaN(o + h + l + c) || (vData !== undefined && Number.isNaN(v))) {
          if (!ingest.skipQuietly()) {
            const values = [o, h, l, c, v];
            const raw = [oData, hData, lData, cData, vData];
            const offs = [oOff, hOff, lOff, cOff, vOff];
            const k = values.findIndex((x, i) => Number.isNaN(x) && raw[i] !== undefined);
            const field = (['open', 'high', 'low', 'close', 'volume'] as const)[k] ?? 'close';
            const name = cols.names[field];
            const value = raw[k]?.[row - (offs[k] ?? 0)];
            ingest.reject('UNPARSEABLE_NUMBER', line, `${name}: cannot read ${describe(value)} as a number`, name);
          }
          continue;
        }
        const chunk = ingest.addBar(line, ts, o, h, l, c, v);
        if (chunk !== null) yield chunk;
      }
    }
  }

  protected async dispose(read: ParquetRead): Promise<void> {
    read.closed = true;
    await read.buffer?.close();
    this.reads.delete(read);
  }
}
