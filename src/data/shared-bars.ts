/**
 * A symbol's bars as plain columns, and reading a source into them once so that several
 * threads can run over the same bars without each re-reading and re-parsing the file
 * (`--workers N`: sequencer/shard-pool.ts). The columns are Float64Arrays over
 * SharedArrayBuffers: posting them to a worker thread shares the memory instead of
 * copying it, and a thread builds its source over them as views ({@link MemoryBarSource}).
 *
 * The type is deliberately plain — one Float64Array per field, equal lengths, `ts` in
 * epoch milliseconds strictly increasing — so that any consumer of whole columns (a
 * columnar book loop, a kernel) can take it as it is.
 */
import type { BarSource } from './bar-source.ts';

/** One symbol's bars, field by field; every array has one value per bar. */
export interface BarColumnArrays {
  /** Epoch milliseconds, UTC, strictly increasing. */
  readonly ts: Float64Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
}

/** The bars of one of a workflow's sources, as read by the main thread. */
export interface SymbolBars {
  readonly symbol: string;
  readonly columns: BarColumnArrays;
}

const FIELDS = ['ts', 'open', 'high', 'low', 'close', 'volume'] as const;

/**
 * Reads a single-symbol source to the end into columns over SharedArrayBuffers, or
 * returns null as soon as it holds more than `maxRows` bars (the caller then lets each
 * thread read the file itself, in bounded memory). The source's own errors (a bad row's
 * file:row DataError) are thrown as they are. The source is closed either way.
 */
export async function readSharedColumns(source: BarSource, maxRows: number): Promise<BarColumnArrays | null> {
  // Copied as they come (a source may reuse a chunk's arrays for the next one) into
  // buffers that double, then once into exactly sized shared buffers.
  let capacity = Math.min(1 << 14, maxRows);
  let cols = grow(null, 0, capacity);
  let rows = 0;
  try {
    for await (const chunk of source.chunks()) {
      if (chunk.symbols.length !== 1)
        throw new RangeError(
          `readSharedColumns reads a single-symbol source; ${source.description} has ${chunk.symbols.length} symbols`,
        );
      const n = chunk.length;
      if (rows + n > maxRows) return null;
      if (rows + n > capacity) {
        capacity = Math.min(Math.max(capacity * 2, rows + n), maxRows);
        cols = grow(cols, rows, capacity);
      }
      for (const field of FIELDS) cols[field].set(chunk[field].subarray(0, n), rows);
      rows += n;
    }
  } finally {
    await source.close();
  }
  const shared = {} as Record<(typeof FIELDS)[number], Float64Array>;
  for (const field of FIELDS) {
    shared[field] = new Float64Array(new SharedArrayBuffer(rows * Float64Array.BYTES_PER_ELEMENT));
    shared[field].set(cols[field].subarray(0, rows));
  }
  return shared;
}

/** Columns of `capacity` rows holding the first `rows` of `from`. */
function grow(
  from: Record<(typeof FIELDS)[number], Float64Array> | null,
  rows: number,
  capacity: number,
): Record<(typeof FIELDS)[number], Float64Array> {
  const out = {} as Record<(typeof FIELDS)[number], Float64Array>;
  for (const field of FIELDS) {
    out[field] = new Float64Array(capacity);
    if (from !== null) out[field].set(from[field].subarray(0, rows));
  }
  return out;
}
