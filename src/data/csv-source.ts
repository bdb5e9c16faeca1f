import { createReadStream } from 'node:fs';
import type { ReadStream } from 'node:fs';
import { pipeline } from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { CsvError, parse } from 'csv-parse';
import type { Parser } from 'csv-parse';
import type { BarChunk } from './bar-source.ts';
import { Admit, type BarIngest } from './bar-ingest.ts';
import { DataError } from './data-error.ts';
import { FileBarSource } from './file-bar-source.ts';
import { fileOpenError } from './file-open-error.ts';
import { parseNumber } from './parse-number.ts';
import { parseTimestamp } from './parse-timestamp.ts';
import type { ColumnIndices } from './resolve-columns.ts';
import { resolveColumns } from './resolve-columns.ts';

/** The streams and state of one pass over the file. */
interface CsvRead {
  readonly file: ReadStream;
  readonly parser: Parser;
  readonly ingest: BarIngest;
  /** Resolves once the file descriptor is closed (or was never opened). */
  readonly fileClosed: Promise<void>;
  /** Set by close(): the pass ends quietly, whatever the streams report. */
  closed: boolean;
}

const shown = (field: string): string => (field.length > 40 ? `${field.slice(0, 40)}…` : field);

/** A blank line, which csv-parse hands over as one empty (or all-space) field. */
function isBlank(record: string[]): boolean {
  if (record.length !== 1) return false;
  const only = record[0] ?? '';
  for (let i = 0; i < only.length; i++) if (only.charCodeAt(i) > 32) return false;
  return true;
}

/**
 * Bars of one symbol from a CSV file with a header row.
 *
 * The file is streamed: `fs.createReadStream` feeds csv-parse and the records are consumed
 * with `for await`, so the consumer pulls the file. While a chunk is being used, nothing
 * more is read than the stream buffers hold (one 64 KiB read, 16 KiB of parser input, 16
 * parsed records). Rows are turned into numbers and written into the chunk's typed
 * arrays; the only per-row allocations are csv-parse's own (the record and its strings).
 *
 * Row numbers in errors are line numbers (header = line 1), counted one record per line
 * (blank lines included). csv-parse's `on_record` hook would report them even across a
 * quoted field that spans lines, but it builds an info object per record and halves the
 * read speed; bar files have no multi-line fields, so counting is exact for them.
 *
 * Checks and the bad-row policy are described in {@link BarIngest}; timestamps in
 * {@link parseTimestamp}. Each call to `chunks()` reads the file anew.
 *
 * @example
 * ```ts
 * const source = new CsvBarSource({ file: 'examples/data/SPY_5m.csv', symbol: 'SPY' });
 * for await (const chunk of source.chunks()) {
 *   for (let i = 0; i < chunk.length; i++) use(chunk.ts[i], chunk.close[i]);
 * }
 * ```
 */
export class CsvBarSource extends FileBarSource<CsvRead> {

  /** Reads the file from the top, one chunk per pull. */
  async *chunks(): AsyncGenerator<BarChunk, void, undefined> {
    const read = this.openRead();
    this.reads.add(read);
    const ingest = read.ingest;
    try {
      let line = 0;
      let header: ColumnIndices | null = null;
      let dataLines = 0;
      let width = 0;
      for await (const record of read.parser as AsyncIterable<string[]>) {
        line++;
        if (isBlank(record)) continue;
        if (header === null) {
          header = resolveColumns(record, this.opts.columns, this.shownFile, line);
          width = record.length;
          continue;
        }
        dataLines++;
        // A field more than the header names: the row is not what the header says (a stray comma).
        if (record.length > width) {
          if (!ingest.skipQuietly()) ingest.reject('MALFORMED_FILE', line, `${record.length} fields, but the header has ${width} (a stray comma or an unquoted field?)`);
          continue;
        }
        const chunk = this.onRow(ingest, header, record, line);
        if (chunk !== null) yield chunk;
        if (ingest.done || read.closed) break;
      }
      if (read.closed) return;
      if (header === null) {
        throw new DataError({ code: 'EMPTY', file: this.shownFile, row: 0, what: 'the file is empty' });
      }
      if (dataLines === 0) {
        throw new DataError({ code: 'EMPTY', file: this.shownFile, row: 1, what: 'no bars: the file has only a header' });
      }
      const last = ingest.flush();
      if (last !== null) yield last;
    } catch (err) {
      if (read.closed) return;
      // The bars before a bad row are good: hand them on first, so the partial results
      // end at the last good bar rather than at the last full chunk.
      if (err instanceof DataError) {
        const good = ingest.flush();
        if (good !== null) yield good;
      }
      throw this.translate(err);
    } finally {
      await this.dispose(read);
    }
  }



