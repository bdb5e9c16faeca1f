/**
 * Reading a signal store (store-format.ts, docs/signal-store.md): its metadata, its rows in
 * written order, whole (`readSignalStore`) or one row group at a time (`readStoreBatches`,
 * bounded memory), and the checks a reader makes before trusting it.
 */
import { readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { parquetMetadataAsync, parquetRead, type ColumnData, type FileMetaData, type ParquetParsers } from 'hyparquet';
import type { ColumnDef } from '../files/parquet-table-writer.ts';
import { openFileAsyncBuffer } from '../files/file-async-buffer.ts';
import {
  REGIME_COLUMNS,
  SIGNAL_COLUMNS,
  SIGNAL_STORE_FORMAT,
  SIGNAL_STORE_FORMAT_1,
  STORE_FILES,
  SignalStoreError,
  isReadableFormat,
  type RegimeStoreRow,
  type SignalStoreMeta,
  type SignalStoreRow,
  type StoreFileInfo,
} from './store-format.ts';

/** A whole store in memory. */
export interface SignalStore {
  readonly meta: SignalStoreMeta;
  /** In written order: by (seq, strategy order in `meta.strategies`). */
  readonly signals: SignalStoreRow[];
  /** In written order: by (seq, classifier order in `meta.classifiers`). */
  readonly regimes: RegimeStoreRow[];
}

/** Which table of a store. */
export type StoreTable = 'signals' | 'regimes';

type RowOf<T extends StoreTable> = T extends 'signals' ? SignalStoreRow : RegimeStoreRow;

/** Timestamps as epoch-ms numbers instead of Date objects. */
const PARSERS: Partial<ParquetParsers> = {
  timestampFromMilliseconds: (ms: bigint): number => Number(ms),
  timestampFromMicroseconds: (us: bigint): number => Number(us) / 1e3,
  timestampFromNanoseconds: (ns: bigint): number => Number(ns / 1_000_000n),
};

/** Row objects made at a time (a batch of `readStoreBatches`). */
const BATCH = 16_384;

/** True when `dir` holds a store (its metadata.json exists). */
export async function storeExists(dir: string): Promise<boolean> {
  try {
    await stat(join(dir, STORE_FILES.metadata));
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}

/**
 * Reads and checks a store's metadata.json.
 *
 * @throws SignalStoreError MISSING when there is none, UNREADABLE when it is not a store's
 *   metadata (bad JSON, another format version).
 */
export async function readStoreMeta(dir: string): Promise<SignalStoreMeta> {
  const path = join(dir, STORE_FILES.metadata);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new SignalStoreError(
        `${dir}: no signal store here (${STORE_FILES.metadata} not found); write one with \`sluice signals <config>\``,
        'MISSING',
      );
    }
    throw err;
  }
  let meta: Partial<SignalStoreMeta>;
  try {
    meta = JSON.parse(text) as Partial<SignalStoreMeta>;
  } catch (err) {
    throw new SignalStoreError(`${path}: not valid JSON (${(err as Error).message})`, 'UNREADABLE');
  }
  if (!isReadableFormat(meta.format)) {
    throw new SignalStoreError(
      `${path}: unknown store format ${JSON.stringify(meta.format)} (this engine reads ${SIGNAL_STORE_FORMAT} and ${SIGNAL_STORE_FORMAT_1}); rewrite the store with --force`,
      'UNREADABLE',
    );
  }
  if (
    !Array.isArray(meta.strategies) ||
    !Array.isArray(meta.classifiers) ||
    meta.files === undefined ||
    meta.data === undefined
  ) {
    throw new SignalStoreError(
      `${path}: incomplete store metadata (strategies, classifiers, data or files missing)`,
      'UNREADABLE',
    );
  }
  return meta as SignalStoreMeta;
}

/**
 * Checks that both tables exist with the sizes the metadata records (a cheap check: no
 * table is read), so a store whose tables were changed or cut short is not reused.
 *
 * @throws SignalStoreError INCONSISTENT.
 */
export async function verifyStoreFiles(dir: string, meta: SignalStoreMeta): Promise<void> {
  for (const table of ['signals', 'regimes'] as const) {
    for (const { path, info } of tableFiles(dir, table, meta)) {
      let size: number;
      try {
        size = (await stat(path)).size;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
        throw new SignalStoreError(
          `${path}: missing, although ${STORE_FILES.metadata} lists it; the store is incomplete: rewrite it with --force`,
          'INCONSISTENT',
        );
      }
      if (size !== info.bytes) {
        throw new SignalStoreError(
          `${path}: ${size} bytes where ${STORE_FILES.metadata} records ${info.bytes}; the store was changed or a write was interrupted: rewrite it with --force`,
          'INCONSISTENT',
        );
      }
    }
  }
}

