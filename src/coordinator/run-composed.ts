/**
 * The one workflow runner. A plain config is a one-phase workflow (config-plan.ts,
 * runWorkflow); a multi-phase one (workflow-plan.ts) adds phases in dependency order
 * (independent ones side by side, results in a fixed order), conditions, skip
 * propagation, branches, iteration of the whole workflow, and outputs. Each phase runs
 * through the sequencer (runSequence), which writes the phase's own files; this
 * module writes `workflow.json` and the output files:
 *
 * ```
 * results/<workflow_id>/workflow.json          status, resolved configs, phases, iteration/branch results, outputs
 * results/<workflow_id>/<phase>/…              per phase (phase_summary.json, aggregate_results.json, …)
 * results/<workflow_id>/iterations/<n>/<phase>/…  instead, when the workflow iterates (n from 1)
 * results/<workflow_id>/<output files>
 * ```
 *
 * This file is the workflow loop and its bookkeeping: iterations, phase groups and
 * branches in order, the records, workflow.json, the outputs. What running one phase
 * means is run-one-phase.ts; what an iteration decides between runs (branches, another
 * iteration, its config) is iteration-decisions.ts; the records' shapes and helpers are
 * workflow-records.ts; the options are run-options.ts.
 */
import { join } from 'node:path';
import { systemClock } from '../runtime/clock.ts';
import pino from 'pino';
import { yamlConfig } from '../config/schema/workflow.ts';
import { writeFileAtomic } from '../files/atomic-write.ts';
import { newWorkflowId } from '../results/workflow-id.ts';
import { shardPool } from '../sequencer/shard-pool.ts';
import { loadedPlugins, pluginsJson } from '../plugins/load-plugins.ts';
import { runInOrder } from './phase-graph.ts';
import { notRunView, withPhaseView, type PhaseView, type ResultsState } from './phase-view.ts';
import { resolveOutputs } from './workflow-outputs.ts';
import {
  finishedJson,
  firstError,
  iterationJson,
  phaseJson,
  plainErrorJson,
  plainPhaseJson,
  WorkflowJsonWriter,
  type WorkflowIdentity,
} from './workflow-json.ts';
import type { PlannedPhase, WorkflowPlan } from './workflow-plan.ts';
import {
  orderedRecords,
  skippedRecord,
  type BranchRecord,
  type IterationRecord,
  type PhaseRecord,
} from './workflow-records.ts';
import { PHASE_CONCURRENCY, type RunComposedOptions } from './run-options.ts';
import { runOnePhase, type PhaseContext } from './run-one-phase.ts';
import { chooseBranches, decideNextIteration, nextOverlay } from './iteration-decisions.ts';

export type { BranchRecord, IterationRecord, PhaseRecord } from './workflow-records.ts';
export type { RunComposedOptions } from './run-options.ts';

/** Iterations when a workflow module decides (`shouldContinue`) and the YAML gives no `iteration`. */
export const DEFAULT_MAX_ITERATIONS = 10;

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
      const decided = await decideNextIteration(plan, state, history, n, maxIterations, iterStatus);
      let next = decided.next;
      const until = decided.until;
      let changes: Record<string, unknown> | null = null;
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
