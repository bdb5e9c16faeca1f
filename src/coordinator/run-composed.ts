/**
 * The one workflow runner. A plain config is a one-phase workflow (config-plan.ts,
 * runWorkflow); a multi-phase one (workflow-plan.ts) adds phases in dependency order
 * (independent ones side by side, results in a fixed order), conditions, skip
 * propagation, branches, iteration of the whole workflow, and outputs. Each phase runs
 * through the sequencer ({@link runSequence}), which writes the phase's own files; this
 * module writes `workflow.json` and the output files:
 *
 * ```
 * results/<workflow_id>/workflow.json          status, resolved configs, phases, iteration/branch results, outputs
 * results/<workflow_id>/<phase>/…              per phase (phase_summary.json, aggregate_results.json, …)
 * results/<workflow_id>/iterations/<n>/<phase>/…  instead, when the workflow iterates (n from 1)
 * results/<workflow_id>/<output files>
 * ```
 */
import { join } from 'node:path';
import { systemClock, type Clock } from '../runtime/clock.ts';
import pino, { type Logger } from 'pino';
import { ConfigError } from '../config/config-error.ts';
import { clonePlain, deepMerge, isPlainObject } from '../config/deep-merge.ts';
import { overlay as overlayConfig } from '../config/overlay.ts';
import type { LoadedWorkflow } from '../topology/loaded-workflow.ts';
import { issueAt } from '../config/yaml-source.ts';
import type { PhaseStatus } from '../config/schema/workflow-pattern.ts';
import { yamlConfig } from '../config/schema/workflow.ts';
import { writeFileAtomic } from '../files/atomic-write.ts';
import { newWorkflowId } from '../results/workflow-id.ts';
import { shardPool, type ShardRunner } from '../sequencer/shard-pool.ts';
import { ProgressReporter } from '../runtime/progress.ts';
import { runSequence, type PhaseResult } from '../sequencer/run-sequence.ts';
import { loadedPlugins, pluginsJson } from '../plugins/load-plugins.ts';
import { ConditionError } from './conditions.ts';
import { workflowResults, type WorkflowResults } from './composable.ts';
import { runInOrder } from './phase-graph.ts';
import {
  explainNull,
  fullMetrics,
  notRunView,
  templateScope,
  withPhaseView,
  type PhaseView,
  type ResultsState,
} from './phase-view.ts';
import { loadPhase, templateConfigError } from './load-phase.ts';
import { resolveTemplates, TemplateError } from './templates.ts';
import { evaluateResultsExpression } from './conditions.ts';
import { resolveOutputs } from './workflow-outputs.ts';
import {
  finishedJson,
  firstError,
  iterationJson,
  phaseJson,
  plainErrorJson,
  plainPhaseJson,
  stripWorkflowKeys,
  WorkflowJsonWriter,
  type WorkflowIdentity,
} from './workflow-json.ts';
import type { PlannedBranch, PlannedPhase, WorkflowPlan } from './workflow-plan.ts';
import type { BranchRecord, IterationRecord, PhaseRecord } from './workflow-records.ts';

export type { BranchRecord, IterationRecord, PhaseRecord } from './workflow-records.ts';

/** Phases of one group that may run at the same time. */
export const PHASE_CONCURRENCY = 2;
/** Iterations when a workflow module decides (`shouldContinue`) and the YAML gives no `iteration`. */
export const DEFAULT_MAX_ITERATIONS = 10;

