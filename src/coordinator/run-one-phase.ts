/**
 * One phase of a workflow run, from its dependencies to its record: the dependency and
 * cancellation checks, its condition, its config (templates resolved, overlays applied),
 * the sequence run, and the phase's own outputs. Separate from the workflow loop
 * (run-composed.ts), which decides which phases run, in which order and how often, and
 * writes workflow.json: this file is what running a phase means, that one is the
 * bookkeeping around the runs.
 */
import { join } from 'node:path';
import pino from 'pino';
import { systemClock } from '../runtime/clock.ts';
import { ConfigError } from '../config/config-error.ts';
import { clonePlain } from '../config/deep-merge.ts';
import type { LoadedWorkflow } from '../topology/loaded-workflow.ts';
import { issueAt } from '../config/yaml-source.ts';
import type { PhaseStatus } from '../config/schema/workflow-pattern.ts';
import { yamlConfig } from '../config/schema/workflow.ts';
import { ProgressReporter } from '../runtime/progress.ts';
import { runSequence, type PhaseResult } from '../sequencer/run-sequence.ts';
import { ConditionError } from './conditions.ts';
import {
  explainNull,
  fullMetrics,
  notRunView,
  templateScope,
  type PhaseView,
  type ResultsState,
} from './phase-view.ts';
import { loadPhase, templateConfigError } from './load-phase.ts';
import { resolveTemplates, TemplateError } from './templates.ts';
import { stripWorkflowKeys } from './workflow-json.ts';
import type { PlannedPhase, WorkflowPlan } from './workflow-plan.ts';
import type { PhaseRecord } from './workflow-records.ts';
import type { RunComposedOptions } from './run-options.ts';

/** Where and in which iteration a phase runs, and the workflow's options. */
export interface PhaseContext {
  readonly plan: WorkflowPlan;
  readonly opts: RunComposedOptions;
  /** Folder of this iteration's phases (the workflow folder when it does not iterate). */
  readonly iterDir: string | null;
  readonly relDir: string;
  readonly iteration: number;
  readonly iterOverlay: Record<string, unknown>;
  readonly root: string;
  readonly dir: string | null;
}

