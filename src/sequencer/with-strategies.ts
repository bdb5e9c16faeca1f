import type { LoadedWorkflow } from '../topology/loaded-workflow.ts';
import type { ResolvedStrategy, ResolvedWorkflow } from '../config/resolved.ts';
import { planGraph } from '../topology/graph-plan.ts';

/** The loaded workflow with other strategies (a shard, the best one): its graph re-planned. */
export function withStrategies(
  loaded: LoadedWorkflow,
  wf: ResolvedWorkflow,
  strategies: readonly ResolvedStrategy[],
): LoadedWorkflow {
  const next: ResolvedWorkflow = { ...wf, strategies };
  const problems: string[] = [];
  const plan = planGraph(
    next.topology,
    { strategies: strategies.map((s) => s.key), classifiers: next.classifiers.map((c) => c.id) },
    (_p, _c, message) => problems.push(message),
  );
  if (plan === null)
    throw new Error(`cannot plan the graph for ${strategies.length} strategies: ${problems.join('; ')}`);
  return { ...loaded, wf: next, plan };
}
