import type { BarChunk, BarSource, SourceStats } from './bar-source.ts';
import type { FileSourceOptions } from './bar-source-options.ts';
import { checkChunkSize, DEFAULT_CHUNK_SIZE } from './bar-source-options.ts';
import { BarIngest } from './bar-ingest.ts';
import { displayPath } from './display-path.ts';

/**
 * What the CSV and Parquet sources share: options, the file name shown in errors, the
 * passes in progress (so `close()` can stop them all) and the statistics of the latest
 * pass. A subclass reads the file in `chunks()` and releases one pass's resources in
 * `dispose`.
 *
 * @typeParam R the state of one pass over the file
 */
export abstract class FileBarSource<R> implements BarSource {
  readonly description: string;
  readonly symbols: readonly string[];
  protected readonly opts: FileSourceOptions;
  /** The file as printed in errors (relative to the working directory when inside it). */
  protected readonly shownFile: string;
  protected readonly chunkSize: number;
  /** Passes in progress. */
  protected readonly reads = new Set<R>();
  private lastIngest: BarIngest | null = null;

  constructor(opts: FileSourceOptions) {
    const chunkSize = opts.chunkSize ?? DEFAULT_CHUNK_SIZE;
    checkChunkSize(chunkSize);
    this.opts = opts;
    this.chunkSize = chunkSize;
    this.shownFile = displayPath(opts.file);
    this.description = this.shownFile;
    this.symbols = [opts.symbol];
  }

  /** Reads the file from the top, one chunk per pull. */
  abstract chunks(): AsyncGenerator<BarChunk, void, undefined>;

  /** Releases one pass's resources; safe to call twice. */
  protected abstract dispose(read: R): Promise<void>;

  /** The row checks and chunk builder of a new pass; `stats()` reports the latest. */
  protected newIngest(): BarIngest {
    const ingest = new BarIngest({
      file: this.shownFile,
      symbol: this.opts.symbol,
      chunkSize: this.chunkSize,
      onBadRow: this.opts.onBadRow ?? 'fail',
      start: this.opts.start,
      end: this.opts.end,
    });
    this.lastIngest = ingest;
    return ingest;
  }

  /** Statistics of the latest pass (complete once `chunks()` has finished). */
  stats(): SourceStats {
    return this.lastIngest?.stats() ?? { rows: 0, skipped: 0, notes: [], firstTs: null, lastTs: null };
  }

  /** Stops every pass in progress and waits until the file is closed. */
  async close(): Promise<void> {
    await Promise.all([...this.reads].map((read) => this.dispose(read)));
  }
}
