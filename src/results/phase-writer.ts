/**
 * The phase writer: the one place that writes the summary files of a phase (or of one
 * iteration, variant or window of it). Every sequence kind hands its books or iterations
 * here instead of writing files itself:
 *
 * ```
 * <dir>/phase_summary.json      status, data, best book and its metrics, sequence details
 * <dir>/aggregate_results.json  every book's (or iteration's) metrics, ranked
 * <dir>/containers/<id>_results.json
 * <dir>/<series>.ndjson         series a sequence computed itself (walk-forward's stitched curve)
 * ```
 * (trades.ndjson and equity.ndjson are streamed while the graph runs, by the book fold.)
 * Every file is written atomically.
 */
import { join } from 'node:path';
import type { z } from 'zod';
import type { ResolvedWorkflow } from '../config/resolved.ts';
import { writeJsonAtomic } from '../files/atomic-write.ts';
import { NdjsonWriter } from '../files/ndjson-writer.ts';
import type { AggregateResultsSchema } from './schema/aggregate-results.ts';
import type { BookSummarySchema } from './schema/book.ts';
import type { DataSectionSchema, FailureSchema, PhaseSummarySchema } from './schema/phase-summary.ts';
import type { BookResult, PhaseOutcome, RunFailure } from './phase-outcome.ts';
import { optimismWarnings } from '../config/optimism.ts';
import { traceSection, type TraceSummary } from '../tracing/trace-summary.ts';
import type { RecordsSummary } from '../tracing/container-recorder.ts';

/** A book as result files list it (src/results/schema/book.ts). */
export type BookSummary = z.input<typeof BookSummarySchema>;

export function bookSummary(b: BookResult): BookSummary {
  return { strategy_id: b.key, type: b.type, params: b.params, metrics: b.metrics };
}

/** What the data of a run was, for phase_summary.json. */
export function dataJson(wf: ResolvedWorkflow, outcome: PhaseOutcome): z.input<typeof DataSectionSchema> {
  const s = outcome.source;
  return {
    sources: wf.sources.map((x) => ({ symbol: x.symbol, file: x.path, format: x.format })),
    timeframe: wf.config.data.timeframe,
    calendar: wf.config.data.calendar,
    bars: outcome.bars,
    rows_read: s.rows,
    rows_skipped: s.skipped,
    skip_notes: [...s.notes],
    first: s.firstTs === null ? null : new Date(s.firstTs).toISOString(),
    last: s.lastTs === null ? null : new Date(s.lastTs).toISOString(),
    trade_from: wf.tradeFrom === undefined ? null : new Date(wf.tradeFrom).toISOString(),
    ...(outcome.annualization !== undefined
      ? { annualization: { ...outcome.annualization, used: wf.dataBarsPerYear !== undefined ? 'data' : 'timeframe' } }
      : {}),
  };
}

/**
 * What a phase's results should be read with: optimistic settings (`optimismWarnings`)
 * and an annualization the data disagrees with by more than 1 % (docs/metrics.md).
 * Logged by the caller and recorded in phase_summary.json as `warnings`.
 */
export function phaseWarnings(wf: ResolvedWorkflow, outcome: PhaseOutcome | undefined): string[] {
  const out = optimismWarnings(wf.config);
  // With metrics.annualization: data the metrics already use the data's figure.
  const annualization = wf.dataBarsPerYear === undefined ? outcome?.annualization?.warning : undefined;
  if (annualization !== undefined && annualization !== null) out.push(annualization);
  return out;
}

/** A failure as the results files state it. */
export function describeFailure(f: RunFailure | undefined): z.input<typeof FailureSchema> | null {
  if (f === undefined) return null;
  const err = f.error;
  return {
    step: f.step,
    container: f.container ?? null,
    kind: err instanceof Error ? err.name : typeof err,
    message: err instanceof Error ? err.message : String(err),
  };
}

