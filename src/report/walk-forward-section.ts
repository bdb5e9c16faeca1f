/**
 * A walk-forward (or train/test) phase's section: the windows' in- and out-of-sample
 * numbers, the stitched out-of-sample equity (oos_equity.ndjson) and how the chosen
 * parameters moved from window to window.
 */

import { join } from 'node:path';
import { readEquityFile, LIMITS } from './backtest-section.ts';
import { minMaxDownsample, type Point } from './downsample.ts';
import { drawdownSeries } from './equity-analysis.ts';
import { isMetricName } from '../domain/metrics/performance.ts';
import { METRIC_INFO } from './metric-definitions.ts';
import type { WalkForwardSection } from './report-data.ts';
import { num, type PhaseFiles } from './read-results.ts';
import type { WalkForwardBlock, WindowRow } from '../results/schema/phase-summary.ts';

/** How one parameter moved over the windows (an entry of `parameter_stability`). */
type Stability = Exclude<WalkForwardBlock['parameter_stability'][string], readonly string[]>;

/** Builds the section from the phase summary's sequence block (`walk_forward` or `train_test`). */
export async function walkForwardSection(
  heading: string,
  phase: PhaseFiles,
  block: WalkForwardBlock,
  primary: string,
): Promise<WalkForwardSection> {
  const notes: string[] = [];
  const perWindow = block.per_window;
  // `strategy` (the type chosen per window) is a list, not a parameter.
  const stability = Object.entries(block.parameter_stability).filter(
    (e): e is [string, Stability] => !Array.isArray(e[1]),
  );
  const metrics = Object.fromEntries(Object.entries(block.out_of_sample).map(([k, v]) => [k, num(v)]));

  const curve = await readEquityFile(join(phase.dir, 'oos_equity.ndjson'), null);
  let equity: Point[] | null = null;
  let drawdown: Point[] | null = null;
  if (curve === null) notes.push('No stitched equity: oos_equity.ndjson is missing.');
  else if (curve.ts.length > 0) {
    const initial = metrics['initial_equity'] ?? curve.equity[0]!;
    equity = minMaxDownsample(
      curve.ts.map((ts, i): Point => [ts / 1000, curve.equity[i]!]),
      LIMITS.points,
    );
    drawdown = minMaxDownsample(drawdownSeries(curve, initial), LIMITS.points);
  }

  const metric = (m: Readonly<Record<string, number | null | undefined>>, name: string): number | null => num(m[name]);
  return {
    kind: 'walk_forward',
    heading,
    primary_metric: primary,
    metrics,
    windows: {
      // Short labels that wrap, so the table fits its card without scrolling sideways.
      columns: [
        { label: 'Window', format: 'count' },
        { label: 'Train from', format: 'text' },
        { label: 'Test from', format: 'text' },
        { label: 'Test to', format: 'text' },
        { label: 'Parameters', format: 'text', wrap: true },
        { label: `In-sample ${metricLabel(primary)}`, format: 'ratio', wrap: true },
        { label: `Out-of-sample ${metricLabel(primary)}`, format: 'ratio', wrap: true },
        { label: 'In-sample return', format: 'percent', wrap: true },
        { label: 'Out-of-sample return', format: 'percent', wrap: true },
        { label: 'Test trades', format: 'count', wrap: true },
      ],
      rows: perWindow.map((w) => [
        w.index,
        minute(w.train.start),
        minute(w.test.start),
        minute(w.test.end),
        chosen(w),
        metric(w.train.best_metrics, primary),
        metric(w.test.metrics, primary),
        metric(w.train.best_metrics, 'total_return'),
        metric(w.test.metrics, 'total_return'),
        metric(w.test.metrics, 'trade_count'),
      ]),
    },
    equity,
    drawdown,
    stability: {
      columns: [
        { label: 'Parameter', format: 'text' },
        { label: 'Distinct values', format: 'count' },
        { label: 'Most common', format: 'text' },
        { label: 'Share', format: 'percent' },
        { label: 'Mean', format: 'ratio' },
        { label: 'Std', format: 'ratio' },
        { label: 'Chosen per window', format: 'text', wrap: true },
      ],
      rows: stability.map(([name, s]) => [
        name,
        s.distinct,
        String(s.most_common ?? ''),
        num(s.most_common_share),
        num(s.mean),
        num(s.std),
        s.values.map(String).join(' → '),
      ]),
    },
    boundaries: perWindow
      .map((w) => ({ time: Date.parse(w.test.start) / 1000, window: w.index }))
      .filter((b) => Number.isFinite(b.time))
      .sort((a, b) => a.time - b.time),
    stability_series: stability.map(([name, s]) => ({ name, values: s.values.map(num) })),
    notes,
  };
}

function metricLabel(name: string): string {
  return isMetricName(name) ? METRIC_INFO[name].label : name;
}

/** The parameters a window chose, `k=v, …`. */
function chosen(w: WindowRow): string {
  return Object.entries(w.best.parameters)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(', ');
}

function minute(v: string): string {
  return v.slice(0, 16).replace('T', ' ');
}
