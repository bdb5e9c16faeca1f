import type { LoadedWorkflow } from '../load/load-workflow.ts';
import type { ContainerDef, RouteDef, TopologyDef } from '../config/schema/topology.ts';
import { endpointIds, planGraph, type ForeachKeys, type GraphPlan } from '../topology/graph-plan.ts';
import { LookaheadError } from './lookahead-error.ts';

/**
 * The config's own topology up to its strategies: the strategy containers and every
 * container with a path of routes into them (data, features, classifiers…), the routes
 * among those only, plus a signal sink every strategy sends its SIGNALs to (a merge
 * route), so that signals travel a route even when their consumers (portfolios) are cut
 * off. Nothing downstream of a strategy can change what the strategy decides — the push
 * is synchronous and nothing flows back into a strategy unless a route says so, and such
 * a route keeps its producer in the graph — so this graph computes exactly the features
 * and signals of the full one, without the books, risk and execution, and is planned by
 * the same planner (same validation, same topological order). Foreach containers expand
 * over the keys of the loaded plan.
 *
 * @throws LookaheadError when the topology has no strategy container.
 */
export function strategyGraph(loaded: LoadedWorkflow): GraphPlan {
  const topo = loaded.plan.topology;
  const strategyIds = topo.containers.filter((c) => c.role === 'strategy').map((c) => c.id);
  if (strategyIds.length === 0)
    throw new LookaheadError(`topology '${topo.name}' has no strategy container: there are no signals to check`);

  // Containers with a path into a strategy, by walking routes backwards.
  const keep = new Set<string>(strategyIds);
  for (let grew = true; grew;) {
    grew = false;
    for (const r of topo.routes) {
      if (!endpointIds(topo, r.to).some((id) => keep.has(id))) continue;
      for (const id of endpointIds(topo, r.from)) {
        if (!keep.has(id)) {
          keep.add(id);
          grew = true;
        }
      }
    }
  }
  const containers: ContainerDef[] = topo.containers.filter((c) => keep.has(c.id));
  const routes: RouteDef[] = [];
  for (const r of topo.routes) {
    const from = endpointIds(topo, r.from).filter((id) => keep.has(id));
    const to = endpointIds(topo, r.to).filter((id) => keep.has(id));
    if (from.length === 0 || to.length === 0) continue;
    routes.push({ ...r, from: [...from], to: [...to] });
  }
  let sink = 'lookahead_signals';
  while (topo.containers.some((c) => c.id === sink)) sink += '_';
  containers.push({ id: sink, role: 'signal_sink' });
  routes.push({ name: sink, kind: 'merge', from: strategyIds, to: sink, events: ['SIGNAL'] });
  const pruned: TopologyDef = { ...topo, containers, routes };

  const keys = foreachKeys(loaded);
  const problems: string[] = [];
  const plan = planGraph(pruned, keys, (path, _code, message) => problems.push(`${path.join('.')}: ${message}`));
  if (plan === null)
    throw new Error(`the strategies' part of topology '${topo.name}' does not plan: ${problems.join('; ')}`);
  return plan;
}

/** The foreach keys the loaded plan expanded its containers over. */
function foreachKeys(loaded: LoadedWorkflow): ForeachKeys {
  const of = (source: 'strategies' | 'classifiers'): string[] => {
    const seen = new Set<string>();
    for (const i of loaded.plan.instances) if (i.def.foreach === source && i.key !== undefined) seen.add(i.key);
    return [...seen];
  };
  return { strategies: loaded.wf.strategies.map((s) => s.key), classifiers: of('classifiers') };
}
