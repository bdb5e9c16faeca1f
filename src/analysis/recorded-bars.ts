import type { ResolvedWorkflow } from '../config/resolved.ts';
import type { BarSource } from '../data/bar-source.ts';
import { DEFAULT_CHUNK_SIZE } from '../data/bar-source-options.ts';
import { MemoryBarSource } from '../data/memory-source.ts';
import { mergeSources } from '../data/merge-sources.ts';
import { openBarSource } from '../data/open-source.ts';
import { sourceOptions } from '../data/workflow-source.ts';

const FIELDS = ['ts', 'open', 'high', 'low', 'close', 'volume'] as const;
type Field = (typeof FIELDS)[number];

/** The bars of one of a config's data sources, read once and held in memory. */
export interface RecordedSeries {
  readonly symbol: string;
  /** Rows read (after the source's bad-row policy and the config's start/end). */
  readonly length: number;
  /** Columns of exactly `length` values; `ts` strictly increasing, epoch ms. */
  readonly columns: Readonly<Record<Field, Float64Array>>;
}

/**
 * Reads every data source of `wf` into memory with the engine's own sources and the same
 * options `sluice run` gives them (chunk size, bad-row policy, start/end), one series per
 * source in config order.
 *
 * @throws DataError for a missing or unreadable file (as `sluice run` would).
 */
export async function recordSources(wf: ResolvedWorkflow): Promise<RecordedSeries[]> {
  const out: RecordedSeries[] = [];
  for (const s of wf.sources) {
    const source = openBarSource(sourceOptions(wf, s), wf.baseDir);
    const cols = Object.fromEntries(FIELDS.map((f) => [f, new Float64Array(1024)])) as Record<Field, Float64Array>;
    let n = 0;
    try {
      for await (const chunk of source.chunks()) {
        if (n + chunk.length > cols.ts.length) {
          const size = Math.max(cols.ts.length * 2, n + chunk.length);
          for (const f of FIELDS) {
            const next = new Float64Array(size);
            next.set(cols[f].subarray(0, n));
            cols[f] = next;
          }
        }
        // A copy: a source may refill its chunk buffers on the next pull.
        for (const f of FIELDS) cols[f].set(chunk[f].subarray(0, chunk.length), n);
        n += chunk.length;
      }
    } finally {
      await source.close();
    }
    const columns = Object.fromEntries(FIELDS.map((f) => [f, cols[f].slice(0, n)])) as Record<Field, Float64Array>;
    out.push({ symbol: s.symbol, length: n, columns });
  }
  return out;
}

/** Number of rows of `ts` (increasing) with a timestamp at most `cut`. */
export function rowsUpTo(ts: Float64Array, cut: number): number {
  let lo = 0;
  let hi = ts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((ts[mid] as number) <= cut) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * A source of the recorded bars with a timestamp at most `cut` (all of them for
 * `Infinity`): one MemoryBarSource per series over views of its columns (no copying), merged
 * by the engine's own merge when there are several, so a cut run sees exactly a prefix of
 * the bars, in the order, of the full run.
 */
export function truncatedSource(
  series: readonly RecordedSeries[],
  cut: number,
  chunkSize: number = DEFAULT_CHUNK_SIZE,
): BarSource {
  const sources = series.map((s) => {
    const n = rowsUpTo(s.columns.ts, cut);
    const c = s.columns;
    return new MemoryBarSource(
      s.symbol,
      {
        ts: c.ts.subarray(0, n),
        open: c.open.subarray(0, n),
        high: c.high.subarray(0, n),
        low: c.low.subarray(0, n),
        close: c.close.subarray(0, n),
        volume: c.volume.subarray(0, n),
      },
      chunkSize,
    );
  });
  return sources.length === 1 ? sources[0]! : mergeSources(sources, { chunkSize });
}
