import type { BarChunk } from './bar-source.ts';
import type { BarField } from './bar-source-options.ts';
import { Admit, type BarIngest } from './bar-ingest.ts';
import { DataError } from './data-error.ts';
import { parseDecimalBytes } from './parse-number-bytes.ts';
import { parseNumber } from './parse-number.ts';
import { TimestampBytesParser } from './parse-timestamp-bytes.ts';
import { parseTimestamp } from './parse-timestamp.ts';
import type { ColumnIndices } from './resolve-columns.ts';
import { resolveColumns } from './resolve-columns.ts';

const LF = 10;
const CR = 13;
const COMMA = 44;
const QUOTE = 34;
const SPACE = 32;
const DASH = 45;
const DOT = 46;
const DIGIT_0 = 48;

/** What a column feeds on the one-pass path: nothing, the time, or a value slot. */
const SKIP = -2;
const TIME = -1;
/** Value slots: open, high, low, close, volume. */
const OPEN = 0;
const HIGH = 1;
const LOW = 2;
const CLOSE = 3;
const VOLUME = 4;

/** Powers of ten that a double holds exactly. */
const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

const shown = (field: string): string => (field.length > 40 ? `${field.slice(0, 40)}…` : field);

/** A blank line, which reads as one empty (or all-space) field. */
function isBlank(record: readonly string[]): boolean {
  if (record.length !== 1) return false;
  const only = record[0] ?? '';
  for (let i = 0; i < only.length; i++) if (only.charCodeAt(i) > SPACE) return false;
  return true;
}

/**
 * What each of the header's `width` columns feeds on the one-pass path, or null when two
 * bar fields read the same column (the path keeps one slot per column).
 */
function rolesOf(cols: ColumnIndices, width: number): Int8Array | null {
  const roles = new Int8Array(width).fill(SKIP);
  const slots: [number, number][] = [
    [cols.timestamp, TIME],
    [cols.open, OPEN],
    [cols.high, HIGH],
    [cols.low, LOW],
    [cols.close, CLOSE],
    [cols.volume, VOLUME],
  ];
  for (const [column, role] of slots) {
    if (column < 0) continue;
    if (roles[column] !== SKIP) return null;
    roles[column] = role;
  }
  return roles;
}

/** A quoted record split into its fields, and where the next record starts. */
interface QuotedRecord {
  readonly fields: string[];
  readonly next: number;
  /** Line ends inside quoted fields, which the line count must include. */
  readonly innerLines: number;
}

/**
 * Turns the bytes of a bar CSV into bars, line by line, straight from the file buffer.
 *
 * The common row (no quotes, plain decimals, an ISO or epoch-integer timestamp) is read
 * without making a string: a scan records where each field starts and ends, and the
 * needed fields are parsed from the bytes ({@link parseDecimalBytes},
 * {@link TimestampBytesParser}) straight into the ingest's typed columns. Whatever the
 * byte parsers do not take (spaces, exponents, fractions of a second, a bad value) is
 * decoded and handed to the string parsers, which decide and word the errors exactly as
 * before; a row with a quote goes whole through an RFC 4180 split. So the fast path
 * changes speed only, never which rows pass or what an error says.
 *
 * Row numbers are line numbers (header = line 1), blank lines and lines inside quoted
 * fields included; a record's errors name the line it starts on.
 */
export class CsvRowReader {
  private readonly ingest: BarIngest;
  private readonly columns: Partial<Record<BarField, string>> | undefined;
  private readonly file: string;
  private readonly time = new TimestampBytesParser();
  private header: ColumnIndices | null = null;
  private width = 0;
  /** Field boundaries of the line being read: field k is `[starts[k], ends[k])`. */
  private starts = new Int32Array(64);
  private ends = new Int32Array(64);
  /**
   * Per column, what it feeds on the one-pass path ({@link SKIP}, {@link TIME} or a value
   * slot); null when that path is off (two bar fields read the same column).
   */
  private roles: Int8Array | null = null;
  private readonly values = new Float64Array(5);
  private chunk: BarChunk | null = null;
  private line = 0;
  private dataLines = 0;

  constructor(ingest: BarIngest, columns: Partial<Record<BarField, string>> | undefined, file: string) {
    this.ingest = ingest;
    this.columns = columns;
    this.file = file;
  }

