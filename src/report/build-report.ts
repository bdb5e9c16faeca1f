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
import { bookFolder, num, readRun, type PhaseFiles, type RunFiles } from './read-results.ts';
import { paramsOf } from '../results/schema/book.ts';
import { windowsBlock, type PhaseSummary } from '../results/schema/phase-summary.ts';
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
  for (const phase of run.phases)
    sections.push(...(await phaseSections(phase, run.phases.length > 1, options, reportDir)));
  return { title: run.workflow.name, subtitle: subtitleOf(run), metrics: metricMeta(), sections, notes: [] };
}

/** Label, format, definition and direction of every metric, for the page. */
export function metricMeta(): Record<string, MetricMeta> {
  return Object.fromEntries(METRIC_NAMES.map((m) => [m, { ...METRIC_INFO[m], direction: METRIC_DIRECTION[m] }]));
}

/** "workflow_id · status · started … · config file", the line under a report's title. */
export function subtitleOf(run: RunFiles): string {
  const w = run.workflow;
  const parts = [
    w.workflow_id,
    run.status,
    `started ${w.started_at.slice(0, 19).replace('T', ' ')} UTC`,
    w.config_file,
  ];
  return parts.filter((p) => p.length > 0).join(' · ');
}

/** The best book of a phase summary: id and metrics, or null when it has none. */
export function bestOf(
  summary: PhaseSummary,
): { strategyId: string; params: Record<string, unknown>; metrics: Record<string, number | null> } | null {
  const best = summary.best;
  if (best === null || best.metrics === undefined) return null;
  return {
    strategyId: best.strategy_id,
    params: paramsOf(best),
    metrics: Object.fromEntries(Object.entries(best.metrics).map(([k, v]) => [k, num(v)])),
  };
}

async function phaseSections(
  phase: PhaseFiles,
  composed: boolean,
  options: ReportOptions,
  reportDir: string,
): Promise<Section[]> {
  const summary = phase.summary;
  const label = composed ? `Phase ${phase.name}` : phase.name;
  if (summary === null || phase.status !== 'completed') {
    const error = summary === null || summary.error === null ? null : String(summary.error.message);
    return [{ kind: 'status', heading: label, status: phase.status, reason: phase.reason ?? error }];
  }
  const sequence = summary.sequence;
  const primary = summary.primary_metric;
  const heading = `${label} — ${sequence.replace(/_/g, ' ')}`;
  const windows = windowsBlock(summary);
  if (windows !== undefined) return [await walkForwardSection(heading, phase, windows, primary)];
  if (summary.topology === 'signal_generation' || summary.signal_store !== undefined) {
    return [await signalSection(`${label} — signal generation`, phase, storeDirOf(phase), reportDir)];
  }
  const out: Section[] = [];
  const iterations = phase.aggregate?.iterations ?? [];
  if (phase.aggregate !== null && (sequence === 'parameter_sweep' || iterations.length > 1)) {
    out.push(
      sweepSection(sequence === 'parameter_sweep' ? heading : `${heading}: every book`, phase.aggregate, options),
    );
  }
  const best = bestOf(summary);
  if (best !== null) {
    const params = Object.entries(best.params)
      .map(([k, v]) => `${k}=${String(v)}`)
      .join(', ');
    const what =
      sequence === 'parameter_sweep' || iterations.length > 1 ? `best book ${best.strategyId}` : best.strategyId;
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
      section = {
        ...section,
        notes: [
          `Trades and equity of book ${book.strategyId} of replay variant ${where.split(sep).pop() ?? where} (${where}/).`,
          ...section.notes,
        ],
      };
    }
    out.push(section);
  }
  if (sequence === 'monte_carlo' && summary.monte_carlo !== undefined)
    out.push(monteCarloSection(`${label} — Monte Carlo`, summary.monte_carlo, best?.metrics['initial_equity'] ?? 1));
  // A completed phase always says something: never a heading over nothing.
  if (out.length === 0)
    out.push({
      kind: 'status',
      heading,
      status: 'completed',
      reason: `no book to show (topology ${summary.topology}, ${String(summary.strategies ?? 0)} strategies, no best book in phase_summary.json)`,
    });
  return out;
}

/** The signal store a signal-generation phase wrote: as its summary records it, else its `signals/` folder (a moved results folder). */
function storeDirOf(phase: PhaseFiles): string | null {
  const info = phase.summary?.signal_store;
  const recorded = info === undefined ? null : resolve(phase.dir, info.dir);
  if (recorded !== null && existsSync(join(recorded, 'metadata.json'))) return recorded;
  const local = join(phase.dir, 'signals');
  if (existsSync(join(local, 'metadata.json'))) return local;
  return recorded;
}