/** Runs one phase: dependencies, condition, templates, config, sequence, the run, its outputs. */
export async function runOnePhase(p: PlannedPhase, state: ResultsState, ctx: PhaseContext): Promise<PhaseRecord> {
  const name = p.spec.name;
  const clock = ctx.opts.clock ?? systemClock;
  const t0 = clock.now();
  const logger = ctx.opts.logger ?? pino({ level: 'silent' });
  const log = ctx.relDir !== '' ? logger.child({ iteration: ctx.iteration }) : logger;
  const base = { name, iteration: ctx.iteration, branch: p.branch, depends_on: p.spec.dependsOn };
  let condition: PhaseRecord['condition'] = null;
  const done = (status: PhaseStatus, fullReason: string | null, extra: Partial<PhaseRecord> = {}): PhaseRecord => {
    // One line: a formatted ConfigError's first line is file:line:col, path and message.
    const reason = fullReason === null ? null : fullReason.split('\n')[0]!;
    if (status === 'skipped') log.info({ phase: name }, `phase ${name} skipped: ${reason ?? ''}`);
    else if (status === 'failed') log.error({ phase: name }, `phase ${name} failed: ${reason ?? ''}`);
    return {
      ...base,
      status,
      reason,
      condition,
      topology: null,
      sequence: null,
      dir: null,
      view: notRunView(name, status, reason),
      config: null,
      duration_ms: clock.now() - t0,
      result: undefined,
      error: undefined,
      ...extra,
    };
  };

  for (const d of p.spec.dependsOn) {
    const v = state.phases[d];
    if (v !== undefined && v.status !== 'completed')
      return done(
        'skipped',
        `depends on ${d}, which ${v.status === 'failed' ? 'failed' : `was ${v.status}`}${v.reason !== null ? ` (${v.reason})` : ''}`,
      );
  }
  if (ctx.opts.signal?.aborted === true)
    return done('cancelled', 'the workflow was cancelled before the phase started');
  if (p.condition !== undefined) {
    try {
      condition = p.condition.evaluate(state);
    } catch (err) {
      if (!(err instanceof ConditionError)) throw err;
      const error = new ConfigError(
        issueAt(p.source, [...p.at, 'condition', ...err.at], 'CONDITION', `phase '${name}': ${err.message}`, err.hint),
      );
      return done('failed', error.message, { error });
    }
    if (!condition.holds) return done('skipped', condition.reason);
  }

  // A plain config's phase was loaded by the caller: it runs as loaded.
  const prepared =
    p.loaded !== undefined
      ? { loaded: p.loaded, sequence: p.loaded.sequence }
      : await loadPhase(p, state, ctx.plan, ctx.iterOverlay);
  if ('error' in prepared) return done('failed', prepared.error.message, prepared.record);
  const { loaded, sequence } = prepared;
  const phaseConfig = stripWorkflowKeys(yamlConfig(loaded.wf.config));

  const relDir = ctx.relDir === '' ? name : `${ctx.relDir}/${name}`;
  const phaseDir = ctx.iterDir === null ? null : join(ctx.iterDir, name);
  log.info(
    {
      phase: name,
      sequence: sequence.type,
      topology: loaded.wf.topology.name,
      strategies: loaded.wf.strategies.length,
    },
    `phase ${name} started`,
  );
  let result: PhaseResult;
  const bar =
    ctx.opts.progress === true && sequence.type !== 'single_pass'
      ? new ProgressReporter({
          total: 0,
          label: name,
          clock,
          log: (line, p) => log.info({ phase: name, done: p.done, total: p.total }, `progress: ${line}`),
        })
      : undefined;
  try {
    result = await runSequence({
      progress: typeof ctx.opts.progress === 'object' ? ctx.opts.progress : bar,
      phase: name,
      loaded,
      sequence,
      phaseDir,
      logger: log,
      storeDir: ctx.dir === null ? null : join(ctx.root, '.combinations'),
      workers: ctx.opts.pool,
      ...(ctx.opts.signal !== undefined ? { signal: ctx.opts.signal } : {}),
    });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return done('failed', message, {
      error: err,
      config: phaseConfig,
      topology: loaded.wf.topology.name,
      sequence: sequence.type,
    });
  } finally {
    bar?.finish();
  }
  const failureError = result.outcome?.failure?.error;
  let view: PhaseView = {
    name,
    status: result.status,
    reason: result.reason,
    primary_metric: result.primary_metric,
    best:
      result.best === null
        ? null
        : { ...result.best, metrics: fullMetrics(result.best.metrics), strategy: strategyEntry(loaded, result.best) },
    metrics: fullMetrics(result.metrics),
    iterations: result.iterations,
    aggregate: null,
    extra: result.extra,
    outputs: {},
  };
  // The phase's own outputs, from its results (and earlier phases').
  if (p.spec.outputs !== undefined && result.status === 'completed') {
    const after: ResultsState = { ...state, phases: { ...state.phases, [name]: view } };
    try {
      view = {
        ...view,
        outputs: resolveTemplates(p.spec.outputs, templateScope(after), { explainNull: explainNull(after) }) as Record<
          string,
          unknown
        >,
      };
    } catch (err) {
      if (!(err instanceof TemplateError)) throw err;
      const error = templateConfigError(p, 'outputs', err);
      return {
        ...done('failed', error.message, { error, config: phaseConfig }),
        view: { ...view, status: 'failed', reason: error.message },
      };
    }
  }
  log.info(
    {
      phase: name,
      status: result.status,
      best: result.best?.strategy_id ?? null,
      [result.primary_metric]: result.metrics[result.primary_metric] ?? null,
    },
    `phase ${name} ${result.status}`,
  );
  return {
    ...base,
    status: result.status,
    reason: result.reason,
    condition,
    topology: loaded.wf.topology.name,
    sequence: sequence.type,
    dir: phaseDir === null ? null : relDir,
    view,
    config: phaseConfig,
    duration_ms: clock.now() - t0,
    result,
    error: failureError,
  };
}

/** Keys of a strategy entry that expand grids; a best combination's entry drops them. */
const GRID_KEYS = ['grid', 'constraint'];

/** The config entry a best book came from, with its parameters fixed to the best ones. */
function strategyEntry(
  loaded: LoadedWorkflow,
  best: { strategy_id: string; type: string; parameters: Record<string, unknown> },
): Record<string, unknown> {
  const resolved = loaded.wf.strategies.find((s) => s.key === best.strategy_id);
  const entry =
    resolved === undefined
      ? undefined
      : (loaded.wf.config.strategies[resolved.entry] as Record<string, unknown> | undefined);
  if (entry === undefined || entry['type'] !== best.type)
    return { type: best.type, params: clonePlain(best.parameters) };
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(entry)) if (!GRID_KEYS.includes(k) && v !== undefined) out[k] = clonePlain(v);
  out['params'] = clonePlain(best.parameters);
  return out;
}