/** What a phase lists: its books, ranked (single pass, sweep, variants), or iterations of its own (walk-forward windows). */
export type PhaseRows =
  | {
      /** Every book, in declaration order. */
      readonly books: readonly BookSummary[];
      /** Ranked best first. */
      readonly ranking: readonly BookSummary[];
    }
  | {
      /** One row per iteration (window), in order; not ranked. */
      readonly iterations: z.input<typeof AggregateResultsSchema>['iterations'];
    };

/** A series a sequence computed itself, written as `<dir>/<file>` one row a line. */
export interface PhaseSeries {
  readonly file: string;
  readonly rows: Iterable<Record<string, unknown>>;
}

/** Everything {@link writePhaseFiles} writes. */
export interface PhaseFiles {
  readonly phase: string;
  readonly topology: string;
  readonly sequence: string;
  readonly status: z.input<typeof PhaseSummarySchema>['status'];
  readonly error: z.input<typeof FailureSchema> | null;
  /**
   * What the data of the run was (`dataJson`); absent when the phase ran no graph of its
   * own (walk-forward: each window says it).
   */
  readonly data?: z.input<typeof DataSectionSchema> | null;
  readonly primary_metric: string;
  readonly rows: PhaseRows;
  readonly best: z.input<typeof PhaseSummarySchema>['best'];
  /** Files the run itself wrote in `dir` (trades.ndjson…), relative to it. */
  readonly files: readonly string[];
  readonly containers: ReadonlyMap<string, Record<string, unknown>>;
  /** Sequence-specific sections (walk-forward windows, Monte Carlo intervals…). */
  readonly extra: Record<string, unknown>;
  /** `phaseWarnings`: written as `warnings` when there is any. */
  readonly warnings?: readonly string[];
  /** The run's trace summary: written as `trace` when the phase was traced. */
  readonly trace?: TraceSummary | undefined;
  /** What its `record` behaviors wrote: written as `records` when some container was recorded. */
  readonly records?: RecordsSummary | undefined;
  /** Series written here (before the summaries), listed first in `files`. */
  readonly series?: readonly PhaseSeries[];
  /** Sub-folders the phase wrote (walk-forward's `windows/<n>/`), listed last in `files`. */
  readonly folders?: readonly string[];
}

export async function writePhaseFiles(dir: string, f: PhaseFiles): Promise<void> {
  for (const s of f.series ?? []) {
    const writer = await NdjsonWriter.open(join(dir, s.file));
    // write() serializes: handing it a ready-made line would store each row as a JSON string.
    for (const row of s.rows) writer.write(row);
    await writer.commit();
  }
  for (const [id, r] of f.containers) await writeJsonAtomic(join(dir, 'containers', `${id}_results.json`), r);
  const rows = f.rows;
  const aggregate: z.input<typeof AggregateResultsSchema> = {
    phase: f.phase,
    status: f.status,
    primary_metric: f.primary_metric,
    ...('books' in rows
      ? { ranking: rows.ranking.map((b) => b.strategy_id), iterations: [...rows.books] }
      : { iterations: rows.iterations }),
  };
  await writeJsonAtomic(join(dir, 'aggregate_results.json'), aggregate);
  const summary: z.input<typeof PhaseSummarySchema> = {
    phase: f.phase,
    topology: f.topology,
    sequence: f.sequence,
    status: f.status,
    error: f.error,
    ...(f.warnings !== undefined && f.warnings.length > 0 ? { warnings: [...f.warnings] } : {}),
    ...(f.data !== undefined ? { data: f.data } : {}),
    primary_metric: f.primary_metric,
    ...('books' in rows ? { strategies: rows.books.length } : {}),
    best: f.best,
    ...f.extra,
    ...traceSection(f.trace),
    // Only with a `record` behavior: other runs' summaries keep their exact shape.
    ...(f.records !== undefined ? { records: f.records } : {}),
    files: [
      ...(f.series ?? []).map((s) => s.file),
      ...f.files,
      'aggregate_results.json',
      ...[...f.containers.keys()].map((id) => `containers/${id}_results.json`),
      ...(f.folders ?? []),
    ],
  };
  await writeJsonAtomic(join(dir, 'phase_summary.json'), summary);
}
