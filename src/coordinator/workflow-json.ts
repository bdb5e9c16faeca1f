/**
 * How workflow.json states the run: phases, iterations, the first error, the config
 * without its workflow-level keys.
 */
import type { IterationResultJson, ManifestPhaseJson, WorkflowManifestJson } from '../results/schema/workflow-manifest.ts';
import type { IterationRecord, PhaseRecord } from './workflow-records.ts';
import { traceSection } from '../tracing/trace-summary.ts';
import { WORKFLOW_LEVEL_KEYS } from './workflow-plan.ts';

export function stripWorkflowKeys(config: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(config)) if (!(WORKFLOW_LEVEL_KEYS as readonly string[]).includes(k)) out[k] = v;
  return out;
}

export function firstError(records: readonly PhaseRecord[]): WorkflowManifestJson['error'] {
  const failed = records.find((r) => r.status === 'failed');
  return failed === undefined ? null : { phase: failed.name, message: failed.reason };
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
    error: r.status === 'failed' && r.error !== undefined ? { kind: r.error instanceof Error ? r.error.name : typeof r.error, message: r.error instanceof Error ? r.error.message : String(r.error) } : null,
    config: r.config,
    ...traceSection(r.result?.outcome?.trace),
  };
}

export function iterationJson(it: IterationRecord): IterationResultJson {
  return {
    iteration: it.iteration,
    dir: it.dir,
    status: it.status,
    phases: it.phases.map((r) => ({ name: r.name, status: r.status, reason: r.reason, best: r.view.best, metrics: r.status === 'completed' ? r.view.metrics : null })),
    until: it.until,
    next: it.next,
    config_changes: it.config_changes,
  };
}
