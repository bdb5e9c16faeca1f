/**
 * runWorkflow, the public way to run a loaded plain config: a thin adapter that runs it
 * as a one-phase workflow through the one workflow runner and answers with that phase.
 */
import type { Clock } from '../runtime/clock.ts';
import type { Logger } from 'pino';
import type { LoadedWorkflow } from '../topology/loaded-workflow.ts';
import type { BookResult, PhaseOutcome, RunFailure, RunStatus } from '../sequencer/run-phase.ts';
import type { PhaseResult } from '../sequencer/run-sequence.ts';
import type { ProgressReporter } from '../runtime/progress.ts';
import type { ShardRunner } from '../sequencer/shard-pool.ts';
import { configPlan } from './config-plan.ts';
import { runComposedWorkflow } from './run-composed.ts';
import { phaseFailure } from './workflow-json.ts';
import type { PhaseRecord } from './workflow-records.ts';

/** Options for {@link runWorkflow}. */
export interface RunWorkflowOptions {
  /** Where progress and warnings go (default: nowhere, a silent pino logger). */
  readonly logger?: Logger;
  /** Root of results folders; default the config's `results.dir`. */
  readonly outDir?: string;
  /** Write nothing to disk (tests, embedding). */
  readonly inMemory?: boolean;
  /** Abort to cancel (Ctrl-C): results so far are kept, status 'cancelled'. */
  readonly signal?: AbortSignal;
  /** Where ids, workflow.json's start and finish stamps and durations read the time (default: the system's; tests fix it). */
  readonly clock?: Clock;
  /**
   * true: show a progress bar on stderr for sweeps and walk-forwards (drawn on a TTY;
   * off one, an info line to the logger every 5 s); or an object told of combinations and windows as they finish.
   */
  readonly progress?: boolean | Pick<ProgressReporter, 'tick' | 'setTotal'>;
  /** Worker threads for sweep shards (`--workers`); 1 or absent: this thread. */
  readonly workers?: number;
  /** Where sweep shards run instead (`--queue`: a BullMQ flow); the caller closes it. */
  readonly shardRunner?: ShardRunner;
}

/** What a run returns. */
export interface WorkflowResult {
  readonly workflowId: string;
  /** results/<workflow_id>, or null in memory. */
  readonly dir: string | null;
  readonly status: RunStatus;
  readonly failure: RunFailure | undefined;
  readonly phase: string;
  /** The last full-detail run of the phase (undefined when a sweep failed before it). */
  readonly outcome: PhaseOutcome | undefined;
  /** Books of that run ranked best first by the primary metric. */
  readonly ranking: readonly BookResult[];
  /** The phase's result: best, metrics, iterations, sequence sections. */
  readonly result: PhaseResult;
}

/**
 * Runs a loaded plain config, a one-phase workflow, through the one workflow runner
 * ({@link runComposedWorkflow} over its {@link configPlan}), and writes its results folder:
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
export async function runWorkflow(loaded: LoadedWorkflow, opts: RunWorkflowOptions = {}): Promise<WorkflowResult> {
  const run = await runComposedWorkflow(configPlan(loaded), opts);
  const record = run.phases[0]!;
  const result = record.result ?? notRunPhase(loaded, record);
  return {
    workflowId: run.workflowId,
    dir: run.dir,
    status: run.status,
    failure: phaseFailure(record),
    phase: record.name,
    outcome: result.outcome,
    ranking: result.ranking,
    result,
  };
}

/** The phase result of a phase that never got a result: its sequence threw outside any graph, or the run was cancelled before it started. */
function notRunPhase(loaded: LoadedWorkflow, record: PhaseRecord): PhaseResult {
  const { error } = record;
  return {
    phase: record.name,
    status: record.status === 'cancelled' ? 'cancelled' : 'failed',
    // The whole message (the record keeps its first line).
    reason: error === undefined ? record.reason : error instanceof Error ? error.message : String(error),
    sequence: loaded.sequence.type,
    primary_metric: loaded.wf.config.results.primaryMetric,
    best: null,
    metrics: {},
    iterations: [],
    reused: 0,
    computed: 0,
    extra: {},
    outcome: undefined,
    ranking: [],
  };
}
