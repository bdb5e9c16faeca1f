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
import { isObject, num, type Json, type PhaseFiles } from './read-results.ts';

/** Builds the section from the phase summary's sequence block (`walk_forward` or `train_test`). */
export async function walkForwardSection(heading: string, phase: PhaseFiles, block: Json, primary: string): Promise<WalkForwardSection> {
  const notes: string[] = [];
  const perWindow = (Array.isArray(block['per_window']) ? block['per_window'] : []).filter(isObject);
  const stability = isObject(block['parameter_stability']) ? block['parameter_stability'] : {};
  const oos = isObject(block['out_of_sample']) ? block['out_of_sample'] : {};
  const metrics = Object.fromEntries(Object.entries(oos).map(([k, v]) => [k, num(v)]));
  const paramNames = Object.keys(stability).filter((k) => isObject(stability[k]));

  const curve = await readEquityFile(join(phase.dir, 'oos_equity.ndjson'), null);
  let equity: Point[] | null = null;
  let drawdown: Point[] | null = null;
  if (curve === null) notes.push('No stitched equity: oos_equity.ndjson is missing.');
  else if (curve.ts.length > 0) {
    const initial = metrics['initial_equity'] ?? curve.equity[0]!;
    equity = minMaxDownsample(curve.ts.map((ts, i): Point => [ts / 1000, curve.equity[i]!]), LIMITS.points);
    drawdown = minMaxDownsample(drawdownSeries(curve, initial), LIMITS.points);
  }

  const sub = (w: Json, side: 'train' | 'test'): Json => (isObject(w[side]) ? w[side] : {});
  const m = (o: Json, key: 'best_metrics' | 'metrics', name: string): number | null => (isObject(o[key]) ? num(o[key][name]) : null);
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
        num(w['index']),
        minute(sub(w, 'train')['start']),
        minute(sub(w, 'test')['start']),
        minute(sub(w, 'test')['end']),
        chosen(w),
        m(sub(w, 'train'), 'best_metrics', primary),
        m(sub(w, 'test'), 'metrics', primary),
        m(sub(w, 'train'), 'best_metrics', 'total_return'),
        m(sub(w, 'test'), 'metrics', 'total_return'),
        m(sub(w, 'test'), 'metrics', 'trade_count'),
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
      rows: paramNames.map((name) => {
        const s = stability[name] as Json;
        const values = Array.isArray(s['values']) ? s['values'] : [];
        return [name, num(s['distinct']), String(s['most_common'] ?? ''), num(s['most_common_share']), num(s['mean']), num(s['std']), values.map(String).join(' → ')];
      }),
    },
    boundaries: perWindow
      .map((w) => ({ time: Date.parse(String(sub(w, 'test')['start'])) / 1000, window: num(w['index']) ?? 0 }))
      .filter((b) => Number.isFinite(b.time))
      .sort((a, b) => a.time - b.time),
    stability_series: paramNames.map((name) => {
      const s = stability[name] as Json;
      return { name, values: (Array.isArray(s['values']) ? s['values'] : []).map(num) };
    }),
    notes,
  };
}

function metricLabel(name: string): string {
  return isMetricName(name) ? METRIC_INFO[name].label : name;
}

function chosen(w: Json): string {
  const p = w['parameters'] ?? w['params'] ?? (isObject(w['best']) ? (w['best']['parameters'] ?? w['best']['params']) : undefined);
  if (isObject(p)) return Object.entries(p).map(([k, v]) => `${k}=${String(v)}`).join(', ');
  return typeof w['strategy_id'] === 'string' ? w['strategy_id'] : '';
}

function minute(v: unknown): string {
  return typeof v === 'string' ? v.slice(0, 16).replace('T', ' ') : '';
}