/** Options of {@link runComposedWorkflow}. */
export interface RunComposedOptions {
  /** Where progress and warnings go (default: nowhere, a silent pino logger). */
  readonly logger?: Logger;
  /** Root of results folders; default the config's `results.dir`. */
  readonly outDir?: string;
  /** Write nothing to disk. */
  readonly inMemory?: boolean;
  /** Abort to cancel: the running phase stops, later ones are recorded cancelled. */
  readonly signal?: AbortSignal;
  /** Where ids, workflow.json's start and finish stamps and durations read the time (default: the system's; tests fix it). */
  readonly clock?: Clock;
  /** Phases of one group run side by side (default {@link PHASE_CONCURRENCY}); 1 runs them one by one. */
  readonly concurrency?: number;
  /** Worker threads for sweep shards (`--workers`); 1 or absent: this thread. */
  readonly workers?: number;
  /** Where sweep shards run instead (`--queue`: a BullMQ flow); the caller closes it. */
  readonly shardRunner?: ShardRunner;
  /**
   * true: a progress bar per sweep or walk-forward phase on stderr (drawn on a TTY; off
   * one, an info line to the logger every 5 s); or an object told of combinations and
   * windows as they finish.
   */
  readonly progress?: boolean | Pick<ProgressReporter, 'tick' | 'setTotal'>;
  /** The pool those threads are in (set by runComposedWorkflow). */
  readonly pool?: ShardRunner | undefined;
}

/** What a multi-phase run returns. */
export interface ComposedWorkflowResult {
  readonly workflowId: string;
  /** results/<workflow_id>, or null in memory. */
  readonly dir: string | null;
  readonly status: 'completed' | 'failed' | 'cancelled';
  /** The phases of the last iteration, main phases then branch phases, in run order. */
  readonly phases: readonly PhaseRecord[];
  readonly iterations: readonly IterationRecord[];
  readonly branches: readonly BranchRecord[];
  readonly outputs: Record<string, unknown>;
  /** Outputs that could not be resolved (their value is null), with the reason. */
  readonly outputErrors: Record<string, string>;
  /** Output files, relative to the results folder, with what was (or would be) written. */
  readonly files: readonly { readonly path: string; readonly content: string }[];
}

/**
 * Runs a planned workflow (a plain config's one-phase plan too) and writes its results
 * folder. Never throws for a phase's problem (a bad template, a config error in a phase
 * overlay, a failing run): the phase is recorded failed with the error, phases that depend
 * on it are skipped, and the workflow's status is failed.
 */
export async function runComposedWorkflow(
  plan: WorkflowPlan,
  opts: RunComposedOptions,
): Promise<ComposedWorkflowResult> {
  const own = opts.shardRunner === undefined && (opts.workers ?? 1) > 1 ? shardPool(opts.workers!) : undefined;
  try {
    return await runPhases(plan, { ...opts, pool: opts.shardRunner ?? own });
  } finally {
    await own?.close();
  }
}