/**
 * The files of one table with what the metadata records of each: the table's one file,
 * or a parted (live) store's part files in order.
 */
function tableFiles(dir: string, table: StoreTable, meta: SignalStoreMeta): { path: string; info: StoreFileInfo }[] {
  const parts = meta.files.parts;
  if (parts === undefined) return [{ path: join(dir, STORE_FILES[table]), info: meta.files[table] }];
  return parts.map((p) => ({ path: join(dir, basename(p[table].file)), info: p[table] }));
}

/**
 * Reads a whole store: metadata, then every signal and regime row in written order, as
 * plain objects with the column names (snake_case) and `ts` in epoch ms.
 *
 * @throws SignalStoreError when the store is missing, unreadable or its tables do not
 *   match its metadata (a write interrupted half way).
 */
export async function readSignalStore(dir: string): Promise<SignalStore> {
  const meta = await readStoreMeta(dir);
  const signals: SignalStoreRow[] = [];
  for await (const batch of readStoreBatches(dir, 'signals', meta)) for (const r of batch) signals.push(r);
  const regimes: RegimeStoreRow[] = [];
  for await (const batch of readStoreBatches(dir, 'regimes', meta)) for (const r of batch) regimes.push(r);
  return { meta, signals, regimes };
}

/**
 * The rows of one table in written order, in batches of at most {@link BATCH} rows: for
 * readers that must not hold the whole table. Each row group is decoded once.
 *
 * @throws SignalStoreError INCONSISTENT when the file's size or row count differs from
 *   the metadata's, UNREADABLE when it cannot be decoded.
 */
export async function* readStoreBatches<T extends StoreTable>(
  dir: string,
  table: T,
  meta: SignalStoreMeta,
): AsyncGenerator<RowOf<T>[], void, undefined> {
  for (const { path, info } of tableFiles(dir, table, meta)) yield* readFileBatches(path, info, table);
}

/** The rows of one Parquet file of a table (see {@link readStoreBatches}). */
async function* readFileBatches<T extends StoreTable>(
  path: string,
  info: StoreFileInfo,
  table: T,
): AsyncGenerator<RowOf<T>[], void, undefined> {
  const defs = (table === 'signals' ? SIGNAL_COLUMNS : REGIME_COLUMNS) as readonly ColumnDef<RowOf<T>>[];
  let file;
  try {
    file = await openFileAsyncBuffer(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new SignalStoreError(
        `${path}: missing, although ${STORE_FILES.metadata} lists it; the store is incomplete: rewrite it with --force`,
        'INCONSISTENT',
      );
    }
    throw err;
  }
  try {
    if (file.byteLength !== info.bytes) {
      throw new SignalStoreError(
        `${path}: ${file.byteLength} bytes where ${STORE_FILES.metadata} records ${info.bytes}; the store was changed or a write was interrupted: rewrite it with --force`,
        'INCONSISTENT',
      );
    }
    let metadata: FileMetaData;
    try {
      metadata = await parquetMetadataAsync(file, { parsers: PARSERS });
    } catch (err) {
      throw new SignalStoreError(`${path}: not a readable Parquet file (${(err as Error).message})`, 'UNREADABLE');
    }
    if (Number(metadata.num_rows) !== info.rows) {
      throw new SignalStoreError(
        `${path}: ${Number(metadata.num_rows)} rows where ${STORE_FILES.metadata} records ${info.rows}; rewrite the store with --force`,
        'INCONSISTENT',
      );
    }
    // A format 1 file has no `weight` column: its rows read with weight null.
    const present = new Set(metadata.schema.map((e) => e.name));
    const columns = defs.map((d) => d.name).filter((c) => present.has(c));
    const build = (table === 'signals' ? signalRows : regimeRows) as unknown as RowBuilder<RowOf<T>>;
    let groupStart = 0;
    for (const group of metadata.row_groups) {
      const groupEnd = groupStart + Number(group.num_rows);
      // One decode per row group, into typed columns (a few MB); rows are made from them
      // a batch at a time, so at most BATCH row objects exist per reader.
      const pieces = new Map<string, ColumnData[]>(columns.map((c) => [c, []]));
      try {
        await parquetRead({
          file,
          metadata,
          columns,
          rowStart: groupStart,
          rowEnd: groupEnd,
          parsers: PARSERS,
          onChunk: (c) => pieces.get(c.columnName)?.push(c),
        });
      } catch (err) {
        throw new SignalStoreError(
          `${path}: cannot decode rows ${groupStart + 1}..${groupEnd} (${(err as Error).message})`,
          'UNREADABLE',
        );
      }
      const cols = columns.map((c) => flatten(pieces.get(c)!, groupStart, groupEnd, path));
      for (let from = groupStart; from < groupEnd; from += BATCH)
        yield build(cols, from - groupStart, Math.min(from + BATCH, groupEnd) - groupStart);
      groupStart = groupEnd;
    }
  } finally {
    await file.close();
  }
}

