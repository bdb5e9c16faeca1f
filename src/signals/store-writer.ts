/**
 * Writes one signal store folder: signals.parquet and regimes.parquet streamed row group
 * by row group, then metadata.json. Every file goes to a temporary name first; `commit`
 * finishes both Parquet files (footer, fsync), removes the old metadata.json, renames
 * the tables into place and writes the new metadata.json last. The metadata is the commit
 * point: a folder without it holds no store, and since it records each table's row count
 * and size, a reader that finds tables not matching it refuses the store (read-store.ts)
 * instead of reading a half-replaced one. `abort` leaves the folder as it was.
 */
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeJsonAtomic } from '../files/atomic-write.ts';
import type { DrainableSink } from '../files/drainable-sink.ts';
import { ENGINE } from '../engine-info.ts';
import { ParquetTableWriter } from '../files/parquet-table-writer.ts';
import {
  PART_FILE,
  REGIME_COLUMNS,
  SIGNAL_COLUMNS,
  SIGNAL_STORE_FORMAT,
  STORE_FILES,
  type RegimeStoreRow,
  type SignalStoreMeta,
  type SignalStoreRow,
  type StoreFileInfo,
} from './store-format.ts';

/** Default rows per row group. */
export const DEFAULT_ROW_GROUP_ROWS = 100_000;

/** Options of {@link SignalStoreWriter.open}. */
export interface SignalStoreWriterOptions {
  readonly rowGroupRows?: number;
}

/** The metadata without the file sections, which the writer fills in. */
export type SignalStoreMetaDraft = Omit<SignalStoreMeta, 'files'>;

/** A store folder being written (see the module comment). */
export class SignalStoreWriter implements DrainableSink {
  private state: 'open' | 'committed' | 'aborted' = 'open';

  private constructor(
    readonly dir: string,
    private readonly signals: ParquetTableWriter<SignalStoreRow>,
    private readonly regimes: ParquetTableWriter<RegimeStoreRow>,
  ) {}

  /** Opens the temporary files of both tables in `dir` (created as needed). */
  static async open(dir: string, opts: SignalStoreWriterOptions = {}): Promise<SignalStoreWriter> {
    const common = {
      rowGroupRows: opts.rowGroupRows ?? DEFAULT_ROW_GROUP_ROWS,
      createdBy: `${ENGINE.name} ${ENGINE.version} (hyparquet-writer)`,
      kvMetadata: [{ key: 'sluice.format', value: SIGNAL_STORE_FORMAT }],
    };
    const signals = await ParquetTableWriter.open(join(dir, STORE_FILES.signals), SIGNAL_COLUMNS, common);
    try {
      const regimes = await ParquetTableWriter.open(join(dir, STORE_FILES.regimes), REGIME_COLUMNS, common);
      return new SignalStoreWriter(dir, signals, regimes);
    } catch (err) {
      await signals.abort();
      throw err;
    }
  }

  get signalRows(): number {
    return this.signals.rows;
  }

  get regimeRows(): number {
    return this.regimes.rows;
  }

  get needsDrain(): boolean {
    return this.signals.needsDrain || this.regimes.needsDrain;
  }

  async drained(): Promise<void> {
    await this.signals.drained();
    await this.regimes.drained();
  }

  addSignal(row: SignalStoreRow): void {
    this.signals.append(row);
  }

  addRegime(row: RegimeStoreRow): void {
    this.regimes.append(row);
  }

  /**
   * Finishes both tables, renames them into place, then writes metadata.json (`draft`
   * plus the file sections). Returns the metadata written.
   *
   * @throws the I/O error; nothing is renamed unless both tables finished.
   */
  async commit(draft: SignalStoreMetaDraft): Promise<SignalStoreMeta> {
    if (this.state !== 'open') throw new Error(`signal store ${this.dir}: commit after ${this.state}`);
    this.state = 'committed';
    let signals: StoreFileInfo;
    let regimes: StoreFileInfo;
    try {
      signals = await this.signals.finish();
      regimes = await this.regimes.finish();
    } catch (err) {
      await this.signals.abort();
      await this.regimes.abort();
      throw err;
    }
    // The old metadata goes first: a crash between the renames then leaves a folder
    // without metadata (no store: the next run computes everything), never new tables
    // described by old metadata.
    await rm(join(this.dir, STORE_FILES.metadata), { force: true });
    await this.signals.publish();
    await this.regimes.publish();
    const meta: SignalStoreMeta = {
      ...draft,
      files: { signals: { ...signals, file: STORE_FILES.signals }, regimes: { ...regimes, file: STORE_FILES.regimes } },
    };
    await writeJsonAtomic(join(this.dir, STORE_FILES.metadata), meta);
    // A live run's parted store replaced by this one (--force): its part files go too.
    for (const name of await readdir(this.dir))
      if (PART_FILE.test(name)) await rm(join(this.dir, name), { force: true });
    return meta;
  }

  /** Deletes both temporary files; the folder keeps whatever it held. A no-op after commit. */
  async abort(): Promise<void> {
    if (this.state !== 'open') return;
    this.state = 'aborted';
    await this.signals.abort();
    await this.regimes.abort();
  }
}
