import { SluiceError } from '../errors/sluice-error.ts';

/**
 * What went wrong with a data file, as a machine-readable code. The CLI and the run
 * manifest use the code; a human reads the message.
 */
export type DataErrorCode =
  | 'UNPARSEABLE_NUMBER'
  | 'BAD_TIMESTAMP'
  | 'TIME_BACKWARDS'
  | 'DUPLICATE_BAR'
  | 'MISSING_COLUMN'
  | 'INVALID_BAR'
  | 'FILE_NOT_FOUND'
  | 'EMPTY'
  | 'MALFORMED_FILE';

/** Where a data error sits and what it is, before formatting. */
export interface DataErrorInit {
  readonly code: DataErrorCode;
  /** The file as the user knows it (relative to the working directory when inside it). */
  readonly file: string;
  /**
   * 1-based: the line in a CSV file (header = line 1), the record in a Parquet file.
   * 0 means the file as a whole (not found, empty) and is left out of the message.
   */
  readonly row: number;
  /** The column's name as it appears in the file, when one column is at fault. */
  readonly column?: string;
  /** What is wrong, without the location, e.g. `close: cannot parse 'abc' as a number`. */
  readonly what: string;
}

/**
 * A mistake in the user's data: an unparseable number, timestamps going backwards, a
 * missing column, a file that does not exist. It is always this class (never a bare
 * `Error`) so the CLI can tell a user mistake, printed as one line without a stack trace,
 * from an engine bug.
 *
 * The message is `file:row  what`, the shape editors and terminals turn into a link:
 *
 * ```
 * examples/data/x.csv:12  close: cannot parse 'abc' as a number
 * examples/data/y.csv  file not found
 * ```
 */
export class DataError extends SluiceError {
  readonly category = 'data';
  override readonly name = 'DataError';
  readonly code: DataErrorCode;
  readonly file: string;
  readonly row: number;
  readonly column?: string;
  /** The message without the `file:row` prefix, as kept in skip notes. */
  readonly what: string;

  constructor(init: DataErrorInit) {
    super(init.row > 0 ? `${init.file}:${init.row}  ${init.what}` : `${init.file}  ${init.what}`);
    this.code = init.code;
    this.file = init.file;
    this.row = init.row;
    if (init.column !== undefined) this.column = init.column;
    this.what = init.what;
  }
}
