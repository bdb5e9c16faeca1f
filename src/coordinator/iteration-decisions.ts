/**
 * What a workflow iteration decides between its phase runs: which branches run (the
 * workflow module's choice, or the first whose `when` holds), whether another iteration
 * follows (`until`, `max_iterations`, the module's shouldContinue), and the config
 * overlay it runs with (`iteration.modify`, the module's modifyConfigForNext). Pure
 * decisions on the results so far, apart from the loop that records them
 * (run-composed.ts).
 */
import { ConfigError } from '../config/config-error.ts';
import { deepMerge, isPlainObject } from '../config/deep-merge.ts';
import { overlay as overlayConfig } from '../config/overlay.ts';
import { issueAt } from '../config/yaml-source.ts';
import { evaluateResultsExpression } from './conditions.ts';
import { workflowResults, type WorkflowResults } from './composable.ts';
import { explainNull, templateScope, type ResultsState } from './phase-view.ts';
import { resolveTemplates, TemplateError } from './templates.ts';
import type { PlannedBranch, WorkflowPlan } from './workflow-plan.ts';
import type { IterationRecord } from './workflow-records.ts';

/**
 * Whether iteration `n` is followed by another, and what `until` found: not after a
 * failure or cancellation, nor past `maxIterations`; `until` and the module must agree.
 */
export async function decideNextIteration(
  plan: WorkflowPlan,
  state: ResultsState,
  history: WorkflowResults['history'],
  n: number,
  maxIterations: number,
  iterStatus: IterationRecord['status'],
): Promise<{ next: IterationRecord['next']; until: IterationRecord['until'] }> {
  let next: IterationRecord['next'] = { continue: false, reason: `max_iterations (${maxIterations}) reached` };
  let until: IterationRecord['until'] = null;
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
  return { next, until };
}

/** Which branches iteration `n` takes, each with the reason. */
export async function chooseBranches(
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
export async function nextOverlay(
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