  /**
   * Reads the complete lines of `buf[from..to)` (at end of file, `eof`, the last line
   * needs no line end). Stops early after a line that completed a chunk ({@link takeChunk})
   * or once the ingest is done. Returns where reading stopped: the start of the first
   * line not read, which the caller keeps for the next call.
   */
  read(buf: Buffer, from: number, to: number, eof: boolean): number {
    const ingest = this.ingest;
    let p = from;
    while (p < to && this.chunk === null && !ingest.done) {
      if (this.roles !== null) {
        // One pass over a line that is all plain values; anything else (quotes, blanks,
        // bad or unusual values, a wrong field count) goes the general way below.
        let lineEnd = buf.indexOf(LF, p);
        if (lineEnd < 0 || lineEnd >= to) {
          if (!eof) return p;
          lineEnd = to;
        }
        const end = lineEnd > p && buf[lineEnd - 1] === CR ? lineEnd - 1 : lineEnd;
        if (this.plainLine(buf, p, end)) {
          p = lineEnd < to ? lineEnd + 1 : to;
          continue;
        }
      }
      const lineStart = p;
      const starts = this.starts;
      const ends = this.ends;
      const last = starts.length - 1;
      let nf = 0;
      let quoted = false;
      starts[0] = p;
      for (; p < to; p++) {
        const c = buf[p];
        if (c === LF) break;
        if (c === COMMA) {
          if (nf < last) {
            ends[nf] = p;
            starts[nf + 1] = p + 1;
          }
          nf++;
        } else if (c === QUOTE) {
          quoted = true;
        }
      }
      if (p === to && !eof) return lineStart;
      let end = p;
      if (end > lineStart && buf[end - 1] === CR) end--;
      if (nf <= last) ends[nf] = end;
      nf++;
      this.line++;
      if (quoted || this.header === null) {
        const record = this.splitQuoted(buf, lineStart, to, eof);
        if (record === null) {
          this.line--;
          return lineStart;
        }
        p = record.next;
        this.onRecord(record.fields);
        this.line += record.innerLines;
        continue;
      }
      p = p < to ? p + 1 : p;
      if (nf === 1 && this.blank(buf, lineStart, end)) continue;
      this.onFields(buf, nf, this.header);
    }
    return p;
  }

  /** The chunk the last {@link read} completed, if any; hands it over once. */
  takeChunk(): BarChunk | null {
    const chunk = this.chunk;
    this.chunk = null;
    return chunk;
  }

  /** After the last line: a file with no header or no rows is an error. */
  finish(): void {
    if (this.header === null) {
      throw new DataError({ code: 'EMPTY', file: this.file, row: 0, what: 'the file is empty' });
    }
    if (this.dataLines === 0) {
      throw new DataError({ code: 'EMPTY', file: this.file, row: 1, what: 'no bars: the file has only a header' });
    }
  }

  private blank(buf: Buffer, start: number, end: number): boolean {
    for (let i = start; i < end; i++) if ((buf[i] as number) > SPACE) return false;
    return true;
  }

  /** A field of the current line as text, or undefined when the line is shorter. */
  private fieldText(buf: Buffer, k: number, nf: number): string | undefined {
    return k >= 0 && k < nf ? buf.toString('utf8', this.starts[k], this.ends[k]) : undefined;
  }

  /** Field `k` of the current line as a number: from the bytes, else by the string rule. */
  private numberAt(buf: Buffer, k: number, nf: number): number {
    if (k >= nf) return NaN;
    const v = parseDecimalBytes(buf, this.starts[k] as number, this.ends[k] as number);
    return v === v ? v : parseNumber(this.fieldText(buf, k, nf));
  }

