import type { ResolvedDataSource, ResolvedWorkflow } from '../config/resolved.ts';
import type { BarSource } from './bar-source.ts';
import { openBarSource, type BarSourceSpec } from './open-source.ts';
import { mergeSources } from './merge-sources.ts';
import { MemoryBarSource } from './memory-source.ts';
import { readSharedColumns, type SymbolBars } from './shared-bars.ts';

/**
 * At most this many bars (all symbols together) are read into shared memory for worker
 * threads: 2^22 bars are 192 MB of columns. A bigger range is read by each thread from
 * the file, as a single run reads it, so memory stays bounded whatever the file's size.
 */
export const MAX_SHARED_BARS = 1 << 22;

/**
 * One source for all of a workflow's bar files, filtered to its [start, end) range and
 * merged by (timestamp, symbol) when there are several.
 */
export function openWorkflowSource(wf: ResolvedWorkflow): BarSource {
  const sources = wf.sources.map((s) => openBarSource(sourceOptions(wf, s), wf.baseDir));
  return sources.length === 1 ? sources[0]! : mergeSources(sources);
}

/**
 * A workflow's bars within its range, one entry per source in `wf.sources` order, read
 * once into shared columns (data/shared-bars.ts) for worker threads to run over; null
 * when they hold more than `maxBars`. A bad row fails here as it would in a run, with the
 * same file:row DataError (under `on_bad_row: skip` it is dropped the same way).
 */
export async function readWorkflowBars(
  wf: ResolvedWorkflow,
  maxBars: number = MAX_SHARED_BARS,
): Promise<SymbolBars[] | null> {
  const out: SymbolBars[] = [];
  let left = maxBars;
  for (const s of wf.sources) {
    const columns = await readSharedColumns(openBarSource(sourceOptions(wf, s), wf.baseDir), left);
    if (columns === null) return null;
    left -= columns.ts.length;
    out.push({ symbol: s.symbol, columns });
  }
  return out;
}

/**
 * {@link openWorkflowSource} over bars already read by {@link readWorkflowBars} for the
 * same workflow and range: the same bars in the same order (merged the same way when
 * there are several sources), so the same results, without touching the file.
 */
export function sharedWorkflowSource(wf: ResolvedWorkflow, bars: readonly SymbolBars[]): BarSource {
  const sources = bars.map((b) => new MemoryBarSource(b.symbol, b.columns, wf.config.data.chunkSize));
  return sources.length === 1 ? sources[0]! : mergeSources(sources);
}

/** How `sluice run` opens one of a workflow's files: chunk size, bad-row policy, [start, end). */
export function sourceOptions(wf: ResolvedWorkflow, s: ResolvedDataSource): BarSourceSpec {
  const d = wf.config.data;
  return {
    path: s.path,
    symbol: s.symbol,
    format: s.format,
    chunkSize: d.chunkSize,
    onBadRow: d.onBadRow,
    ...(wf.start !== undefined ? { start: wf.start } : {}),
    ...(wf.end !== undefined ? { end: wf.end } : {}),
  };
}

/** The distinct bar timestamps of a workflow's data (within its range), ascending. */
export async function readTimestamps(wf: ResolvedWorkflow): Promise<number[]> {
  const source = openWorkflowSource(wf);
  const out: number[] = [];
  try {
    for await (const chunk of source.chunks()) {
      for (let i = 0; i < chunk.length; i++) {
        const ts = chunk.ts[i]!;
        if (out.length === 0 || out[out.length - 1] !== ts) out.push(ts);
      }
    }
  } finally {
    await source.close();
  }
  return out;
}
