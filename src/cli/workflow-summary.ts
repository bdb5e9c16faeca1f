import type { ComposedWorkflowResult, PhaseRecord } from '../coordinator/run-composed.ts';
import type { WorkflowPlan } from '../coordinator/workflow-plan.ts';
import { sequenceSummary } from './sequence-summary.ts';

const pct = (v: number | null | undefined): string =>
  typeof v === 'number' && Number.isFinite(v) ? `${(v * 100).toFixed(2)}%` : 'n/a';
const num = (v: number | null | undefined): string =>
  typeof v === 'number' && Number.isFinite(v) ? v.toFixed(2) : 'n/a';

/** `{fast_period: 5, slow_period: 20}`: parameters on one line. */
function params(p: Record<string, unknown>): string {
  const parts = Object.entries(p).map(
    ([k, v]) => `${k}: ${typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v)}`,
  );
  return `{${parts.join(', ')}}`;
}

/** Table of phases: status, sequence, best, headline metrics; a skip or failure reason instead of numbers. */
function phaseTable(records: readonly PhaseRecord[], primary: string): string[] {
  const header = ['phase', 'status', 'sequence', primary, 'return', 'max dd', 'trades', 'best'];
  const rows: string[][] = [];
  const notes: string[] = [];
  for (const r of records) {
    const m = r.view.metrics;
    const name = r.branch !== null ? `${r.name} (${r.branch})` : r.name;
    if (r.status === 'completed') {
      const best = r.view.best === null ? '—' : `${r.view.best.type} ${params(r.view.best.parameters)}`;
      rows.push([
        name,
        r.status,
        r.sequence ?? '',
        num(m[primary]),
        pct(m['total_return']),
        pct(m['max_drawdown']),
        String(m['trade_count'] ?? 'n/a'),
        best,
      ]);
    } else {
      rows.push([name, r.status, r.sequence ?? '', '', '', '', '', '']);
      if (r.reason !== null) notes.push(`  ${r.name} ${r.status}: ${r.reason.split('\n')[0]}`);
    }
  }
  const table = [header, ...rows];
  const widths = header.map((_, c) => Math.max(...table.map((row) => row[c]!.length)));
  const numeric = new Set([3, 4, 5, 6]);
  const line = (row: string[]): string =>
    row
      .map((cell, c) =>
        numeric.has(c) ? cell.padStart(widths[c]!) : c === row.length - 1 ? cell : cell.padEnd(widths[c]!),
      )
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line), ...notes];
}

/**
 * What `sluice run` prints after a multi-phase workflow: a table of phases (status,
 * sequence, headline metrics, best parameters; skip reasons below it), each phase's
 * sequence details, iterations and branches taken, and the outputs.
 */
export function workflowSummary(plan: WorkflowPlan, result: ComposedWorkflowResult): string[] {
  const primary = plan.base.wf.config.results.primaryMetric;
  const lines: string[] = [];
  const kind = plan.pattern !== null ? `workflow ${plan.pattern.name}` : 'inline workflow';
  lines.push(
    `${plan.base.wf.config.name}: ${kind}, ${plan.allPhases.length} phase${plan.allPhases.length === 1 ? '' : 's'}, primary metric ${primary}`,
  );
  if (result.iterations.length > 1 || plan.iteration !== undefined) {
    for (const it of result.iterations) {
      const brief = it.phases
        .map((r) => `${r.name} ${r.status === 'completed' ? `${primary} ${num(r.view.metrics[primary])}` : r.status}`)
        .join(', ');
      lines.push(
        `iteration ${it.iteration}: ${brief}; ${it.next.continue ? 'next iteration' : `stop: ${it.next.reason}`}`,
      );
    }
    lines.push(`last iteration (${result.iterations.length}):`);
  }
  lines.push(...phaseTable(result.phases, primary));
  for (const r of result.phases) {
    if (r.result === undefined || r.status !== 'completed') continue;
    const details = sequenceSummary(r.result);
    if (details.length > 0) lines.push(`${r.name}:`, ...details.map((d) => `  ${d}`));
  }
  const last = result.iterations[result.iterations.length - 1]?.iteration;
  for (const b of result.branches.filter((x) => x.iteration === last))
    lines.push(`branch ${b.branch}: ${b.taken ? 'taken' : 'not taken'} (${b.reason})`);
  const keys = Object.keys(result.outputs);
  if (keys.length > 0) {
    lines.push('outputs:');
    for (const k of keys) lines.push(...outputLines(k, result.outputs[k], result.outputErrors[k]));
  }
  for (const f of result.files) lines.push(`output file: ${f.path}`);
  return lines;
}

/**
 * One output of a workflow as printed: a number, string or short value on its line
 * (`best_parameters: {"fast_period":10,"slow_period":120}`); an object too long for one
 * line (a metrics object) one key per line below it, numbers rounded to 6 decimals and
 * epoch-millisecond `…_ts` values shown with their ISO time.
 */
function outputLines(key: string, v: unknown, error: string | undefined): string[] {
  const note = error !== undefined ? `  (${error})` : '';
  const inline = scalarText(v);
  if (typeof v !== 'object' || v === null || Array.isArray(v) || `  ${key}: ${inline}`.length <= 100)
    return [`  ${key}: ${inline}${note}`];
  const entries = Object.entries(v as Record<string, unknown>);
  const width = Math.max(...entries.map(([k]) => k.length));
  return [
    `  ${key}:${note}`,
    ...entries.map(([k, x]) => {
      const iso =
        k.endsWith('_ts') && typeof x === 'number' && Number.isFinite(x) && Math.abs(x) < 8.64e15
          ? ` (${new Date(x).toISOString()})`
          : '';
      return `    ${k.padEnd(width)}  ${scalarText(x)}${iso}`;
    }),
  ];
}

function scalarText(v: unknown): string {
  return typeof v === 'number' ? String(Number(v.toFixed(6))) : typeof v === 'string' ? v : JSON.stringify(v);
}