  /**
   * A data line of exactly the header's fields, each needed value a plain decimal and the
   * time one the byte parser takes, read in one pass: the decimals are parsed as the scan
   * goes ({@link parseDecimalBytes}'s arithmetic, inline). Returns false, having changed
   * nothing, for any other line, which then goes through {@link onFields} or the quoted
   * path; so this path decides no error and no row that the general one would not.
   */
  private plainLine(buf: Buffer, start: number, end: number): boolean {
    const roles = this.roles as Int8Array;
    const values = this.values;
    const last = roles.length - 1;
    let tsStart = 0;
    let tsEnd = 0;
    let p = start;
    for (let k = 0; k <= last; k++) {
      const role = roles[k] as number;
      if (role >= 0) {
        const neg = buf[p] === DASH;
        if (neg) p++;
        let mantissa = 0;
        let digits = 0;
        let dot = -1;
        for (; p < end; p++) {
          const d = (buf[p] as number) - DIGIT_0;
          if (d >= 0 && d <= 9) {
            mantissa = mantissa * 10 + d;
            digits++;
          } else if (d === DOT - DIGIT_0 && dot < 0) {
            dot = p;
          } else {
            break;
          }
        }
        if (digits === 0 || digits > 15) return false;
        const scale = dot < 0 ? 0 : p - dot - 1;
        const v = mantissa === 0 ? 0 : scale === 0 ? mantissa : mantissa / (POW10[scale] as number);
        values[role] = neg ? -v : v;
      } else {
        const fieldStart = p;
        for (; p < end; p++) {
          const c = buf[p];
          if (c === COMMA) break;
          if (c === QUOTE) return false;
        }
        if (role === TIME) {
          tsStart = fieldStart;
          tsEnd = p;
        }
      }
      if (k < last) {
        if (buf[p] !== COMMA || p >= end) return false;
        p++;
      }
    }
    if (p !== end) return false;
    const ts = this.time.parse(buf, tsStart, tsEnd);
    if (ts !== ts) return false;
    // The line is good to read: from here on it counts, as onFields would count it.
    const ingest = this.ingest;
    const line = ++this.line;
    this.dataLines++;
    if (ingest.admitTime(line, ts) !== Admit.IN) return true;
    const cols = this.header as ColumnIndices;
    const volume = cols.volume < 0 ? NaN : (values[VOLUME] as number);
    this.chunk = ingest.addBar(
      line,
      ts,
      values[OPEN] as number,
      values[HIGH] as number,
      values[LOW] as number,
      values[CLOSE] as number,
      volume,
    );
    return true;
  }

  /** One unquoted data line, read from its bytes; its fields fit `starts`/`ends` unless it is too wide. */
  private onFields(buf: Buffer, nf: number, cols: ColumnIndices): void {
    const ingest = this.ingest;
    const line = this.line;
    this.dataLines++;
    if (nf > this.width) {
      this.tooWide(nf);
      return;
    }
    const tk = cols.timestamp;
    let ts = tk < nf ? this.time.parse(buf, this.starts[tk] as number, this.ends[tk] as number) : NaN;
    if (ts !== ts) {
      const field = this.fieldText(buf, tk, nf);
      ts = field === undefined ? NaN : parseTimestamp(field);
      if (Number.isNaN(ts)) {
        this.badTimestamp(cols, field);
        return;
      }
    }
    if (ingest.admitTime(line, ts) !== Admit.IN) return;
    const o = this.numberAt(buf, cols.open, nf);
    const h = this.numberAt(buf, cols.high, nf);
    const l = this.numberAt(buf, cols.low, nf);
    const c = this.numberAt(buf, cols.close, nf);
    const v = cols.volume < 0 ? NaN : this.numberAt(buf, cols.volume, nf);
    if (Number.isNaN(o + h + l + c) || (cols.volume >= 0 && Number.isNaN(v))) {
      const record: (string | undefined)[] = [];
      for (let k = 0; k < nf; k++) record.push(this.fieldText(buf, k, nf));
      this.rejectNumber(cols, record);
      return;
    }
    this.chunk = ingest.addBar(line, ts, o, h, l, c, v);
  }

  /** A line as text fields: the header, a blank line, or a row with quotes. */
  private onRecord(record: string[]): void {
    if (isBlank(record)) return;
    if (this.header === null) {
      this.header = resolveColumns(record, this.columns, this.file, this.line);
      this.width = record.length;
      const size = Math.max(64, this.width + 2);
      this.starts = new Int32Array(size);
      this.ends = new Int32Array(size);
      this.roles = rolesOf(this.header, this.width);
      return;
    }
    this.dataLines++;
    if (record.length > this.width) {
      this.tooWide(record.length);
      return;
    }
    this.onTextRow(this.header, record);
  }

  /** Checks and stores one data row given as text fields. */
  private onTextRow(cols: ColumnIndices, record: readonly string[]): void {
    const ingest = this.ingest;
    const line = this.line;
    const tsField = record[cols.timestamp];
    const ts = tsField === undefined ? NaN : parseTimestamp(tsField);
    if (Number.isNaN(ts)) {
      this.badTimestamp(cols, tsField);
      return;
    }
    if (ingest.admitTime(line, ts) !== Admit.IN) return;
    const o = parseNumber(record[cols.open]);
    const h = parseNumber(record[cols.high]);
    const l = parseNumber(record[cols.low]);
    const c = parseNumber(record[cols.close]);
    const v = cols.volume < 0 ? NaN : parseNumber(record[cols.volume]);
    if (Number.isNaN(o + h + l + c) || (cols.volume >= 0 && Number.isNaN(v))) {
      this.rejectNumber(cols, record);
      return;
    }
    this.chunk = ingest.addBar(line, ts, o, h, l, c, v);
  }

