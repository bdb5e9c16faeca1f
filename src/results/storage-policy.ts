/**
 * Where a run's series (trades, equity points, signal rows) go under `results.storage`:
 *
 * - `memory`: every point in memory, trades.ndjson on disk, no equity.ndjson;
 * - `disk`: streamed to trades.ndjson and equity.ndjson, nothing kept in memory;
 * - `hybrid`: streamed to both files, and the first `hybrid_max_points` kept in memory.
 */
import type { ResolvedWorkflow } from '../config/resolved.ts';

type ResultsConfig = ResolvedWorkflow['config']['results'];

/** Points of a series kept in memory per book (0: none, Infinity: all). */
export function keepInMemory(results: ResultsConfig): number {
  return results.storage === 'memory' ? Infinity : results.storage === 'hybrid' ? results.hybridMaxPoints : 0;
}

/** Whether a book's series are handed back in memory at all (the run's result). */
export function keepsSeriesInMemory(results: ResultsConfig): boolean {
  return results.storage !== 'disk';
}

/** Whether equity points are streamed to equity.ndjson. */
export function writesEquityFile(results: ResultsConfig): boolean {
  return results.storage !== 'memory';
}