async function runPhases(plan: WorkflowPlan, opts: RunComposedOptions): Promise<ComposedWorkflowResult> {
  const config = plan.base.wf.config;
  const clock = opts.clock ?? systemClock;
  const now = (): Date => new Date(clock.now());
  const started = now();
  const workflowId = newWorkflowId(config.name, started);
  const root = opts.outDir ?? config.results.dir;
  const dir = opts.inMemory === true ? null : join(root, workflowId);
  const iterated = plan.iteration !== undefined || plan.module?.workflow.shouldContinue !== undefined;
  const maxIterations = plan.iteration?.spec.maxIterations ?? (iterated ? DEFAULT_MAX_ITERATIONS : 1);
  const log = opts.logger ?? pino({ level: 'silent' });

  const iterations: IterationRecord[] = [];
  const branchRecords: BranchRecord[] = [];
  let current: PhaseRecord[] = [];
  let outputs: Record<string, unknown> = {};
  let outputErrors: Record<string, string> = {};

  // A plain config's phase loaded the config's plugins; every phase of a multi-phase
  // workflow loaded its plugins while the plan was made: the process's list is theirs.
  const plugins = pluginsJson(plan.plainConfig ? plan.base.wf.plugins : await loadedPlugins());
  const identity: WorkflowIdentity = {
    workflowId,
    name: config.name,
    configFile: plan.file,
    plugins,
    started,
    config: yamlConfig(config),
  };
  // workflow.json is rewritten after every phase (the writer puts its writes one after the other).
  const json = WorkflowJsonWriter.open(
    root,
    dir,
    plan.plainConfig
      ? { ...identity, topologyFile: plan.base.wf.topologyFile }
      : {
          ...identity,
          workflow: {
            workflow: plan.pattern?.name ?? null,
            workflow_file: plan.pattern?.file ?? null,
            workflow_module: plan.module?.path ?? null,
          },
        },
    log,
  );
  const save = (status: string, extra?: Record<string, unknown>): Promise<void> =>
    json.save(
      status,
      plan.plainConfig
        ? // Its one phase, "running" from the start, as a plain config's workflow.json always stated it.
          {
            phases: plan.phases.map((p) =>
              plainPhaseJson(
                p.spec.name,
                p.loaded?.wf.topology.name ?? plan.base.wf.topology.name,
                current.find((r) => r.name === p.spec.name),
              ),
            ),
          }
        : {
            params: plan.params,
            phases: current.map(phaseJson),
            iteration_results: iterated ? iterations.map(iterationJson) : [],
            branch_results: branchRecords.map((b) => ({ ...b, phases: [...b.phases] })),
            outputs,
            output_errors: outputErrors,
          },
      extra,
    );
  await save('running');
  log.info(
    {
      workflow_id: workflowId,
      ...(plan.plainConfig ? {} : { workflow: plan.pattern?.name ?? 'inline' }),
      phases: plan.allPhases,
    },
    'run started',
  );

  let iterOverlay: Record<string, unknown> = {};
  const history: { iteration: number; phases: Record<string, PhaseView> }[] = [];
  // Templates and expressions read the config as the YAML names it (`config.portfolio.initial_cash`).
  const configView = yamlConfig(config) as Record<string, unknown>;
  let state: ResultsState = { phases: {}, params: plan.params, config: configView, iteration: 1 };
  let status: ComposedWorkflowResult['status'] = 'completed';

  try {
    for (let n = 1; n <= maxIterations; n++) {
      const iterDir = dir === null ? null : iterated ? join(dir, 'iterations', String(n)) : dir;
      const relDir = iterated ? `iterations/${n}` : '';
      // Each finished phase makes a new frozen state (immer): a phase, a condition or a
      // workflow module holds a snapshot no later phase can change under it.
      state = { phases: {}, params: plan.params, config: configView, iteration: n };
      const records = new Map<string, PhaseRecord>();
      current = [];
      const ctx: PhaseContext = { plan, opts, iterDir, relDir, iteration: n, iterOverlay, root, dir };
      const runGroup = async (group: readonly PlannedPhase[]): Promise<void> => {
        await runInOrder(
          group.map((p) => p.spec.name),
          group.map((p) => p.node),
          opts.concurrency ?? PHASE_CONCURRENCY,
          async (name) => {
            const p = group.find((g) => g.spec.name === name)!;
            const rec = await runOnePhase(p, state, ctx);
            state = withPhaseView(state, rec.view);
            records.set(name, rec);
            current = orderedRecords(plan, records);
            await save('running');
            return rec;
          },
        );
      };

      await runGroup(plan.phases);
      // Branches: the module chooses, or the first whose `when` holds (one without `when` is the fallback).
      let chosen: { branch: string; taken: boolean; reason: string }[];
      let branchError: unknown;
      try {
        chosen = await chooseBranches(plan, state, history, n);
      } catch (err) {
        branchError = err;
        const reason = `choosing branches failed: ${err instanceof Error ? err.message : String(err)}`;
        log.error(reason);
        chosen = plan.branches.map((b) => ({ branch: b.name, taken: false, reason }));
      }
      for (const b of plan.branches) {
        const pick = chosen.find((c) => c.branch === b.name)!;
        branchRecords.push({
          iteration: n,
          branch: b.name,
          taken: pick.taken,
          reason: pick.reason,
          phases: b.phases.map((p) => p.spec.name),
        });
        if (!pick.taken) {
          for (const p of b.phases) {
            const view = notRunView(p.spec.name, 'skipped', `branch '${b.name}' not taken: ${pick.reason}`);
            state = withPhaseView(state, view);
            records.set(p.spec.name, skippedRecord(p, n, view));
          }
        }
      }
      for (const b of plan.branches) if (chosen.find((c) => c.branch === b.name)!.taken) await runGroup(b.phases);
      current = orderedRecords(plan, records);

      const iterStatus: IterationRecord['status'] =
        current.some((r) => r.status === 'cancelled') || opts.signal?.aborted === true
          ? 'cancelled'
          : branchError !== undefined || current.some((r) => r.status === 'failed')
            ? 'failed'
            : 'completed';
      history.push({ iteration: n, phases: state.phases });

      // Go on? Not after a failure or cancellation, nor past max_iterations; `until` and the module must agree.
      let next: IterationRecord['next'] = { continue: false, reason: `max_iterations (${maxIterations}) reached` };
      let until: IterationRecord['until'] = null;
      let changes: Record<string, unknown> | null = null;
      if (plan.iteration?.until !== undefined) {
        const holds = evaluateResultsExpression(plan.iteration.until, plan.allPhases, state);
        until = { holds, expression: plan.iteration.spec.until! };
      }
      if (iterStatus !== 'completed') next = { continue: false, reason: `iteration ${iterStatus}` };
      else if (until?.holds === true) next = { continue: false, reason: `until holds: ${until.expression}` };
      else if (n < maxIterations) {
        const moduleSays =
          plan.module?.workflow.shouldContinue === undefined
            ? true
            : await plan.module.workflow.shouldContinue(workflowResults(state, history.slice(0, -1)));
        next = moduleSays
          ? { continue: true, reason: until !== null ? `until does not hold: ${until.expression}` : 'next iteration' }
          : { continue: false, reason: 'workflow module: shouldContinue returned false' };
      }
      if (next.continue) {
        try {
          iterOverlay = await nextOverlay(plan, state, history, iterOverlay);
          changes = iterOverlay;
        } catch (err) {
          next = {
            continue: false,
            reason: `config for the next iteration: ${err instanceof Error ? err.message : String(err)}`,
          };
          status = 'failed';
          log.error({ err }, 'workflow: cannot modify the config for the next iteration');
        }
      }
      iterations.push({
        iteration: n,
        dir: iterated ? relDir : null,
        status: iterStatus,
        phases: current,
        until,
        next,
        config_changes: changes,
      });
      if (iterated) log.info({ iteration: n, status: iterStatus, next: next.reason }, 'workflow iteration finished');
      if (iterStatus !== 'completed') status = iterStatus;
      if (!next.continue) break;
    }
  } catch (err) {
    // An engine bug: leave a workflow.json that says so, then let it surface.
    await save('failed', { error: { message: err instanceof Error ? err.message : String(err) } }).catch(
      () => undefined,
    );
    throw err;
  }

  // Outputs, from the last iteration's results.
  const resolvedOutputs = resolveOutputs(plan, state);
  ({ outputs, outputErrors } = resolvedOutputs);
  const files = resolvedOutputs.files;
  for (const [key, message] of Object.entries(outputErrors)) log.warn({ output: key }, `output '${key}': ${message}`);
  if (dir !== null) for (const f of files) await writeFileAtomic(join(dir, f.path), f.content);

  await save(status, finishedJson(started, now(), plan.plainConfig ? plainErrorJson(current[0]) : firstError(current)));
  log.info({ workflow_id: workflowId, status }, 'run finished');
  return {
    workflowId,
    dir,
    status,
    phases: current,
    iterations,
    branches: branchRecords,
    outputs,
    outputErrors,
    files,
  };
}