  /** A field more than the header names: the row is not what the header says (a stray comma). */
  private tooWide(fields: number): void {
    if (this.ingest.skipQuietly()) return;
    this.ingest.reject(
      'MALFORMED_FILE',
      this.line,
      `${fields} fields, but the header has ${this.width} (a stray comma or an unquoted field?)`,
    );
  }

  private badTimestamp(cols: ColumnIndices, tsField: string | undefined): void {
    if (this.ingest.skipQuietly()) return;
    const name = cols.names.timestamp;
    this.ingest.reject(
      'BAD_TIMESTAMP',
      this.line,
      tsField === undefined || tsField.trim() === ''
        ? `${name}: missing value`
        : `${name}: cannot parse '${shown(tsField)}' as a timestamp ` +
            `(expected ISO 8601 like 2024-03-26T13:30:00Z, a date like 2024-03-26, or epoch seconds/milliseconds)`,
      name,
    );
  }

  private rejectNumber(cols: ColumnIndices, record: readonly (string | undefined)[]): void {
    if (this.ingest.skipQuietly()) return;
    for (const field of ['open', 'high', 'low', 'close', 'volume'] as const) {
      const idx = cols[field];
      if (idx < 0) continue;
      const raw = record[idx];
      if (!Number.isNaN(parseNumber(raw))) continue;
      const name = cols.names[field];
      const what =
        raw === undefined || raw.trim() === ''
          ? `${name}: missing value`
          : `${name}: cannot parse '${shown(raw)}' as a number`;
      this.ingest.reject('UNPARSEABLE_NUMBER', this.line, what, name);
      return;
    }
  }

  private malformed(reason: string): DataError {
    return new DataError({ code: 'MALFORMED_FILE', file: this.file, row: this.line, what: `not valid CSV: ${reason}` });
  }

  /**
   * Splits the record starting at `start` by RFC 4180: a field that starts with a quote
   * runs to the matching quote (`""` is a quote inside it, line ends are part of it), and
   * must be followed by a comma or the line end. Null when the record runs past `to` and
   * more of the file is to come.
   */
  private splitQuoted(buf: Buffer, start: number, to: number, eof: boolean): QuotedRecord | null {
    const fields: string[] = [];
    let innerLines = 0;
    let p = start;
    for (;;) {
      if (p < to && buf[p] === QUOTE) {
        let text = '';
        let from = p + 1;
        let q = from;
        for (;;) {
          while (q < to && buf[q] !== QUOTE) {
            if (buf[q] === LF) innerLines++;
            q++;
          }
          if (q + 1 >= to && !eof) return null;
          if (q >= to)
            throw this.malformed(
              `quote not closed (the field starting on line ${this.line} runs to the end of the file)`,
            );
          if (buf[q + 1] === QUOTE) {
            text += buf.toString('utf8', from, q + 1);
            q += 2;
            from = q;
            continue;
          }
          text += buf.toString('utf8', from, q);
          break;
        }
        fields.push(text);
        p = q + 1;
        if (p >= to && !eof) return null;
        if (p < to && buf[p] === CR) {
          if (p + 1 >= to && !eof) return null;
          if (p + 1 >= to || buf[p + 1] === LF) p++;
        }
        if (p >= to || buf[p] === LF) return { fields, next: p < to ? p + 1 : p, innerLines };
        if (buf[p] !== COMMA)
          throw this.malformed(
            `a closing quote must be followed by a comma or the line end (line ${this.line + innerLines})`,
          );
        p++;
        continue;
      }
      const from = p;
      while (p < to && buf[p] !== COMMA && buf[p] !== LF) {
        if (buf[p] === QUOTE) throw this.malformed(`a quote inside an unquoted field (line ${this.line + innerLines})`);
        p++;
      }
      if (p >= to && !eof) return null;
      let end = p;
      if ((p >= to || buf[p] === LF) && end > from && buf[end - 1] === CR) end--;
      fields.push(buf.toString('utf8', from, end));
      if (p >= to || buf[p] === LF) return { fields, next: p < to ? p + 1 : p, innerLines };
      p++;
    }
  }
}
