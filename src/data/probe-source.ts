import { DataError } from './data-error.ts';
import { openBarSource, type BarSourceSpec } from './open-source.ts';

/**
 * Opens a bar file as `sluice run` would and reads its header and first bar, no more:
 * the mistakes a config check can catch before any run (an empty, header-only, binary or
 * headerless CSV, a folder, a CSV named as Parquet).
 *
 * @returns the reader's {@link DataError}, or undefined when the file starts with a bar.
 */
export async function probeBarFile(
  spec: Omit<BarSourceSpec, 'chunkSize' | 'start' | 'end'>,
  baseDir: string,
): Promise<DataError | undefined> {
  const source = openBarSource({ ...spec, chunkSize: 1 }, baseDir);
  try {
    for await (const chunk of source.chunks()) if (chunk.length > 0) return undefined;
    return new DataError({ code: 'EMPTY', file: source.description, row: 0, what: 'no bars in the file' });
  } catch (err) {
    if (err instanceof DataError) return err;
    throw err;
  } finally {
    await source.close();
  }
}
