/**
 * Writes a signal store in parts, for live runs: every `rowGroupRows` signal rows become
 * one complete Parquet file per table (`signals-000001.parquet`, `regimes-000001.parquet`),
 * and metadata.json is rewritten to list the parts so far. A Parquet file is unreadable
 * until its footer is written, so a single growing file could not be read while a live run
 * goes on; a finished part can, and a reader at any moment sees the store as of the last
 * part (docs/signal-store.md, "Live stores").
 *
 * Each part file is written under a temporary name, fsynced and renamed into place before
 * the metadata that lists it is written (atomically): the metadata is the commit point, as
 * in {@link SignalStoreWriter}. Opening a writer removes the folder's previous store first
 * (its metadata, then its tables and parts), so a half-replaced store is never readable.
 */
import { createHash } from 'node:crypto';
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeJsonAtomic } from '../files/atomic-write.ts';
import type { DrainableSink } from '../files/drainable-sink.ts';
import { ENGINE } from '../engine-info.ts';
import { ParquetTableWriter, type ColumnDef } from '../files/parquet-table-writer.ts';
import {
  PART_FILE,
  REGIME_COLUMNS,
  SIGNAL_COLUMNS,
  SIGNAL_STORE_FORMAT,
  STORE_FILES,
  partFileName,
  type RegimeStoreRow,
  type SignalStoreMeta,
  type SignalStoreRow,
  type StoreFileInfo,
  type StoreLiveInfo,
  type StorePart,
} from './store-format.ts';
import type { SignalStoreMetaDraft } from './store-writer.ts';

/** What the writer asks for each time it writes metadata.json. */
export type PartedMetaSource = () => { readonly draft: SignalStoreMetaDraft; readonly live: StoreLiveInfo };

/** A parted store folder being written (see the module comment). */
export class PartedStoreWriter implements DrainableSink {
  private signals: SignalStoreRow[] = [];
  private regimes: RegimeStoreRow[] = [];
  private readonly parts: StorePart[] = [];
  /** The part being written, if one is. */
  private flushing: Promise<void> | undefined;
  private error: unknown;
  private closed = false;
  private meta: SignalStoreMeta | undefined;

  private constructor(
    readonly dir: string,
    private readonly rowGroupRows: number,
    private readonly describe: PartedMetaSource,
  ) {}

  /** Clears `dir` of any previous store, then returns a writer for a new one. */
  static async open(dir: string, rowGroupRows: number, describe: PartedMetaSource): Promise<PartedStoreWriter> {
    await rm(join(dir, STORE_FILES.metadata), { force: true });
    let names: string[] = [];
    try {
      names = await readdir(dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    for (const name of names) {
      if (PART_FILE.test(name) || name === STORE_FILES.signals || name === STORE_FILES.regimes)
        await rm(join(dir, name), { force: true });
    }
    return new PartedStoreWriter(dir, Math.max(1, Math.floor(rowGroupRows)), describe);
  }

  /** The metadata last written, if any part was. */
  get lastMeta(): SignalStoreMeta | undefined {
    return this.meta;
  }

  get needsDrain(): boolean {
    return this.flushing !== undefined;
  }

  async drained(): Promise<void> {
    while (this.flushing !== undefined) await this.flushing;
    if (this.error !== undefined) throw this.error;
  }

  addSignal(row: SignalStoreRow): void {
    this.signals.push(row);
    if (this.signals.length >= this.rowGroupRows) this.startPart();
  }

  addRegime(row: RegimeStoreRow): void {
    this.regimes.push(row);
    // Regime rows alone also fill a part, so a run with rare signals stays bounded.
    if (this.regimes.length >= this.rowGroupRows) this.startPart();
  }

  /**
   * Writes the rows still buffered as a last part (when there are any, or when no part
   * was written yet: an empty store is still a store) and the final metadata.
   */
  async close(): Promise<SignalStoreMeta | undefined> {
    if (this.closed) return this.meta;
    await this.drained();
    this.closed = true;
    if (this.signals.length > 0 || this.regimes.length > 0 || this.parts.length === 0) {
      await this.writePart(this.takeRows());
    } else {
      await this.writeMeta();
    }
    return this.meta;
  }

  /** Starts writing the buffered rows as the next part; the caller is held back until it is done (needsDrain). */
  private startPart(): void {
    if (this.closed) return;
    const rows = this.takeRows();
    const previous = this.flushing ?? Promise.resolve();
    const job: Promise<void> = previous
      .then(() => this.writePart(rows))
      .catch((err: unknown) => {
        this.error ??= err;
      })
      .finally(() => {
        if (this.flushing === job) this.flushing = undefined;
      });
    this.flushing = job;
  }

  private takeRows(): { signals: SignalStoreRow[]; regimes: RegimeStoreRow[] } {
    const rows = { signals: this.signals, regimes: this.regimes };
    this.signals = [];
    this.regimes = [];
    return rows;
  }

  private async writePart(rows: { signals: SignalStoreRow[]; regimes: RegimeStoreRow[] }): Promise<void> {
    const n = this.parts.length + 1;
    const signals = await writeTable(
      join(this.dir, partFileName('signals', n)),
      SIGNAL_COLUMNS,
      rows.signals,
      this.rowGroupRows,
    );
    const regimes = await writeTable(
      join(this.dir, partFileName('regimes', n)),
      REGIME_COLUMNS,
      rows.regimes,
      this.rowGroupRows,
    );
    this.parts.push({ signals, regimes });
    await this.writeMeta();
  }

  private async writeMeta(): Promise<void> {
    const { draft, live } = this.describe();
    const meta: SignalStoreMeta = {
      ...draft,
      files: { signals: summed('signals', this.parts), regimes: summed('regimes', this.parts), parts: [...this.parts] },
      live,
    };
    await writeJsonAtomic(join(this.dir, STORE_FILES.metadata), meta);
    this.meta = meta;
  }
}

/** One part file of a table: all `rows` as one row group, published under `path`. */
async function writeTable<R>(
  path: string,
  defs: readonly ColumnDef<R>[],
  rows: readonly R[],
  rowGroupRows: number,
): Promise<StoreFileInfo> {
  const writer = await ParquetTableWriter.open(path, defs, {
    rowGroupRows: Math.max(rowGroupRows, rows.length),
    createdBy: `${ENGINE.name} ${ENGINE.version} (hyparquet-writer)`,
    kvMetadata: [{ key: 'sluice.format', value: SIGNAL_STORE_FORMAT }],
  });
  for (const r of rows) writer.append(r);
  const info = await writer.finish();
  await writer.publish();
  return { ...info, file: path.slice(path.lastIndexOf('/') + 1) };
}

/** A table's summary over the parts: rows, groups and bytes added up, the parts' hashes hashed. */
function summed(table: 'signals' | 'regimes', parts: readonly StorePart[]): StoreFileInfo {
  const hash = createHash('sha256');
  let rows = 0;
  let groups = 0;
  let bytes = 0;
  for (const p of parts) {
    rows += p[table].rows;
    groups += p[table].row_groups;
    bytes += p[table].bytes;
    hash.update(p[table].sha256);
  }
  return { file: `${table}-*.parquet`, rows, row_groups: groups, bytes, sha256: hash.digest('hex') };
}
