/**
 * The sparse signal store: its files, columns, row shapes and metadata (docs/signal-store.md
 * is the user-facing description of the same thing; keep them in step).
 *
 * ```
 * <store>/signals.parquet   one row per signal change of a strategy on a symbol
 * <store>/regimes.parquet   one row per regime change of a classifier on a symbol
 * <store>/metadata.json     strategies, classifiers, data, hashes, versions (SignalStoreMeta)
 * ```
 *
 * A live run's store (the `store` live sink) is written in parts instead, one complete
 * Parquet file per row group, so it can be read while the run goes on:
 *
 * ```
 * <store>/signals-000001.parquet, signals-000002.parquet, …   in order, together the table
 * <store>/regimes-000001.parquet, …                           one per signals part
 * <store>/metadata.json     as above, plus `files.parts` and `live`; rewritten after each part
 * ```
 *
 * Rows are plain objects with the Parquet column names (snake_case); `ts` is epoch
 * milliseconds as a number. Signal rows are ordered by (seq, strategy order in the
 * metadata), regime rows by (seq, classifier order): the order a from-scratch run emits
 * them in.
 */
import { SluiceError } from '../errors/sluice-error.ts';
import type { ColumnDef, ParquetFileInfo } from '../files/parquet-table-writer.ts';

/**
 * Format tag of the stores this engine writes (metadata.json and the Parquet footers).
 * Format 2 added the `weight` column (a cross-sectional strategy's target weight); format 1
 * stores have no such column and still read (their rows' weight is null).
 */
export const SIGNAL_STORE_FORMAT = 'sluice-signal-store/2';

/** The format 1 tag: the stores written before the `weight` column. */
export const SIGNAL_STORE_FORMAT_1 = 'sluice-signal-store/1';

/** Every format this engine reads. */
export type SignalStoreFormat = typeof SIGNAL_STORE_FORMAT | typeof SIGNAL_STORE_FORMAT_1;

/** True for a format tag this engine reads. */
export function isReadableFormat(format: unknown): format is SignalStoreFormat {
  return format === SIGNAL_STORE_FORMAT || format === SIGNAL_STORE_FORMAT_1;
}

/**
 * The tag every hash of a store is keyed by (strategy, classifier, data and config
 * hashes). It names what the signals are computed from, not the file layout, so it stays
 * at format 1: a format 1 store keeps its hashes, is reused by this engine and matches a
 * replay of the same config. Change it only to invalidate every store written so far.
 */
export const STORE_KEY_FORMAT = 'sluice-signal-store/1';

/** File names inside a store folder. */
export const STORE_FILES = {
  signals: 'signals.parquet',
  regimes: 'regimes.parquet',
  metadata: 'metadata.json',
} as const;

/** One signal change: a strategy's direction on a symbol changed at this bar. */
export interface SignalStoreRow {
  /** Index of the bar within its symbol's series, from 0 (BarEvent.index); -1 when the graph gave the sink no bars. */
  readonly bar_index: number;
  /** Run-wide bar sequence number (every event's correlation id): bars of all symbols counted together. */
  readonly seq: number;
  /** Timestamp of the bar, epoch milliseconds UTC (the bar's label as the data has it). */
  readonly ts: number;
  readonly symbol: string;
  readonly strategy_id: string;
  /** 1 long, 0 flat, -1 short. */
  readonly direction: number;
  /** Conviction in [-1, 1]; its sign is the direction's. */
  readonly strength: number;
  /** Close of the bar the signal was computed on. */
  readonly price: number;
  /**
   * A cross-sectional strategy's target weight for the symbol (`rotation`: the fraction of
   * the book's equity to hold, sizing the order instead of the book's sizing rule); null
   * for a per-symbol strategy's direction (absent when a row is written: null). Format 2;
   * null in every row of a format 1 store. Read rows always have it.
   */
  readonly weight?: number | null;
}

/** One regime change: a classifier's label on a symbol changed at this bar. */
export interface RegimeStoreRow {
  readonly bar_index: number;
  readonly seq: number;
  readonly ts: number;
  readonly symbol: string;
  readonly classifier: string;
  readonly regime: string;
}

/** Columns of signals.parquet, in file order. */
export const SIGNAL_COLUMNS: readonly ColumnDef<SignalStoreRow>[] = [
  { name: 'bar_index', kind: 'int32', delta: true },
  { name: 'seq', kind: 'int64', delta: true },
  { name: 'ts', kind: 'timestamp_ms', delta: true },
  { name: 'symbol', kind: 'string' },
  { name: 'strategy_id', kind: 'string' },
  { name: 'direction', kind: 'int32' },
  { name: 'strength', kind: 'double' },
  { name: 'price', kind: 'double' },
  { name: 'weight', kind: 'double', optional: true },
];

/** Columns of regimes.parquet, in file order. */
export const REGIME_COLUMNS: readonly ColumnDef<RegimeStoreRow>[] = [
  { name: 'bar_index', kind: 'int32', delta: true },
  { name: 'seq', kind: 'int64', delta: true },
  { name: 'ts', kind: 'timestamp_ms', delta: true },
  { name: 'symbol', kind: 'string' },
  { name: 'classifier', kind: 'string' },
  { name: 'regime', kind: 'string' },
];

