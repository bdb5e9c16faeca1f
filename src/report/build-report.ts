/**
 * From a results folder to the data of its report: one or two sections per phase, chosen
 * by the phase's sequence (docs/reports.md lists them).
 */

import { relative, sep } from 'node:path';
import { METRIC_DIRECTION, METRIC_NAMES } from '../domain/metrics/performance.ts';
import { backtestSection } from './backtest-section.ts';
import { METRIC_INFO } from './metric-definitions.ts';
import { monteCarloSection } from './monte-carlo-section.ts';
import type { MetricMeta, ReportData, Section } from './report-data.ts';
import { bookFolder, isObject, num, readRun, type Json, type PhaseFiles, type RunFiles } from './read-results.ts';
import { sweepSection, type Axes } from './sweep-section.ts';
import { walkForwardSection } from './walk-forward-section.ts';

/** Options of a report: which sweep parameters the heatmap shows. */
export type ReportOptions = Axes;

/** The report data of the results folder `dir`. @throws ReportError when it is none. */
export async function buildReport(dir: string, options: ReportOptions = {}): Promise<ReportData> {
  const run = readRun(dir);
  const sections: Section[] = [];
  for (const phase of run.phases) sections.push(...(await phaseSections(phase, run.phases.length > 1, options)));
  return { title: String(run.workflow['name'] ?? 'Sluice run'), subtitle: subtitleOf(run), metrics: metricMeta(), sections, notes: [] };
}

/** Label, format, definition and direction of every metric, for the page. */
export function metricMeta(): Record<string, MetricMeta> {
  return Object.fromEntries(METRIC_NAMES.map((m) => [m, { ...METRIC_INFO[m], direction: METRIC_DIRECTION[m] }]));
}

/** "workflow_id · status · started … · config file", the line under a report's title. */
export function subtitleOf(run: RunFiles): string {
  const w = run.workflow;
  const parts = [String(w['workflow_id'] ?? ''), String(w['status'] ?? ''), typeof w['started_at'] === 'string' ? `started ${w['started_at'].slice(0, 19).replace('T', ' ')} UTC` : '', typeof w['config_file'] === 'string' ? w['config_file'] : ''];
  return parts.filter((p) => p.length > 0).join(' · ');
}

/** The best book of a phase summary: id and metrics, or null when it has none. */
export function bestOf(summary: Json): { strategyId: string; params: Json; metrics: Record<string, number | null> } | null {
  const best = summary['best'];
  if (!isObject(best) || !isObject(best['metrics'])) return null;
  const params = best['params'] ?? best['parameters'];
  return {
    strategyId: String(best['strategy_id']),
    params: isObject(params) ? params : {},
    metrics: Object.fromEntries(Object.entries(best['metrics']).map(([k, v]) => [k, num(v)])),
  };
}

async function phaseSections(phase: PhaseFiles, composed: boolean, options: ReportOptions): Promise<Section[]> {
  const summary = phase.summary;
  const label = composed ? `Phase ${phase.name}` : phase.name;
  if (summary === null || phase.status !== 'completed') {
    const error = summary !== null && isObject(summary['error']) ? String(summary['error']['message']) : null;
    return [{ kind: 'status', heading: label, status: phase.status, reason: phase.reason ?? error }];
  }
  const sequence = String(summary['sequence'] ?? 'single_pass');
  const primary = String(summary['primary_metric'] ?? 'sharpe_ratio');
  const heading = `${label} — ${sequence.replace(/_/g, ' ')}`;
  const block = summary[sequence];
  if ((sequence === 'walk_forward' || sequence === 'train_test') && isObject(block)) {
    return [await walkForwardSection(heading, phase, block, primary)];
  }
  const out: Section[] = [];
  const iterations = phase.aggregate !== null && Array.isArray(phase.aggregate['iterations']) ? phase.aggregate['iterations'] : [];
  if (phase.aggregate !== null && (sequence === 'parameter_sweep' || iterations.length > 1)) {
    out.push(sweepSection(sequence === 'parameter_sweep' ? heading : `${heading}: every book`, phase.aggregate, options));
  }
  const best = bestOf(summary);
  if (best !== null) {
    const params = Object.entries(best.params).map(([k, v]) => `${k}=${String(v)}`).join(', ');
    const what = sequence === 'parameter_sweep' || iterations.length > 1 ? `best book ${best.strategyId}` : best.strategyId;
    // A replay variant's book lives in variants/<name>/ (its trades are not in the phase folder).
    const book = bookFolder(phase, best.strategyId);
    let section = await backtestSection({
        heading: `${sequence === 'single_pass' && iterations.length <= 1 ? label : `${label} — ${what}`}${params.length > 0 ? ` (${params})` : ''}`,
        phase: book.phase,
        strategyId: book.strategyId,
        primaryMetric: primary,
        metrics: best.metrics,
        // The run read these bars successfully, so skipping bad rows reads exactly what it read.
        onBadRow: 'skip',
    });
    if (book.phase !== phase) {
      const where = relative(phase.dir, book.phase.dir);
      section = { ...section, notes: [`Trades and equity of book ${book.strategyId} of replay variant ${where.split(sep).pop() ?? where} (${where}/).`, ...section.notes] };
    }
    out.push(section);
  }
  if (sequence === 'monte_carlo' && isObject(block)) out.push(monteCarloSection(`${label} — Monte Carlo`, block, best?.metrics['initial_equity'] ?? 1));
  return out;
}
