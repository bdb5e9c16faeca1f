/**
 * From a results folder to the data of its report: one or two sections per phase, chosen
 * by the phase's sequence (docs/reports.md lists them).
 */

import { existsSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { METRIC_DIRECTION, METRIC_NAMES } from '../domain/metrics/performance.ts';
import { backtestSection } from './backtest-section.ts';
import { METRIC_INFO } from './metric-definitions.ts';
import { monteCarloSection } from './monte-carlo-section.ts';
import type { MetricMeta, ReportData, Section } from './report-data.ts';
import { bookFolder, isObject, num, readRun, type Json, type PhaseFiles, type RunFiles } from './read-results.ts';
import { signalSection } from './signal-section.ts';
import { sweepSection, type Axes } from './sweep-section.ts';
import { walkForwardSection } from './walk-forward-section.ts';

/** Options of a report: which sweep parameters the heatmap shows; the folder the page goes to (links are relative to it; default the results folder). */
export type ReportOptions = Axes & { readonly reportDir?: string | undefined };

/** The report data of the results folder `dir`. @throws ReportError when it is none. */
export async function buildReport(dir: string, options: ReportOptions = {}): Promise<ReportData> {
  const run = readRun(dir);
  const sections: Section[] = [];
  const reportDir = options.reportDir ?? dir;
  for (const phase of run.phases) sections.push(...(await phaseSections(phase, run.phases.length > 1, options, reportDir)));
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

async function phaseSections(phase: PhaseFiles, composed: boolean, options: ReportOptions, reportDir: string): Promise<Section[]> {
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
  if (summary['topology'] === 'signal_generation' || isObject(summary['signal_store'])) {
    return [await signalSection(`${label} — signal generation`, phase, storeDirOf(phase), reportDir)];
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
  // A completed phase always says something: never a heading over nothing.
  if (out.length === 0) out.push({ kind: 'status', heading, status: 'completed', reason: `no book to show (topology ${String(summary['topology'] ?? 'unknown')}, ${String(summary['strategies'] ?? 0)} strategies, no best book in phase_summary.json)` });
  return out;
}

/** The signal store a signal-generation phase wrote: as its summary records it, else its `signals/` folder (a moved results folder). */
function storeDirOf(phase: PhaseFiles): string | null {
  const info = phase.summary !== null && isObject(phase.summary['signal_store']) ? phase.summary['signal_store'] : null;
  const recorded = info !== null && typeof info['dir'] === 'string' ? resolve(phase.dir, info['dir']) : null;
  if (recorded !== null && existsSync(join(recorded, 'metadata.json'))) return recorded;
  const local = join(phase.dir, 'signals');
  if (existsSync(join(local, 'metadata.json'))) return local;
  return recorded;
}
