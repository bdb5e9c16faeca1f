import type { ResolvedWorkflow } from '../config/resolved.ts';
import { fusedIneligibility } from './fused-graph.ts';
import { endpointIds, type GraphPlan } from './graph-plan.ts';

/**
 * Which path runs the graph (docs/performance.md): the fused columnar path, or the
 * per-event graph and the first reason the fused path cannot run it exactly.
 */
export function explainEngine(wf: ResolvedWorkflow): string {
  const reason = fusedIneligibility(wf);
  return reason === undefined
    ? 'engine: fused (one columnar book loop for all books: same results as the per-event graph; execution.engine: per_event or --engine per_event runs it per event)'
    : `engine: per_event (the fused columnar path does not run this graph: ${reason})`;
}

/**
 * The compiled graph in words: containers in topological order (foreach instances
 * listed under their definition) and routes with kind, events and ends.
 */
export function explainText(plan: GraphPlan): string {
  const lines = [
    `topology ${plan.topology.name}: ${plan.topology.description}`.trimEnd(),
    '',
    'containers (topological order):',
  ];
  const seen = new Set<string>();
  for (const inst of plan.instances) {
    const def = inst.def;
    if (seen.has(def.id)) continue;
    seen.add(def.id);
    const instances = plan.instances.filter((i) => i.def === def);
    if (def.foreach === undefined) {
      lines.push(`  ${def.id.padEnd(12)} ${def.role}`);
    } else {
      lines.push(`  ${def.id.padEnd(12)} ${def.role}  foreach ${def.foreach} → ${instances.length} instance(s)`);
      for (const i of instances.slice(0, 20)) lines.push(`    - ${i.id}`);
      if (instances.length > 20) lines.push(`    … and ${instances.length - 20} more`);
    }
  }
  lines.push('', 'routes:');
  for (const r of plan.routes) {
    const ends = (ids: readonly string[]) =>
      ids.length === 0
        ? '(no instances)'
        : ids.length > 3
          ? `${ids.slice(0, 2).join(', ')}, … (${ids.length})`
          : ids.join(', ');
    const key = r.byKey ? ' by key' : '';
    lines.push(
      `  ${r.name.padEnd(12)} ${(r.kind + key).padEnd(16)} [${r.events.join(', ')}]  ${ends(r.from)} → ${ends(r.targets.map((t) => t.id))}`,
    );
  }
  return lines.join('\n');
}

/** The graph as a Mermaid flowchart, at the level of container definitions. */
export function explainMermaid(plan: GraphPlan): string {
  const lines = ['flowchart LR'];
  for (const def of plan.topology.containers) {
    const n = plan.instances.filter((i) => i.def === def).length;
    const label = def.foreach === undefined ? `${def.id}<br/>${def.role}` : `${def.id} ×${n}<br/>${def.role}`;
    lines.push(`  ${def.id}["${label}"]`);
  }
  for (const route of plan.topology.routes) {
    const arrow = route.kind === 'feedback' ? '-.->' : '-->';
    for (const f of endpointIds(plan.topology, route.from))
      for (const t of endpointIds(plan.topology, route.to))
        lines.push(`  ${f} ${arrow}|${route.kind}: ${route.events.join(',')}| ${t}`);
  }
  return lines.join('\n');
}
