/**
 * `sluice compare`: several results folders side by side. Each run is represented by its
 * headline phase — the last one that completed, as that is where a workflow's conclusion
 * sits (validate after optimize) — with its headline metrics (walk-forward: the stitched
 * out-of-sample ones) and its equity as a return from the start, so runs with different
 * initial cash overlay on one scale.
 */

import { basename, join } from 'node:path';
import { bookEquity, LIMITS, readEquityFile } from './backtest-section.ts';
import { bestOf, metricMeta } from './build-report.ts';
import { onTimeGrid, type Point } from './downsample.ts';
import type { EquityCurve } from './equity-analysis.ts';
import type { CompareSection, ReportData } from './report-data.ts';
import { bookFolder, num, readRun, ReportError } from './read-results.ts';
import { windowsBlock } from '../results/schema/phase-summary.ts';

/** The comparison report of `dirs` (at least two). @throws ReportError for a folder that is no results folder. */
export async function buildComparison(dirs: readonly string[]): Promise<ReportData> {
  if (dirs.length < 2) throw new ReportError(`compare needs at least two results folders, received ${dirs.length}`);
  const runs: CompareSection['runs'][number][] = [];
  const notes: string[] = [];
  const labels = new Set<string>();
  for (const dir of dirs) {
    const run = readRun(dir);
    const phase = [...run.phases].reverse().find((p) => p.status === 'completed' && p.summary !== null);
    // Runs of one config differ in their parameters (or at least their folder): say which.
    const base = `${run.workflow.name}${run.phases.length > 1 && phase !== undefined ? ` / ${phase.name}` : ''}`;
    const best = phase?.summary === null || phase === undefined ? null : bestOf(phase.summary);
    const params =
      best === null
        ? ''
        : Object.entries(best.params)
            .map(([k, v]) => `${k}=${String(v)}`)
            .join(', ');
    const candidates = [base, ...(params.length > 0 ? [`${base} (${params})`] : []), `${base} (${basename(dir)})`];
    const label = candidates.find((c) => !labels.has(c)) ?? `${base} (${basename(dir)}, ${labels.size + 1})`;
    labels.add(label);
    if (phase === undefined || phase.summary === null) {
      notes.push(`${label}: no completed phase to compare.`);
      runs.push({ label, metrics: {}, returns: null });
      continue;
    }
    const summary = phase.summary;
    const windows = windowsBlock(summary);
    let metrics: Record<string, number | null> = {};
    let curve: EquityCurve | null = null;
    if (windows !== undefined) {
      metrics = Object.fromEntries(Object.entries(windows.out_of_sample).map(([k, v]) => [k, num(v)]));
      curve = await readEquityFile(join(phase.dir, 'oos_equity.ndjson'), null);
      notes.push(`${label}: stitched out-of-sample metrics and equity of the walk-forward.`);
    } else {
      if (best !== null) {
        metrics = best.metrics;
        const book = bookFolder(phase, best.strategyId);
        const found = await bookEquity(book.phase, book.strategyId, best.metrics['initial_equity'] ?? 0);
        curve = found.curve;
        if (found.note !== null) notes.push(`${label}: ${found.note}.`);
      }
    }
    const initial = metrics['initial_equity'] ?? curve?.equity[0] ?? 1;
    const returns: Point[] | null =
      curve === null ? null : curve.ts.map((ts, i): Point => [ts / 1000, curve.equity[i]! / initial - 1]);
    runs.push({ label, metrics, returns });
  }
  // One shared time grid, so the overlaid curves line up in calendar time.
  const present = runs.filter((r) => r.returns !== null);
  const gridded = onTimeGrid(
    present.map((r) => r.returns!),
    LIMITS.points / 2,
  );
  const shown = runs.map((r) => (r.returns === null ? r : { ...r, returns: gridded[present.indexOf(r)]! }));
  return {
    title: `Comparison of ${dirs.length} runs`,
    subtitle: dirs.map((d) => basename(d)).join(' · '),
    metrics: metricMeta(),
    sections: [{ kind: 'compare', heading: 'Runs side by side', runs: shown, notes }],
    notes: [],
  };
}
