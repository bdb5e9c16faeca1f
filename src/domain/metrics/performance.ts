/**
 * The full set of performance metrics of one run, and what "better" means for each, so
 * that workflows can rank iterations by a named primary metric and conditions can name
 * any metric.
 */

import type { EquityMetrics } from './equity-stats.ts';
import type { TradeMetrics } from './trade-stats.ts';

/** Equity-curve and trade metrics of one run, as written to result files. */
export type PerformanceMetrics = EquityMetrics & TradeMetrics;

/** Name of a performance metric (a key of {@link PerformanceMetrics}). */
export type MetricName = keyof PerformanceMetrics;

/**
 * Which way a metric improves: `higher` or `lower` is better; `neutral` for descriptive
 * fields (bar count, timestamps, exposure, trade count…) that have no better direction
 * and so cannot rank iterations.
 */
export type MetricDirection = 'higher' | 'lower' | 'neutral';

/**
 * The direction of every metric. `satisfies` makes the compiler reject a metric added to
 * the types but forgotten here, or a name here that is no metric.
 */
export const METRIC_DIRECTION = {
  bars: 'neutral',
  start_ts: 'neutral',
  end_ts: 'neutral',
  initial_equity: 'neutral',
  final_equity: 'higher',
  total_return: 'higher',
  cagr: 'higher',
  annual_volatility: 'lower',
  sharpe_ratio: 'higher',
  sortino_ratio: 'higher',
  max_drawdown: 'lower',
  max_drawdown_duration_bars: 'lower',
  max_drawdown_duration_days: 'lower',
  calmar_ratio: 'higher',
  exposure: 'neutral',
  trade_count: 'neutral',
  win_rate: 'higher',
  profit_factor: 'higher',
  average_trade: 'higher',
  average_trade_return: 'higher',
  average_win: 'higher',
  average_loss: 'lower',
  gross_profit: 'higher',
  gross_loss: 'lower',
  net_profit: 'higher',
  largest_win: 'higher',
  largest_loss: 'lower',
  average_bars_held: 'neutral',
} as const satisfies { readonly [K in MetricName]: MetricDirection };

/** A metric that has a better direction and so can be a workflow's primary metric. */
export type RankableMetricName = {
  [K in MetricName]: (typeof METRIC_DIRECTION)[K] extends 'neutral' ? never : K;
}[MetricName];

/** Every metric name, in the order result files list them. */
export const METRIC_NAMES: readonly MetricName[] = Object.freeze(Object.keys(METRIC_DIRECTION) as MetricName[]);

/** The metrics that can rank iterations (direction `higher` or `lower`). */
export const RANKABLE_METRIC_NAMES: readonly RankableMetricName[] = Object.freeze(
  METRIC_NAMES.filter((name): name is RankableMetricName => METRIC_DIRECTION[name] !== 'neutral'),
);

/**
 * The metric a workflow ranks by when its config names none (`results.primary_metric`),
 * and what a reader of an older results file assumes when the file does not say: the one
 * place this default is written.
 */
export const DEFAULT_PRIMARY_METRIC: RankableMetricName = 'sharpe_ratio';

/** True when `s` names a performance metric. */
export function isMetricName(s: string): s is MetricName {
  return Object.hasOwn(METRIC_DIRECTION, s);
}

/** True when `s` names a metric that can rank iterations. */
export function isRankableMetricName(s: string): s is RankableMetricName {
  return isMetricName(s) && METRIC_DIRECTION[s] !== 'neutral';
}
