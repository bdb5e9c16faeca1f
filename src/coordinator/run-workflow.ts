import { join } from 'node:path';
import { systemClock, type Clock } from '../runtime/clock.ts';
import pino, { type Logger } from 'pino';
import type { LoadedWorkflow } from '../topology/loaded-workflow.ts';
import type { ResolvedWorkflow } from '../config/resolved.ts';
import { newWorkflowId } from '../results/workflow-id.ts';
import type { BookResult, PhaseOutcome, RunFailure, RunStatus } from '../sequencer/run-phase.ts';
import { runSequence, type PhaseResult } from '../sequencer/run-sequence.ts';
import { ProgressReporter } from '../runtime/progress.ts';
import { describeFailure } from '../results/phase-writer.ts';
import { shardPool, type ShardRunner } from '../sequencer/shard-pool.ts';
import { pluginsJson } from '../plugins/load-plugins.ts';
import { traceSection, type TraceSummary } from '../tracing/trace-summary.ts';
import { finishedJson, WorkflowJsonWriter } from './workflow-json.ts';
import { yamlConfig } from '../config/schema/workflow.ts';

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
  const { wf } = loaded;
  const logger = opts.logger ?? pino({ level: 'silent' });
  // Resolved and checked when the config was loaded: a mistake in it never gets this far.
  const { sequence } = loaded;
  const clock = opts.clock ?? systemClock;
  const now = (): Date => new Date(clock.now());
  const started = now();
  const workflowId = newWorkflowId(wf.config.name, started);
  const dir = opts.inMemory === true ? null : join(opts.outDir ?? wf.config.results.dir, workflowId);
  const phaseDir = dir === null ? null : join(dir, wf.phase);
  // A plain config is a one-phase workflow: the same workflow.json, its phase stated briefly.
  const json = WorkflowJsonWriter.open(opts.outDir ?? wf.config.results.dir, dir, {
    workflowId,
    name: wf.config.name,
    configFile: wf.file,
    topologyFile: wf.topologyFile,
    plugins: pluginsJson(wf.plugins),
    started,
    config: yamlConfig(wf.config),
  }, logger);
  // `trace`: the phase's trace summary once it ran traced (absent otherwise: the file keeps its shape).
  const phases = (status: string, trace?: TraceSummary): Record<string, unknown> => ({ phases: [{ name: wf.phase, topology: wf.topology.name, status, ...traceSection(trace) }] });
  await json.save('running', phases('running'));
  logger.info({ workflow_id: workflowId, phase: wf.phase, strategies: wf.strategies.length }, 'run started');

  let result: PhaseResult;
  let thrown: RunFailure | undefined;
  const bar = opts.progress === true && sequence.type !== 'single_pass' ? new ProgressReporter({ total: 0, label: wf.phase, unit: 'it', clock, log: (line, p) => logger.info({ phase: wf.phase, done: p.done, total: p.total }, `progress: ${line}`) }) : undefined;
  const progress = typeof opts.progress === 'object' ? opts.progress : bar;
  const pool = opts.shardRunner === undefined && (opts.workers ?? 1) > 1 ? shardPool(opts.workers!) : undefined;
  const workers = opts.shardRunner ?? pool;
  try {
    result = await runSequence({
      workers,
      phase: wf.phase,
      loaded,
      sequence,
      phaseDir,
      logger,
      storeDir: dir === null ? null : join(opts.outDir ?? wf.config.results.dir, '.combinations'),
      progress,
      ...(opts.signal !== undefined ? { signal: opts.signal } : {}),
    });
  } catch (err) {
    // A failure outside any graph (reading the timestamps a walk-forward needs, say):
    // the run still ends as failed, with its workflow.json saying so.
    thrown = { step: 'execute', container: undefined, error: err };
    result = failedPhase(wf, sequence.type, err);
  } finally {
    bar?.finish();
    await pool?.close();
  }
  const outcome = result.outcome;
  const status = result.status === 'skipped' ? 'completed' : result.status;
  const error = describeFailure(thrown ?? outcome?.failure) ?? (result.reason === null ? null : { message: result.reason });
  await json.save(status, phases(status, outcome?.trace), finishedJson(started, now(), error));
  logger.info({ workflow_id: workflowId, status, bars: outcome?.bars ?? 0 }, 'run finished');
  return { workflowId, dir, status, failure: thrown ?? outcome?.failure, phase: wf.phase, outcome, ranking: result.ranking, result };
}

function failedPhase(wf: ResolvedWorkflow, sequence: PhaseResult['sequence'], err: unknown): PhaseResult {
  return {
    phase: wf.phase,
    status: 'failed',
    reason: err instanceof Error ? err.message : String(err),
    sequence,
    primary_metric: wf.config.results.primaryMetric,
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
