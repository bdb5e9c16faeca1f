import type { ResolvedDataSource, ResolvedWorkflow } from '../config/resolved.ts';
import type { BarSource } from './bar-source.ts';
import { openBarSource, type BarSourceSpec } from './open-source.ts';
import { mergeSources } from './merge-sources.ts';

/**
 * One source for all of a workflow's bar files, filtered to its [start, end) range and
 * merged by (timestamp, symbol) when there are several.
 */
export function openWorkflowSource(wf: ResolvedWorkflow): BarSource {
  const sources = wf.sources.map((s) => openBarSource(sourceOptions(wf, s), wf.baseDir));
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
