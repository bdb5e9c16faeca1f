/**
 * Workflows steered from TypeScript: a user module implements {@link ComposableWorkflow}
 * and the config names it (`workflow_module: ./my-workflow.ts`, relative to the config).
 * The coordinator asks it, after every iteration, whether to go on, how to change the
 * config for the next iteration, and which branches to take.
 */
import { installPluginHooks, isTypeScriptFile } from '../plugins/plugin-hooks.ts';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { PhaseView, ResultsState } from './phase-view.ts';

/** What a {@link ComposableWorkflow} is shown after an iteration's phases ran. */
export interface WorkflowResults {
  /** 1-based number of the iteration that just ran. */
  readonly iteration: number;
  /** Every phase of that iteration by name (main and branch phases; not run: skipped). */
  readonly phases: Readonly<Record<string, PhaseView>>;
  /** The workflow params (pattern params ← `workflow_params`). */
  readonly params: Readonly<Record<string, unknown>>;
  /** Earlier iterations, oldest first. */
  readonly history: readonly { readonly iteration: number; readonly phases: Readonly<Record<string, PhaseView>> }[];
}

/**
 * A workflow's decisions in code. Every method is optional; one left out falls back to
 * the YAML (`iteration.until`, `iteration.modify`, `branches[].when`).
 *
 * ```ts
 * import type { ComposableWorkflow } from 'sluice';
 * const workflow: ComposableWorkflow = {
 *   shouldContinue: (r) => (r.phases.optimize?.metrics.sharpe_ratio ?? 0) < 1,
 *   modifyConfigForNext: (config) => ({ ...config, data: { ...(config.data as object), end: '2024-06-01' } }),
 *   getBranches: (r) => (r.phases.optimize?.status === 'completed' ? ['validate'] : ['fallback']),
 * };
 * export default workflow;
 * ```
 */
export interface ComposableWorkflow {
  /**
   * After an iteration: true to run another one (up to `iteration.max_iterations`,
   * default 10). Together with `iteration.until`, both must agree to go on.
   */
  shouldContinue?(results: WorkflowResults): boolean | Promise<boolean>;
  /**
   * Before the next iteration: the user config (plain data, as in the file, with the
   * iteration changes so far and `iteration.modify` applied) → the config to use next.
   * Return a new object; the result is validated like the file.
   */
  modifyConfigForNext?(
    config: Record<string, unknown>,
    results: WorkflowResults,
  ): Record<string, unknown> | Promise<Record<string, unknown>>;
  /**
   * After the main phases of an iteration: the names of the branches (declared under
   * `branches:`) to run, in order. Replaces the branches' `when` conditions.
   */
  getBranches?(results: WorkflowResults): readonly string[] | Promise<readonly string[]>;
}

/** The methods a module may implement. */
const METHODS = ['shouldContinue', 'modifyConfigForNext', 'getBranches'] as const;

/**
 * Imports a workflow module and returns its ComposableWorkflow: the default export (or
 * a named `workflow` export), either an object or a class to instantiate.
 *
 * @throws Error with a user-facing message when the file is missing or exports none.
 */
export async function importWorkflowModule(
  file: string,
  baseDir: string,
): Promise<{ path: string; workflow: ComposableWorkflow }> {
  const path = resolve(baseDir, file);
  if (!existsSync(path)) throw new Error(`workflow module not found: ${path}`);
  // Loaded as plugins are (src/plugins/plugin-hooks.ts): ES module code whatever the nearest
  // package.json says, TypeScript through tsx, `sluice` bound to the running engine.
  await installPluginHooks(isTypeScriptFile(path));
  const mod = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  let candidate: unknown = mod['default'] ?? mod['workflow'];
  if (typeof candidate === 'function') {
    const fn = candidate as new () => unknown;
    candidate = /^class[\s{]/.test(Function.prototype.toString.call(fn)) ? new fn() : (candidate as () => unknown)();
  }
  if (
    candidate === null ||
    typeof candidate !== 'object' ||
    !METHODS.some((m) => typeof (candidate as Record<string, unknown>)[m] === 'function')
  ) {
    throw new Error(
      `${path} exports no ComposableWorkflow: export default an object (or class) with ${METHODS.join(', ')} (any of them)`,
    );
  }
  for (const m of METHODS) {
    const v = (candidate as Record<string, unknown>)[m];
    if (v !== undefined && typeof v !== 'function') throw new Error(`${path}: '${m}' must be a function`);
  }
  return { path, workflow: candidate as ComposableWorkflow };
}

/** The results a module is shown: the state's phases, params, and the history. */
export function workflowResults(state: ResultsState, history: WorkflowResults['history']): WorkflowResults {
  return { iteration: state.iteration, phases: state.phases, params: state.params, history };
}
