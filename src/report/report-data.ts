/**
 * The data a report page is drawn from: what the generator (Node) embeds as JSON and the
 * page's script (assets/report.js) reads. Plain data only — numbers, strings, arrays — so
 * it survives JSON, and compact (tuples for long series) so large runs stay light.
 */

import type { MetricFormat } from './metric-definitions.ts';
import type { Candle, Point } from './downsample.ts';
import type { YearReturns } from './equity-analysis.ts';

/** A column of a {@link Table}: `text` cells are strings; the others numbers shown in that format. */
export interface Column {
  readonly label: string;
  readonly format: MetricFormat | 'text';
  /** Long text that wraps onto several lines instead of widening the table. */
  readonly wrap?: boolean;
}

/** A sortable table: rows of cells in column order, null for an empty cell. */
export interface Table {
  readonly columns: readonly Column[];
  readonly rows: readonly (readonly (string | number | null)[])[];
  /** Rows the run had, when fewer are shown (the page says so). */
  readonly total?: number;
}

/** An entry or exit on the price chart. */
export interface Marker {
  /** Epoch seconds of the display candle the fill falls in. */
  readonly time: number;
  readonly kind: 'entry_long' | 'entry_short' | 'exit';
  readonly text: string;
}

/** One book's backtest: charts, metrics, monthly returns, trades. */
export interface BacktestSection {
  readonly kind: 'backtest';
  readonly heading: string;
  readonly primary_metric: string;
  readonly metrics: Readonly<Record<string, number | null>>;
  /** The price chart; it opens on the same period as equity and drawdown (the whole run). */
  readonly price: {
    readonly symbol: string;
    readonly candles: readonly Candle[];
    readonly markers: readonly Marker[];
  } | null;
  readonly equity: readonly Point[] | null;
  readonly drawdown: readonly Point[] | null;
  readonly monthly: readonly YearReturns[];
  readonly trades: Table;
  readonly notes: readonly string[];
}

/** A parameter sweep: heatmap over two parameters, the best combinations, the metric's distribution. */
export interface SweepSection {
  readonly kind: 'sweep';
  readonly heading: string;
  readonly primary_metric: string;
  /** True when a higher value of the metric is better. */
  readonly higher_is_better: boolean;
  /** The metric's neutral value, where the heatmap's colours are centred (0 for Sharpe); null: colours relative to the grid. */
  readonly neutral: number | null;
  readonly params: readonly string[];
  readonly x: string | null;
  readonly y: string | null;
  /** Every combination: its parameter values in `params` order and its primary metric. */
  readonly combos: readonly { readonly p: readonly (string | number | boolean | null)[]; readonly v: number | null }[];
  readonly top: Table;
  readonly notes: readonly string[];
}

/** Walk-forward (or train/test) windows, the stitched out-of-sample curve and parameter stability. */
export interface WalkForwardSection {
  readonly kind: 'walk_forward';
  readonly heading: string;
  readonly primary_metric: string;
  readonly metrics: Readonly<Record<string, number | null>>;
  readonly windows: Table;
  readonly equity: readonly Point[] | null;
  readonly drawdown: readonly Point[] | null;
  readonly stability: Table;
  /** Where each window's test period starts on the stitched curve (epoch seconds), marked on the equity chart. */
  readonly boundaries: readonly { readonly time: number; readonly window: number }[];
  /** Per parameter, the numeric value chosen in each window (null where not a number). */
  readonly stability_series: readonly { readonly name: string; readonly values: readonly (number | null)[] }[];
  readonly notes: readonly string[];
}

/** A Monte Carlo bootstrap: equity bands and the drawdown distribution. */
export interface MonteCarloSection {
  readonly kind: 'monte_carlo';
  readonly heading: string;
  readonly initial_equity: number;
  readonly trade_index: readonly number[];
  readonly bands: Readonly<Record<string, readonly number[]>>;
  readonly actual: readonly number[];
  readonly histogram: {
    readonly min: number;
    readonly max: number;
    readonly counts: readonly number[];
    readonly actual: number | null;
  };
  readonly stats: Table;
  readonly notes: readonly string[];
}

/** A signal-generation phase: the signal store's strategies and regimes over time. */
export interface SignalSection {
  readonly kind: 'signals';
  readonly heading: string;
  /** Why there is nothing to show (no store, no strategies, no signal changed), else null. */
  readonly empty: string | null;
  /** The store: its path, a link relative to the page, row and strategy counts. */
  readonly store: {
    readonly path: string;
    readonly href: string;
    readonly rows: number;
    readonly regime_rows: number;
    readonly strategies: number;
    readonly classifiers: number;
  } | null;
  /** Epoch seconds of the first and last bar. */
  readonly span: { readonly from: number; readonly to: number } | null;
  /** Per strategy (× symbol): its positions, [from, to, direction] in epoch seconds, 1 long, −1 short. */
  readonly lanes: readonly {
    readonly label: string;
    readonly periods: readonly (readonly [number, number, number])[];
  }[];
  /** Per classifier (× symbol): its regimes, [from, to, index into labels]. */
  readonly regime_lanes: readonly {
    readonly label: string;
    readonly labels: readonly string[];
    readonly periods: readonly (readonly [number, number, number])[];
  }[];
  readonly strategies: Table;
  readonly regimes: Table;
  readonly notes: readonly string[];
}

/** A phase that did not produce results (skipped, failed, cancelled). */
export interface StatusSection {
  readonly kind: 'status';
  readonly heading: string;
  readonly status: string;
  readonly reason: string | null;
}

/** Several runs side by side. */
export interface CompareSection {
  readonly kind: 'compare';
  readonly heading: string;
  readonly runs: readonly {
    readonly label: string;
    readonly metrics: Readonly<Record<string, number | null>>;
    readonly returns: readonly Point[] | null;
  }[];
  readonly notes: readonly string[];
}

export type Section =
  | BacktestSection
  | SweepSection
  | WalkForwardSection
  | MonteCarloSection
  | StatusSection
  | CompareSection
  | SignalSection;

/** Label, format, definition and better direction of each metric, for the page's tables. */
export interface MetricMeta {
  readonly label: string;
  readonly format: MetricFormat;
  readonly definition: string;
  readonly direction: 'higher' | 'lower' | 'neutral';
}

/** Everything one report page shows. */
export interface ReportData {
  readonly title: string;
  readonly subtitle: string;
  readonly metrics: Readonly<Record<string, MetricMeta>>;
  readonly sections: readonly Section[];
  readonly notes: readonly string[];
}