/** A strategy of the store. */
export interface StoreStrategy {
  /** The strategy id rows carry in `strategy_id` (the config's key). */
  readonly id: string;
  readonly type: string;
  /** Parameters after defaults. */
  readonly params: Record<string, unknown>;
  /** The entry filter's expression text, or null. */
  readonly filter: string | null;
  /** Ids of the classifiers it reads (regime_switch, filters naming a classifier), in config order. */
  readonly classifiers: readonly string[];
  /**
   * SHA-256 of {format, type, params, filter, the classifiers it reads (id, type, params),
   * engine version}: the reuse key. The id is not part of it.
   */
  readonly hash: string;
  /** Rows of this strategy in signals.parquet. */
  readonly signal_rows: number;
}

/** A classifier of the store. */
export interface StoreClassifier {
  readonly id: string;
  readonly type: string;
  readonly params: Record<string, unknown>;
  /** SHA-256 of {format, type, params, engine version}. */
  readonly hash: string;
  /** Rows of this classifier in regimes.parquet. */
  readonly regime_rows: number;
}

/** One bar file the store was computed from. */
export interface StoreDataSource {
  readonly symbol: string;
  readonly format: 'csv' | 'parquet';
  /** The path as resolved when the store was written (informative; not part of the key). */
  readonly path: string;
  /** Base name, size and content hash: the fingerprint (combination-store.ts fileFingerprint). */
  readonly name: string;
  readonly size: number;
  readonly sha256: string;
}

/** Bars one symbol contributed. */
export interface StoreSymbolRange {
  readonly bars: number;
  /** First and last bar timestamp, epoch ms, and the same as ISO 8601. */
  readonly first_ts: number | null;
  readonly last_ts: number | null;
  readonly first: string | null;
  readonly last: string | null;
}

/** What the signals were computed from. */
export interface StoreData {
  readonly sources: readonly StoreDataSource[];
  readonly symbols: readonly string[];
  readonly timeframe: string;
  /** The data filter (`data.start` inclusive, `data.end` exclusive), ISO 8601, or null. */
  readonly start: string | null;
  readonly end: string | null;
  /** Bars read, all symbols. */
  readonly bars: number;
  readonly per_symbol: Readonly<Record<string, StoreSymbolRange>>;
}

/** One Parquet file of the store, as committed. */
export type StoreFileInfo = ParquetFileInfo;

/** One part of a parted (live) store: a file of each table, written together. */
export interface StorePart {
  readonly signals: StoreFileInfo;
  readonly regimes: StoreFileInfo;
}

/** File name of part `n` (from 1) of a parted store's table. */
export function partFileName(table: 'signals' | 'regimes', n: number): string {
  return `${table}-${String(n).padStart(6, '0')}.parquet`;
}

/** Matches the part files of a parted store (and nothing else of a store folder). */
export const PART_FILE = /^(signals|regimes)-\d{6,}\.parquet$/;

/** What a live run adds to the metadata of the store it writes. */
export interface StoreLiveInfo {
  /** open: the run goes on (more parts may come); else how it ended. */
  readonly status: 'open' | 'complete' | 'interrupted' | 'failed';
  /** The feed the live bars came from. */
  readonly feed: string;
  /** The warm-up bars before the first live bar (a file, the config's data, or none). */
  readonly warmup: string;
  /** When the run started and when this metadata was written, ISO 8601. */
  readonly started: string;
  readonly updated: string;
}

/** metadata.json: everything about a store except its rows. */
export interface SignalStoreMeta {
  /** The format the store was written in: this engine writes 2 and reads 1 and 2. */
  readonly format: SignalStoreFormat;
  readonly engine: { readonly name: string; readonly version: string };
  /**
   * SHA-256 of {format, data_key, strategy hashes in store order, classifier hashes in
   * store order}: equal for two stores holding the same signals of the same data.
   */
  readonly config_hash: string;
  /** SHA-256 of {format, sources (symbol, format, size, sha256), timeframe, start, end}. */
  readonly data_key: string;
  readonly data: StoreData;
  /** In store order: the order rows of one bar are in. */
  readonly strategies: readonly StoreStrategy[];
  readonly classifiers: readonly StoreClassifier[];
  /**
   * The tables. In a parted store `signals` and `regimes` sum up the parts (`file` is
   * the glob of the part files, `sha256` that of the parts' hashes in order) and `parts`
   * lists them in order.
   */
  readonly files: {
    readonly signals: StoreFileInfo;
    readonly regimes: StoreFileInfo;
    readonly parts?: readonly StorePart[];
  };
  /** Present in a store written by `sluice live` (a `store` sink). */
  readonly live?: StoreLiveInfo;
}

/**
 * A store that cannot be used: missing, unreadable, inconsistent, or built from other data
 * or by another engine version. A user-facing mistake: the CLI prints its message without
 * a stack trace.
 */
export class SignalStoreError extends SluiceError {
  readonly category = 'signal-store';
  override readonly name = 'SignalStoreError';
  constructor(
    message: string,
    /** MISSING, UNREADABLE, INCONSISTENT, DATA_MISMATCH, VERSION_MISMATCH, CONFIG_MISMATCH. */
    readonly code: 'MISSING' | 'UNREADABLE' | 'INCONSISTENT' | 'DATA_MISMATCH' | 'VERSION_MISMATCH' | 'CONFIG_MISMATCH',
  ) {
    super(message);
  }
}
