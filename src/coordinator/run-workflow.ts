import { join } from 'node:path';
import type { Logger } from 'pino';
import type { LoadedWorkflow } from '../config/load-workflow.ts';
import type { ResolvedWorkflow } from '../config/resolved.ts';
import type { BarSource } from '../data/bar-source.ts';
import { openBarSource } from '../data/open-source.ts';
import { mergeSources } from '../data/merge-sources.ts';
import { writeJsonAtomic } from '../results/atomic-write.ts';
import { newWorkflowId } from '../results/workflow-id.ts';
import { runPhase, type BookResult, type PhaseOutcome, type RunFailure, type RunStatus } from '../sequencer/run-phase.ts';
import { rankBooks } from '../results/rank.ts';
import { ENGINE } from '../engine-info.ts';

/** Options for {@link runWorkflow}. */
export interface RunWorkflowOptions {
  readonly logger: Logger;
  /** Root of results folders; default the config's `results.dir`. */
  readonly outDir?: string;
  /** Write nothing to disk (tests, embedding). */
  readonly inMemory?: boolean;
  /** Abort to cancel (Ctrl-C): results so far are kept, status 'cancelled'. */
  readonly signal?: AbortSignal;
  /** Fixed clock for ids and timings (tests). */
  readonly now?: () => Date;
}

/** What a run returns. */
export interface WorkflowResult {
  readonly workflowId: string;
  /** results/<workflow_id>, or null in memory. */
  readonly dir: string | null;
  readonly status: RunStatus;
  readonly failure: RunFailure | undefined;
  readonly phase: string;
  readonly outcome: PhaseOutcome;
  /** Books ranked best first by the primary metric. */
  readonly ranking: readonly BookResult[];
}

/**
 * Runs a loaded workflow (today: one phase) and writes its results folder:
 *
 * ```
 * results/<workflow_id>/workflow.json                  status, config, versions, timings
 * results/<workflow_id>/<phase>/phase_summary.json      status, data, best book and its metrics
 * results/<workflow_id>/<phase>/aggregate_results.json  every book's metrics, ranked
 * results/<workflow_id>/<phase>/trades.ndjson           every trade, streamed
 * results/<workflow_id>/<phase>/containers/<id>_results.json
 * ```
 *
 * workflow.json is written first with status "running", so even a killed run leaves a
 * trace; every file is written atomically. A failed run still writes everything it has,
 * marked `"status": "failed"` with the error.
 */
export async function runWorkflow(loaded: LoadedWorkflow, opts: RunWorkflowOptions): Promise<WorkflowResult> {
  const { wf, plan } = loaded;
  const now = opts.now ?? (() => new Date());
  const started = now();
  const workflowId = newWorkflowId(wf.config.name, started);
  const dir = opts.inMemory === true ? null : join(opts.outDir ?? wf.config.results.dir, workflowId);
  const phaseDir = dir === null ? null : join(dir, wf.phase);
  const manifest = (status: string, extra: Record<string, unknown> = {}) => ({
    workflow_id: workflowId,
    name: wf.config.name,
    status,
    config_file: wf.file,
    topology_file: wf.topologyFile,
    engine: ENGINE,
    started_at: started.toISOString(),
    ...extra,
    phases: [{ name: wf.phase, topology: wf.topology.name, status }],
    config: wf.config,
  });
  if (dir !== null) await writeJsonAtomic(join(dir, 'workflow.json'), manifest('running'));
  opts.logger.info({ workflow_id: workflowId, phase: wf.phase, strategies: wf.strategies.length }, 'run started');

  const outcome = await runPhase({
    wf,
    plan,
    source: openSource(wf),
    phaseDir,
    logger: opts.logger,
    ...(opts.signal !== undefined ? { signal: opts.signal } : {}),
  });
  const primary = wf.config.results.primary_metric;
  let ranking = rankBooks(outcome.books, primary);
  if (!wf.config.results.store_full_results) {
    // Only the best book keeps its series in the returned result; the rest, summaries.
    ranking = ranking.map((b, i) => (i === 0 ? b : { ...b, trades: undefined, equity: undefined }));
  }

  if (phaseDir !== null && dir !== null) {
    const error = describeFailure(outcome.failure);
    for (const [id, r] of outcome.containers) await writeJsonAtomic(join(phaseDir, 'containers', `${id}_results.json`), r);
    await writeJsonAtomic(join(phaseDir, 'aggregate_results.json'), {
      phase: wf.phase,
      status: outcome.status,
      primary_metric: primary,
      ranking: ranking.map((b) => b.key),
      iterations: outcome.books.map(bookJson),
    });
    await writeJsonAtomic(join(phaseDir, 'phase_summary.json'), {
      phase: wf.phase,
      topology: wf.topology.name,
      status: outcome.status,
      error,
      data: dataJson(wf, outcome),
      primary_metric: primary,
      strategies: wf.strategies.length,
      best: ranking[0] !== undefined ? bookJson(ranking[0]) : null,
      files: [...outcome.files, 'aggregate_results.json', ...[...outcome.containers.keys()].map((id) => `containers/${id}_results.json`)],
    });
    const finished = now();
    await writeJsonAtomic(
      join(dir, 'workflow.json'),
      manifest(outcome.status, { finished_at: finished.toISOString(), duration_ms: finished.getTime() - started.getTime(), error }),
    );
  }
  opts.logger.info({ workflow_id: workflowId, status: outcome.status, bars: outcome.bars }, 'run finished');
  return { workflowId, dir, status: outcome.status, failure: outcome.failure, phase: wf.phase, outcome, ranking };
}

/** One source for all the workflow's files, merged by (timestamp, symbol) when there are several. */
function openSource(wf: ResolvedWorkflow): BarSource {
  const d = wf.config.data;
  const sources = wf.sources.map((s) =>
    openBarSource(
      {
        path: s.path,
        symbol: s.symbol,
        format: s.format,
        chunkSize: d.chunk_size,
        onBadRow: d.on_bad_row,
        ...(wf.start !== undefined ? { start: wf.start } : {}),
        ...(wf.end !== undefined ? { end: wf.end } : {}),
      },
      wf.baseDir,
    ),
  );
  return sources.length === 1 ? sources[0]! : mergeSources(sources);
}

function bookJson(b: BookResult): Record<string, unknown> {
  return { strategy_id: b.key, type: b.type, params: b.params, metrics: b.metrics };
}

function dataJson(wf: ResolvedWorkflow, outcome: PhaseOutcome): Record<string, unknown> {
  const s = outcome.source;
  return {
    sources: wf.sources.map((x) => ({ symbol: x.symbol, file: x.path, format: x.format })),
    timeframe: wf.config.data.timeframe,
    calendar: wf.config.data.calendar,
    bars: outcome.bars,
    rows_read: s.rows,
    rows_skipped: s.skipped,
    skip_notes: s.notes,
    first: s.firstTs === null ? null : new Date(s.firstTs).toISOString(),
    last: s.lastTs === null ? null : new Date(s.lastTs).toISOString(),
  };
}

/** A failure as the results files state it. */
export function describeFailure(f: RunFailure | undefined): Record<string, unknown> | null {
  if (f === undefined) return null;
  const err = f.error;
  return {
    step: f.step,
    container: f.container ?? null,
    kind: err instanceof Error ? err.name : typeof err,
    message: err instanceof Error ? err.message : String(err),
  };
}
