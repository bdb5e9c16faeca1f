import type { PlannedPhase, WorkflowPlan } from '../coordinator/workflow-plan.ts';
import { describeWindows } from '../sequencer/describe-windows.ts';
import { resolveSequence } from '../sequencer/resolve-sequence.ts';

let shownParams: Readonly<Record<string, unknown>> = {};

/**
 * A YAML-ish one-line value: `{ type: parameter_sweep, window: { to: 0.7 } }`, with
 * `{{ params.x }}` replaced by the workflow's value (other templates are resolved only
 * when the phase runs, from earlier phases' results).
 */
function inline(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(inline).join(', ')}]`;
  if (v !== null && typeof v === 'object')
    return `{ ${Object.entries(v as Record<string, unknown>)
      .map(([k, x]) => `${k}: ${inline(x)}`)
      .join(', ')} }`;
  if (typeof v !== 'string') return String(v);
  return v.replace(/\{\{\s*params\.(\w+)\s*\}\}/g, (whole, name: string) =>
    name in shownParams ? inline(shownParams[name]) : whole,
  );
}

/** `{{ params.x }}` alone in a string becomes the param's value itself (a number stays one). */
function withParams(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withParams);
  if (v !== null && typeof v === 'object')
    return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, withParams(x)]));
  const m = typeof v === 'string' ? /^\{\{\s*params\.(\w+)\s*\}\}$/.exec(v) : null;
  return m !== null && m[1]! in shownParams ? shownParams[m[1]!] : v;
}

/** The windows a phase's sequence runs over, from the base config's data; why not, when its sequence reads earlier phases. */
async function windowLines(plan: WorkflowPlan, p: PlannedPhase, indent: string): Promise<string[]> {
  const ref = withParams(p.spec.sequence ?? plan.base.wf.config.sequence);
  if (JSON.stringify(ref ?? null).includes('{{'))
    return [`${indent}  windows: known when the phase runs (its sequence reads earlier phases)`];
  try {
    const seq = await resolveSequence(p.source, [...p.at, 'sequence'], ref, plan.patternDirs);
    return (await describeWindows(plan.base, seq)).map((l) => `${indent}  ${l}`);
  } catch (err) {
    return [`${indent}  windows: cannot be computed before the run: ${(err as Error).message.split('\n')[0]!}`];
  }
}

function phaseLines(p: PlannedPhase, indent: string): string[] {
  const s = p.spec;
  const lines = [`${indent}${s.name}${s.description !== undefined ? ` — ${s.description}` : ''}`];
  lines.push(
    `${indent}  sequence: ${s.sequence === undefined ? "the config's (default single_pass)" : inline(s.sequence)}`,
  );
  if (s.topology !== undefined) lines.push(`${indent}  topology: ${s.topology}`);
  if (s.dependsOn.length > 0)
    lines.push(`${indent}  depends on: ${s.dependsOn.join(', ')} (skipped unless they complete)`);
  if (s.condition !== undefined) lines.push(`${indent}  runs only if: ${inline(s.condition)}`);
  const overlay = Object.keys(s.config);
  if (overlay.length > 0) lines.push(`${indent}  config overlay: ${inline(s.config)}`);
  return lines;
}

/**
 * What `sluice explain` prints of a multi-phase workflow before the graph: its phases in
 * run order with their sequence (windows, splits, sweeps: what each will run), what they
 * depend on and when they run, the windows they run over (from the data, as the run
 * computes them), the branches and the iteration.
 */
export async function explainWorkflow(plan: WorkflowPlan): Promise<string> {
  shownParams = plan.params;
  const lines: string[] = [];
  lines.push(plan.pattern !== null ? `workflow ${plan.pattern.name} (${plan.pattern.file})` : 'inline workflow');
  const params = Object.entries(plan.params);
  if (params.length > 0) lines.push(`params: ${params.map(([k, v]) => `${k}=${inline(v)}`).join(', ')}`);
  lines.push('phases (in run order):');
  for (const p of plan.phases) lines.push(...phaseLines(p, '  '), ...(await windowLines(plan, p, '  ')));
  for (const b of plan.branches) {
    lines.push(`branch ${b.name}${b.spec.when !== undefined ? `, when ${inline(b.spec.when)}` : ''}:`);
    for (const p of b.phases) lines.push(...phaseLines(p, '  '), ...(await windowLines(plan, p, '  ')));
  }
  if (plan.iteration !== undefined)
    lines.push(
      `iteration: up to ${plan.iteration.spec.maxIterations} times${plan.iteration.spec.until !== undefined ? `, until ${inline(plan.iteration.spec.until)}` : ''}`,
    );
  if (plan.module !== undefined) lines.push(`workflow module: ${plan.module.path}`);
  lines.push('', 'graph of each phase (from the base config):');
  return lines.join('\n');
}
