import path from 'node:path';
import { barFormatOf } from './bar-format.ts';
import type { BarSource } from './bar-source.ts';
import type { FileSourceOptions } from './bar-source-options.ts';
import { CsvBarSource } from './csv-source.ts';
import { ParquetBarSource } from './parquet-source.ts';

/** A file of bars as a config names it. */
export interface BarSourceSpec extends Omit<FileSourceOptions, 'file'> {
  /** Path of the file, relative to the folder of the config that names it. */
  readonly path: string;
  /** `parquet` for `.parquet`, `.parq` and `.pq` files, `csv` for anything else, unless given. */
  readonly format?: 'csv' | 'parquet';
}

/**
 * Opens the source a spec describes, resolving its path against `baseDir` (the config's
 * folder, so a config works from any working directory). Nothing is read until the
 * source's `chunks()` is pulled; a missing file surfaces then, as a `FILE_NOT_FOUND`
 * DataError.
 */
export function openBarSource(spec: BarSourceSpec, baseDir: string): BarSource {
  const { path: specPath, format, ...options } = spec;
  const file = path.resolve(baseDir, specPath);
  const kind = format ?? barFormatOf(file);
  const opts: FileSourceOptions = { ...options, file };
  return kind === 'parquet' ? new ParquetBarSource(opts) : new CsvBarSource(opts);
}
