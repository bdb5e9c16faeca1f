import { extname } from 'node:path';

/** Extensions read as Parquet; anything else is CSV unless a format is given. */
export const PARQUET_EXTENSIONS: ReadonlySet<string> = new Set(['.parquet', '.parq', '.pq']);

/** The format of a bar file by its extension: `parquet` for `.parquet`, `.parq`, `.pq`, else `csv`. */
export function barFormatOf(path: string): 'csv' | 'parquet' {
  return PARQUET_EXTENSIONS.has(extname(path).toLowerCase()) ? 'parquet' : 'csv';
}
