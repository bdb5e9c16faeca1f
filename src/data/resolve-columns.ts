import type { BarField } from './bar-source-options.ts';
import { DataError } from './data-error.ts';

/** Where each bar field sits among a file's columns; `volume` is -1 when absent. */
export interface ColumnIndices {
  readonly timestamp: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
  /** The names as the file spells them, for messages. */
  readonly names: Readonly<Record<BarField, string>>;
}

const TIMESTAMP_DEFAULTS = ['timestamp', 'date', 'datetime', 'time'] as const;
const PRICE_FIELDS = ['open', 'high', 'low', 'close'] as const;

/**
 * Finds the bar fields among a file's column names (case-insensitively, ignoring
 * surrounding spaces). Timestamp and the four prices are required; a missing one is a
 * `MISSING_COLUMN` error on row 1 that lists the columns the file does have, because the
 * usual cause is a differently named header. Volume is optional (many FX and index files
 * have none) and reads as NaN when absent, so nothing mistakes it for a real zero.
 *
 * @param header the file's column names in order
 * @param wanted user overrides of the names to look for
 * @param file the file as shown to the user
 * @param row where the header sits, for the error (1 unless blank lines precede it)
 */
export function resolveColumns(
  header: readonly string[],
  wanted: Partial<Record<BarField, string>> | undefined,
  file: string,
  row = 1,
): ColumnIndices {
  const normalized = header.map((h) => h.trim().toLowerCase());
  const find = (name: string): number => normalized.indexOf(name.trim().toLowerCase());
  const missing = (field: BarField, name: string, configured: boolean): DataError =>
    new DataError({
      code: 'MISSING_COLUMN',
      file,
      row,
      column: name,
      what:
        `missing column '${name}'${configured ? ` (configured for ${field})` : ''}; ` +
        `found: ${header.length === 0 ? '(none)' : header.map((h) => h.trim()).join(', ')}`,
    });

  let ts: number;
  const tsName = wanted?.timestamp;
  if (tsName !== undefined) {
    ts = find(tsName);
    if (ts < 0) throw missing('timestamp', tsName, true);
  } else {
    ts = -1;
    for (const candidate of TIMESTAMP_DEFAULTS) {
      ts = find(candidate);
      if (ts >= 0) break;
    }
    if (ts < 0) throw missing('timestamp', TIMESTAMP_DEFAULTS.join('|'), false);
  }

  const price = {} as Record<(typeof PRICE_FIELDS)[number], number>;
  for (const field of PRICE_FIELDS) {
    const name = wanted?.[field] ?? field;
    const idx = find(name);
    if (idx < 0) throw missing(field, name, wanted?.[field] !== undefined);
    price[field] = idx;
  }

  const volumeName = wanted?.volume;
  const volume = find(volumeName ?? 'volume');
  if (volume < 0 && volumeName !== undefined) throw missing('volume', volumeName, true);

  const nameAt = (idx: number, fallback: string): string => header[idx]?.trim() ?? fallback;
  return {
    timestamp: ts,
    ...price,
    volume,
    names: {
      timestamp: nameAt(ts, 'timestamp'),
      open: nameAt(price.open, 'open'),
      high: nameAt(price.high, 'high'),
      low: nameAt(price.low, 'low'),
      close: nameAt(price.close, 'close'),
      volume: nameAt(volume, 'volume'),
    },
  };
}
