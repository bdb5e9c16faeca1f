/**
 * workflow.json: the one builder and writer of it for every run of the one workflow
 * runner (run-composed.ts), a plain config (a one-phase workflow, runWorkflow) and a
 * multi-phase workflow alike. The head (id, name, status, files, engine, plugins, start,
 * owner) and the tail (the config) are the same; between them a plain config states its
 * phase briefly ({@link plainPhaseJson}), a multi-phase workflow its phases in full
 * ({@link phaseJson}) with iterations, branches and outputs.
 */
import { join } from 'node:path';
import type { Logger } from 'pino';
import { ENGINE } from '../engine-info.ts';
import { writeJsonAtomic } from '../files/atomic-write.ts';
import { describeFailure } from '../results/phase-writer.ts';
import type { RunFailure } from '../sequencer/run-phase.ts';
import { cleanStaleTemps, runOwner } from '../results/run-liveness.ts';
import type {
  IterationResultJson,
  ManifestPhaseJson,
  WorkflowManifestJson,
} from '../results/schema/workflow-manifest.ts';
import type { IterationRecord, PhaseRecord } from './workflow-records.ts';
import { traceSection } from '../tracing/trace-summary.ts';
import { WORKFLOW_LEVEL_KEYS } from './workflow-plan.ts';

/** What a run is, at the head of workflow.json (and its config, at the end). */
export interface WorkflowIdentity {
  readonly workflowId: string;
  readonly name: string;
  /** A multi-phase workflow: its pattern, pattern file and module (null for an inline one). */
  readonly workflow?: {
    readonly workflow: string | null;
    readonly workflow_file: string | null;
    readonly workflow_module: string | null;
  };
  readonly configFile: string;
  /** A plain config: the file its topology came from. */
  readonly topologyFile?: string;
  readonly plugins: readonly Record<string, unknown>[];
  readonly started: Date;
  readonly config: unknown;
}

/**
 * workflow.json of a run in `status`: `sections` are what the runner states of its phases,
 * `extra` the end of a run (finished_at, duration_ms, error).
 */
export function workflowJson(
  id: WorkflowIdentity,
  status: string,
  sections: Record<string, unknown>,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    workflow_id: id.workflowId,
    name: id.name,
    status,
    ...(id.workflow ?? {}),
    config_file: id.configFile,
    ...(id.topologyFile !== undefined ? { topology_file: id.topologyFile } : {}),
    engine: ENGINE,
    plugins: id.plugins,
    started_at: id.started.toISOString(),
    ...runOwner(),
    ...extra,
    ...sections,
    config: id.config,
  };
}

/** How a run ended, for {@link workflowJson}'s `extra`. */
export function finishedJson(
  started: Date,
  finished: Date,
  error: Record<string, unknown> | null | undefined,
): Record<string, unknown> {
  // An unknown error is written as null, never left out: the key is always there.
  return {
    finished_at: finished.toISOString(),
    duration_ms: finished.getTime() - started.getTime(),
    error: error ?? null,
  };
}

/**
 * Writes `<dir>/workflow.json` (atomically, one write after the other: a runner rewrites
 * it after every phase); with `dir` null, nothing. Opening it removes the temporary files
 * killed runs left under `root`.
 */
export class WorkflowJsonWriter {
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly dir: string | null,
    private readonly id: WorkflowIdentity,
  ) {}

  static open(root: string, dir: string | null, id: WorkflowIdentity, logger: Logger): WorkflowJsonWriter {
    if (dir !== null) {
      const stale = cleanStaleTemps(root);
      if (stale.length > 0)
        logger.info({ removed: stale }, `removed ${stale.length} temporary file(s) left by killed runs`);
    }
    return new WorkflowJsonWriter(dir, id);
  }

  /** Writes the file as of now; resolves when this write (and every earlier one) is done. */
  save(status: string, sections: Record<string, unknown>, extra?: Record<string, unknown>): Promise<void> {
    const dir = this.dir;
    if (dir === null) return this.writing;
    const body = workflowJson(this.id, status, sections, extra);
    this.writing = this.writing.then(() => writeJsonAtomic(join(dir, 'workflow.json'), body));
    return this.writing;
  }
}

export function stripWorkflowKeys(config: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(config)) if (!(WORKFLOW_LEVEL_KEYS as readonly string[]).includes(k)) out[k] = v;
  return out;
}

export function firstError(records: readonly PhaseRecord[]): WorkflowManifestJson['error'] {
  const failed = records.find((r) => r.status === 'failed');
  return failed === undefined ? null : { phase: failed.name, message: failed.reason };
}

/**
 * What went wrong in a phase that ran, as the lifecycle reports it: the failure its run
 * recorded, or, when the sequence threw outside any graph (reading the timestamps a
 * walk-forward needs, say), that error at the execute step.
 */
export function phaseFailure(r: PhaseRecord): RunFailure | undefined {
  const recorded = r.result?.outcome?.failure;
  if (recorded !== undefined) return recorded;
  return r.status === 'failed' && r.result === undefined && r.error !== undefined
    ? { step: 'execute', container: undefined, error: r.error }
    : undefined;
}

/**
 * A plain config's one phase as its workflow.json lists it: name, topology, status
 * ("running" until it has a record; a skipped sequence counts as completed) and, once it
 * ran traced, its trace summary.
 */
export function plainPhaseJson(name: string, topology: string, r: PhaseRecord | undefined): ManifestPhaseJson {
  const status = r === undefined ? 'running' : r.status === 'skipped' ? 'completed' : r.status;
  return { name, topology, status, ...traceSection(r?.result?.outcome?.trace) };
}

/** workflow.json's `error` of a plain config: its phase's failure, else the reason it did not complete. */
export function plainErrorJson(r: PhaseRecord | undefined): WorkflowManifestJson['error'] {
  if (r === undefined) return null;
  return describeFailure(phaseFailure(r)) ?? (r.reason === null ? null : { message: r.reason });
}

/** A phase as workflow.json lists it. */
export function phaseJson(r: PhaseRecord): ManifestPhaseJson {
  return {
    name: r.name,
    ...(r.branch !== null ? { branch: r.branch } : {}),
    status: r.status,
    reason: r.reason,
    depends_on: [...r.depends_on],
    condition: r.condition,
    topology: r.topology,
    sequence: r.sequence,
    dir: r.dir,
    primary_metric: r.view.primary_metric,
    best: r.view.best,
    metrics: r.status === 'completed' ? r.view.metrics : null,
    outputs: r.view.outputs,
    duration_ms: r.duration_ms,
    error:
      r.status === 'failed' && r.error !== undefined
        ? {
            kind: r.error instanceof Error ? r.error.name : typeof r.error,
            message: r.error instanceof Error ? r.error.message : String(r.error),
          }
        : null,
    config: r.config,
    ...traceSection(r.result?.outcome?.trace),
  };
}

export function iterationJson(it: IterationRecord): IterationResultJson {
  return {
    iteration: it.iteration,
    dir: it.dir,
    status: it.status,
    phases: it.phases.map((r) => ({
      name: r.name,
      status: r.status,
      reason: r.reason,
      best: r.view.best,
      metrics: r.status === 'completed' ? r.view.metrics : null,
    })),
    until: it.until,
    next: it.next,
    config_changes: it.config_changes,
  };
}