  private openRead(): CsvRead {
    const ingest = this.newIngest();
    const file = createReadStream(this.opts.file);
    const fileClosed = new Promise<void>((resolve) => file.once('close', () => resolve()));
    const parser = parse({
      bom: true,
      // Blank lines come through as records so that counting records counts lines.
      skip_empty_lines: false,
      // Short rows reach onRow, which names the missing field instead of csv-parse
      // reporting a field count.
      relax_column_count: true,
    });
    // pipeline (unlike pipe) carries a file error, e.g. ENOENT, into the parser and so into
    // the consumer's loop, and destroys the file stream when the parser goes away early.
    pipeline(file, parser, () => {});
    return { file, parser, ingest, fileClosed, closed: false };
  }

  /** Checks and stores one data row; returns a chunk when this row completed one. */
  private onRow(ingest: BarIngest, cols: ColumnIndices, record: string[], line: number): BarChunk | null {
    const tsField = record[cols.timestamp];
    const ts = tsField === undefined ? NaN : parseTimestamp(tsField);
    if (Number.isNaN(ts)) {
      if (ingest.skipQuietly()) return null;
      const name = cols.names.timestamp;
      ingest.reject(
        'BAD_TIMESTAMP',
        line,
        tsField === undefined || tsField.trim() === ''
          ? `${name}: missing value`
          : `${name}: cannot parse '${shown(tsField)}' as a timestamp ` +
              `(expected ISO 8601 like 2024-03-26T13:30:00Z, a date like 2024-03-26, or epoch seconds/milliseconds)`,
        name,
      );
      return null;
    }
    if (ingest.admitTime(line, ts) !== Admit.IN) return null;

    const o = parseNumber(record[cols.open]);
    const h = parseNumber(record[cols.high]);
    const l = parseNumber(record[cols.low]);
    const c = parseNumber(record[cols.close]);
    const v = cols.volume < 0 ? NaN : parseNumber(record[cols.volume]);
    // One test on the hot path; the slow path finds which field failed.
    if (Number.isNaN(o + h + l + c) || (cols.volume >= 0 && Number.isNaN(v))) {
      this.rejectNumber(ingest, cols, record, line);
      return null;
    }
    return ingest.addBar(line, ts, o, h, l, c, v);
  }

  private rejectNumber(ingest: BarIngest, cols: ColumnIndices, record: string[], line: number): void {
    if (ingest.skipQuietly()) return;
    for (const field of ['open', 'high', 'low', 'close', 'volume'] as const) {
      const idx = cols[field];
      if (idx < 0) continue;
      const raw = record[idx];
      if (!Number.isNaN(parseNumber(raw))) continue;
      const name = cols.names[field];
      const what =
        raw === undefined || raw.trim() === '' ? `${name}: missing value` : `${name}: cannot parse '${shown(raw)}' as a number`;
      ingest.reject('UNPARSEABLE_NUMBER', line, what, name);
      return;
    }
  }

  /** A user's file problem becomes a DataError; anything else is a bug and stays as it is. */
  private translate(err: unknown): unknown {
    if (err instanceof DataError) return err;
    const opened = fileOpenError(err, this.shownFile);
    if (opened !== null) return opened;
    if (err instanceof CsvError) {
      const lines = (err as CsvError & { lines?: unknown }).lines;
      return new DataError({
        code: 'MALFORMED_FILE',
        file: this.shownFile,
        row: typeof lines === 'number' ? lines : 0,
        what: `not valid CSV: ${err.message}`,
      });
    }
    return err;
  }

  protected async dispose(read: CsvRead): Promise<void> {
    read.closed = true;
    read.parser.destroy();
    read.file.destroy();
    await read.fileClosed;
    // 'close' is emitted from inside fs's close callback, whose request counts as active
    // until that callback returns; one turn of the event loop lets it go, so a caller
    // checking for open handles right after close() finds none.
    await nextTurn();
    this.reads.delete(read);
  }
}
