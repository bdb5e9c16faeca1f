import type { PlannedPhase, WorkflowPlan } from '../coordinator/workflow-plan.ts';

let shownParams: Readonly<Record<string, unknown>> = {};

/**
 * A YAML-ish one-line value: `{ type: parameter_sweep, window: { to: 0.7 } }`, with
 * `{{ params.x }}` replaced by the workflow's value (other templates are resolved only
 * when the phase runs, from earlier phases' results).
 */
function inline(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(inline).join(', ')}]`;
  if (v !== null && typeof v === 'object') return `{ ${Object.entries(v as Record<string, unknown>).map(([k, x]) => `${k}: ${inline(x)}`).join(', ')} }`;
  if (typeof v !== 'string') return String(v);
  return v.replace(/\{\{\s*params\.(\w+)\s*\}\}/g, (whole, name: string) => (name in shownParams ? inline(shownParams[name]) : whole));
}

function phaseLines(p: PlannedPhase, indent: string): string[] {
  const s = p.spec;
  const lines = [`${indent}${s.name}${s.description !== undefined ? ` — ${s.description}` : ''}`];
  lines.push(`${indent}  sequence: ${s.sequence === undefined ? "the config's (default single_pass)" : inline(s.sequence)}`);
  if (s.topology !== undefined) lines.push(`${indent}  topology: ${s.topology}`);
  if (s.depends_on.length > 0) lines.push(`${indent}  depends on: ${s.depends_on.join(', ')} (skipped unless they complete)`);
  if (s.condition !== undefined) lines.push(`${indent}  runs only if: ${inline(s.condition)}`);
  const overlay = Object.keys(s.config);
  if (overlay.length > 0) lines.push(`${indent}  config overlay: ${inline(s.config)}`);
  return lines;
}

/**
 * What `sluice explain` prints of a multi-phase workflow before the graph: its phases in
 * run order with their sequence (windows, splits, sweeps: what each will run), what they
 * depend on and when they run, the branches and the iteration.
 */
export function explainWorkflow(plan: WorkflowPlan): string {
  shownParams = plan.params;
  const lines: string[] = [];
  lines.push(plan.pattern !== null ? `workflow ${plan.pattern.name} (${plan.pattern.file})` : 'inline workflow');
  const params = Object.entries(plan.params);
  if (params.length > 0) lines.push(`params: ${params.map(([k, v]) => `${k}=${inline(v)}`).join(', ')}`);
  lines.push(`phases (in run order; windows are fractions of the data's bars or timestamps):`);
  for (const p of plan.phases) lines.push(...phaseLines(p, '  '));
  for (const b of plan.branches) {
    lines.push(`branch ${b.name}${b.spec.when !== undefined ? `, when ${inline(b.spec.when)}` : ''}:`);
    for (const p of b.phases) lines.push(...phaseLines(p, '  '));
  }
  if (plan.iteration !== undefined) lines.push(`iteration: up to ${plan.iteration.spec.max_iterations} times${plan.iteration.spec.until !== undefined ? `, until ${inline(plan.iteration.spec.until)}` : ''}`);
  if (plan.module !== undefined) lines.push(`workflow module: ${plan.module.path}`);
  lines.push('', 'graph of each phase (from the base config):');
  return lines.join('\n');
}