interface PhaseContext {
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
async function runOnePhase(p: PlannedPhase, state: ResultsState, ctx: PhaseContext): Promise<PhaseRecord> {
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

function skippedRecord(p: PlannedPhase, iteration: number, view: PhaseView): PhaseRecord {
  return {
    name: p.spec.name,
    iteration,
    branch: p.branch,
    status: view.status,
    reason: view.reason,
    depends_on: p.spec.dependsOn,
    condition: null,
    topology: null,
    sequence: null,
    dir: null,
    view,
    config: null,
    duration_ms: 0,
    result: undefined,
    error: undefined,
  };
}

/** Records in plan order: main phases in run order, then each branch's. */
function orderedRecords(plan: WorkflowPlan, records: ReadonlyMap<string, PhaseRecord>): PhaseRecord[] {
  const names = [...plan.phases, ...plan.branches.flatMap((b) => b.phases)].map((p) => p.spec.name);
  return names.filter((n) => records.has(n)).map((n) => records.get(n)!);
}

async function chooseBranches(
  plan: WorkflowPlan,
  state: ResultsState,
  history: WorkflowResults['history'],
  n: number,
): Promise<{ branch: string; taken: boolean; reason: string }[]> {
  if (plan.branches.length === 0) return [];
  const module = plan.module?.workflow;
  if (module?.getBranches !== undefined) {
    const names = await module.getBranches(workflowResults(state, history));
    const unknown = names.filter((x) => !plan.branches.some((b) => b.name === x));
    if (unknown.length > 0)
      throw new Error(
        `workflow module getBranches() (iteration ${n}) returned unknown branch${unknown.length > 1 ? 'es' : ''} ${unknown.map((u) => `'${u}'`).join(', ')}; branches: ${plan.branches.map((b) => b.name).join(', ')}`,
      );
    return plan.branches.map((b) => ({
      branch: b.name,
      taken: names.includes(b.name),
      reason: names.includes(b.name) ? 'chosen by the workflow module' : 'not chosen by the workflow module',
    }));
  }
  let taken: PlannedBranch | undefined;
  return plan.branches.map((b) => {
    if (taken !== undefined) return { branch: b.name, taken: false, reason: `branch '${taken.name}' was taken first` };
    if (b.when === undefined) {
      taken = b;
      return { branch: b.name, taken: true, reason: 'no earlier branch was taken' };
    }
    const check = b.when.evaluate(state);
    if (check.holds) taken = b;
    return { branch: b.name, taken: check.holds, reason: check.reason };
  });
}

/** The config overlay of the next iteration: `iteration.modify` (templates resolved), then the module's change. */
async function nextOverlay(
  plan: WorkflowPlan,
  state: ResultsState,
  history: WorkflowResults['history'],
  overlay: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  let next = overlay;
  const modify = plan.iteration?.spec.modify ?? {};
  if (Object.keys(modify).length > 0) {
    try {
      next = overlayConfig(next, resolveTemplates(modify, templateScope(state), { explainNull: explainNull(state) }));
    } catch (err) {
      if (!(err instanceof TemplateError)) throw err;
      throw new ConfigError(
        issueAt(
          plan.iteration!.source,
          [...plan.iteration!.at, 'modify', ...err.at],
          'TEMPLATE',
          `iteration.modify: ${err.message}`,
          err.hint,
        ),
      );
    }
  }
  const fn = plan.module?.workflow.modifyConfigForNext;
  if (fn !== undefined) {
    // The module gets a mutable copy (deepMerge shares nothing): its code may change it in place.
    const userData = deepMerge(plan.source.data, next) as Record<string, unknown>;
    const changed = await fn.call(plan.module!.workflow, userData, workflowResults(state, history.slice(0, -1)));
    if (!isPlainObject(changed))
      throw new Error('workflow module modifyConfigForNext() must return the config as a plain object');
    next = overlayConfig({}, changed);
  }
  return next;
}