/** Row objects [from, to) of a row group's columns (in table column order). */
type RowBuilder<R> = (cols: readonly ArrayLike<unknown>[], from: number, to: number) => R[];

const num = (v: unknown): number =>
  typeof v === 'bigint' ? Number(v) : v instanceof Date ? v.getTime() : (v as number);

const signalRows: RowBuilder<SignalStoreRow> = (c, from, to) => {
  const [barIndex, seq, ts, symbol, strategy, direction, strength, price, weight] = c as [
    ArrayLike<number>,
    ArrayLike<bigint>,
    ArrayLike<unknown>,
    ArrayLike<string>,
    ArrayLike<string>,
    ArrayLike<number>,
    ArrayLike<number>,
    ArrayLike<number>,
    ArrayLike<number | null | undefined> | undefined,
  ];
  const out = new Array<SignalStoreRow>(to - from);
  for (let i = from; i < to; i++) {
    out[i - from] = {
      bar_index: barIndex[i]!,
      seq: Number(seq[i]),
      ts: num(ts[i]),
      symbol: symbol[i]!,
      strategy_id: strategy[i]!,
      direction: direction[i]!,
      strength: strength[i]!,
      price: price[i]!,
      weight: weight?.[i] ?? null,
    };
  }
  return out;
};

const regimeRows: RowBuilder<RegimeStoreRow> = (c, from, to) => {
  const [barIndex, seq, ts, symbol, classifier, regime] = c as [
    ArrayLike<number>,
    ArrayLike<bigint>,
    ArrayLike<unknown>,
    ArrayLike<string>,
    ArrayLike<string>,
    ArrayLike<string>,
  ];
  const out = new Array<RegimeStoreRow>(to - from);
  for (let i = from; i < to; i++) {
    out[i - from] = {
      bar_index: barIndex[i]!,
      seq: Number(seq[i]),
      ts: num(ts[i]),
      symbol: symbol[i]!,
      classifier: classifier[i]!,
      regime: regime[i]!,
    };
  }
  return out;
};

/** One column's values for rows [start, end), indexed from 0, from the pieces hyparquet decoded. */
function flatten(pieces: readonly ColumnData[], start: number, end: number, path: string): ArrayLike<unknown> {
  const one = pieces.length === 1 ? pieces[0]! : undefined;
  if (one !== undefined && one.rowStart === start && one.rowEnd >= end) return one.columnData;
  const out = new Array<unknown>(end - start);
  let filled = 0;
  for (const p of pieces) {
    for (let r = Math.max(p.rowStart, start); r < Math.min(p.rowEnd, end); r++) {
      out[r - start] = p.columnData[r - p.rowStart];
      filled++;
    }
  }
  if (filled !== end - start)
    throw new SignalStoreError(`${path}: rows ${start + 1}..${end} decoded incompletely`, 'UNREADABLE');
  return out;
}

/** What a reader expects of a store. */
export interface StoreExpectation {
  /** The config hash the reader's config gives (store-identity.ts signalConfigHash). */
  readonly configHash: string;
  /** The reader's engine version (ENGINE.version). */
  readonly engineVersion: string;
  /** Accept a mismatch anyway. */
  readonly force: boolean;
}

/**
 * Refuses a store written by another config or engine version, unless `force`.
 *
 * @throws SignalStoreError VERSION_MISMATCH or CONFIG_MISMATCH naming both versions or
 *   both hashes.
 */
export function checkStoreCompatible(meta: SignalStoreMeta, expected: StoreExpectation): void {
  if (expected.force) return;
  if (meta.engine.version !== expected.engineVersion) {
    throw new SignalStoreError(
      `signal store written by engine version ${meta.engine.version}, this is ${expected.engineVersion}: its signals may differ from what this version computes; regenerate the store or pass --force to use it anyway`,
      'VERSION_MISMATCH',
    );
  }
  if (meta.config_hash !== expected.configHash) {
    throw new SignalStoreError(
      `signal store config hash ${meta.config_hash} differs from this config's ${expected.configHash} (other data, strategies or parameters); regenerate the store or pass --force to use it anyway`,
      'CONFIG_MISMATCH',
    );
  }
}
