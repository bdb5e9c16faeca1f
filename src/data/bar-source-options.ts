/** The fields of a bar that a file source looks for. */
export type BarField = 'timestamp' | 'open' | 'high' | 'low' | 'close' | 'volume';

/**
 * What a source does with a row that fails a check: `fail` stops the run with a
 * {@link DataError} naming the file and row; `skip` drops the row, counts it and keeps
 * the first notes in the source's stats.
 */
export type BadRowPolicy = 'fail' | 'skip';

/** Options shared by the file-backed sources (CSV and Parquet). */
export interface FileSourceOptions {
  /** Path of the file; relative paths resolve against the working directory. */
  readonly file: string;
  /** Symbol every bar of the file belongs to. */
  readonly symbol: string;
  /** Rows per chunk (default 8192). */
  readonly chunkSize?: number;
  /** Bad-row policy (default `fail`). */
  readonly onBadRow?: BadRowPolicy;
  /**
   * Column names to use instead of the defaults, matched case-insensitively. Defaults:
   * the first of `timestamp`, `date`, `datetime`, `time` present, then `open`, `high`,
   * `low`, `close`, `volume`.
   */
  readonly columns?: Partial<Record<BarField, string>>;
  /** Keep bars with `ts >= start` (epoch ms). */
  readonly start?: number;
  /** Keep bars with `ts < end` (epoch ms); reading stops at the first bar at or after it. */
  readonly end?: number;
}

/** Rows per chunk when none is given: large enough to amortise a chunk's allocations. */
export const DEFAULT_CHUNK_SIZE = 8192;

/** How many skip notes a source keeps: enough to see a pattern, bounded for huge files. */
export const MAX_SKIP_NOTES = 20;

/**
 * Throws a RangeError unless `chunkSize` is a whole number from 1 to 2^20; a mistyped
 * huge value would otherwise allocate gigabytes of column arrays.
 */
export function checkChunkSize(chunkSize: number): void {
  if (!Number.isInteger(chunkSize) || chunkSize < 1 || chunkSize > 1_048_576) {
    throw new RangeError(`chunkSize must be a whole number from 1 to 1048576, got ${chunkSize}`);
  }
}
