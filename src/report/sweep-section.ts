/**
 * A parameter sweep's section: every combination's primary metric (for the heatmap over
 * two parameters and the histogram, both drawn by the page), and a table of the best.
 */

import { METRIC_DIRECTION, isMetricName } from '../domain/metrics/performance.ts';
import { METRIC_INFO } from './metric-definitions.ts';
import type { Column, SweepSection } from './report-data.ts';
import { num, ReportError } from './read-results.ts';
import type { AggregateResults } from '../results/schema/aggregate-results.ts';
import type { BookSummary } from '../results/schema/book.ts';

/** Rows of the best-combinations table. */
export const TOP_N = 20;

/** Metrics shown next to the primary one in the table. */
const TABLE_METRICS = ['total_return', 'sharpe_ratio', 'max_drawdown', 'trade_count', 'win_rate'] as const;

/**
 * The value of a metric that is neither good nor bad, where the heatmap's colour scale is
 * pale: 0 for returns, profits and risk-adjusted ratios, 1 for profit factor. Metrics
 * without one (drawdown, counts, exposure…) are coloured relative to the grid.
 */
export function neutralValue(metric: string, iterations: readonly BookSummary[]): number | null {
  if (
    [
      'total_return',
      'cagr',
      'sharpe_ratio',
      'sortino_ratio',
      'calmar_ratio',
      'average_trade',
      'average_trade_return',
      'net_profit',
    ].includes(metric)
  )
    return 0;
  if (metric === 'profit_factor') return 1;
  if (metric === 'final_equity') {
    // The initial equity, when every combination started with the same.
    const initial = new Set(iterations.map((it) => num(it.metrics.initial_equity)));
    const [only] = [...initial];
    return initial.size === 1 && only !== undefined ? only : null;
  }
  return null;
}

/** Which parameters the heatmap puts on its axes (null: the first two that vary). */
export interface Axes {
  readonly x?: string | undefined;
  readonly y?: string | undefined;
}

/**
 * Builds the section from `aggregate_results.json` (iterations and their ranking).
 *
 * @throws ReportError when `axes` names a parameter the sweep does not have (with the ones it has).
 */
export function sweepSection(heading: string, aggregate: AggregateResults, axes: Axes): SweepSection {
  const primary = aggregate.primary_metric;
  const iterations = booksOf(aggregate);
  const params: string[] = [];
  for (const it of iterations) for (const k of Object.keys(it.params)) if (!params.includes(k)) params.push(k);
  const varying = params.filter((p) => new Set(iterations.map((it) => JSON.stringify(it.params[p] ?? null))).size > 1);
  for (const [axis, name] of [
    ['x', axes.x],
    ['y', axes.y],
  ] as const) {
    if (name !== undefined && !params.includes(name))
      throw new ReportError(
        `--${axis} ${name}: the sweep has no parameter '${name}'; it has ${params.join(', ') || 'none'}`,
      );
  }
  const x = axes.x ?? varying.find((p) => p !== axes.y) ?? null;
  const y = axes.y ?? varying.find((p) => p !== x) ?? null;
  const notes: string[] = [];
  if (x === null || y === null) notes.push('No heatmap: fewer than two parameters vary across the combinations.');
  else if (varying.length > 2)
    notes.push(
      `Heatmap cells over ${x} × ${y} show the best ${primary} among the combinations of the other parameters (${varying.filter((p) => p !== x && p !== y).join(', ')}).`,
    );

  const direction = isMetricName(primary) ? METRIC_DIRECTION[primary] : 'higher';
  const byId = new Map(iterations.map((it) => [it.strategy_id, it]));
  const ranking = aggregate.ranking ?? [];
  const ranked = ranking.map((id) => byId.get(id)).filter((it): it is BookSummary => it !== undefined);
  const metricColumn = (m: string): Column => ({
    label: isMetricName(m) ? METRIC_INFO[m].label : m,
    format: isMetricName(m) ? METRIC_INFO[m].format : 'ratio',
  });
  const shownMetrics = [primary, ...TABLE_METRICS.filter((m) => m !== primary)];
  return {
    kind: 'sweep',
    heading,
    primary_metric: primary,
    higher_is_better: direction !== 'lower',
    neutral: neutralValue(primary, iterations),
    params,
    x,
    y,
    combos: iterations.map((it) => ({ p: params.map((k) => scalar(it.params[k])), v: num(metricOf(it, primary)) })),
    top: {
      columns: [
        { label: 'Rank', format: 'count' },
        { label: 'Book', format: 'text' },
        ...params.map((p): Column => ({ label: p, format: 'text' })),
        ...shownMetrics.map(metricColumn),
      ],
      rows: ranked.slice(0, TOP_N).map((it, i) => [
        i + 1,
        it.strategy_id,
        ...params.map((p) => {
          const v = scalar(it.params[p]);
          return v === null ? null : String(v);
        }),
        ...shownMetrics.map((m) => num(metricOf(it, m))),
      ]),
      total: iterations.length,
    },
    notes,
  };
}

/** The books of an aggregate: its iterations, unless they are walk-forward windows (which have no sweep section). */
function booksOf(aggregate: AggregateResults): BookSummary[] {
  return aggregate.iterations.filter((it): it is BookSummary => 'strategy_id' in it);
}

/** A metric of a book by name (a name that is no metric has no value). */
function metricOf(it: BookSummary, name: string): number | null | undefined {
  return isMetricName(name) ? it.metrics[name] : undefined;
}

function scalar(v: unknown): string | number | boolean | null {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean'
    ? v
    : v === undefined || v === null
      ? null
      : JSON.stringify(v);
}
