/**
 * How a report labels, formats and explains each performance metric. docs/metrics.md is
 * written by hand (no generator in src/ to share), so the definitions live here once,
 * worded after its formula tables; `satisfies` makes the compiler reject a metric added to
 * `PerformanceMetrics` but missing here, and test/report/metric-definitions.test.ts checks
 * every name is one docs/metrics.md defines.
 */

import type { MetricName } from '../domain/metrics/performance.ts';

/** How a value is shown: a fraction as a percentage, money, a plain ratio, a count, days, a timestamp. */
export type MetricFormat = 'percent' | 'money' | 'ratio' | 'count' | 'days' | 'time';

/** Label, display format and one-line definition of a metric. */
export interface MetricInfo {
  readonly label: string;
  readonly format: MetricFormat;
  readonly definition: string;
}

/** Every metric, in the order result files list them. */
export const METRIC_INFO = {
  bars: { label: 'Bars', format: 'count', definition: 'n, the number of bars with an equity value.' },
  start_ts: { label: 'First bar', format: 'time', definition: 'Timestamp of the first bar.' },
  end_ts: { label: 'Last bar', format: 'time', definition: 'Timestamp of the last bar.' },
  initial_equity: {
    label: 'Initial equity',
    format: 'money',
    definition: 'E₀, the book’s equity before the first bar.',
  },
  final_equity: { label: 'Final equity', format: 'money', definition: 'E at the last bar’s close.' },
  total_return: { label: 'Total return', format: 'percent', definition: 'E_last / E₀ − 1.' },
  cagr: {
    label: 'CAGR',
    format: 'percent',
    definition: '(E_last / E₀)^(1/years) − 1, years of calendar time between the first and last bar.',
  },
  annual_volatility: {
    label: 'Annual volatility',
    format: 'percent',
    definition: 'Sample standard deviation of per-bar returns × √(bars per year).',
  },
  sharpe_ratio: {
    label: 'Sharpe',
    format: 'ratio',
    definition: 'Mean per-bar excess return / std of per-bar returns × √(bars per year).',
  },
  sortino_ratio: {
    label: 'Sortino',
    format: 'ratio',
    definition: 'Mean per-bar excess return / downside deviation (over all returns) × √(bars per year).',
  },
  max_drawdown: {
    label: 'Max drawdown',
    format: 'percent',
    definition: 'Largest fall below the running peak (the initial equity counts as a peak), as a fraction of the peak.',
  },
  max_drawdown_duration_bars: {
    label: 'Max DD duration (bars)',
    format: 'count',
    definition: 'Bars of the longest under-water stretch, from a peak to its recovery or the last bar.',
  },
  max_drawdown_duration_days: {
    label: 'Max DD duration (days)',
    format: 'days',
    definition: 'That same stretch in calendar days.',
  },
  calmar_ratio: { label: 'Calmar', format: 'ratio', definition: 'CAGR / max drawdown (0 without a drawdown).' },
  exposure: { label: 'Exposure', format: 'percent', definition: 'Fraction of bars with a position open at the close.' },
  trade_count: { label: 'Trades', format: 'count', definition: 'Number of closed trades N.' },
  win_rate: { label: 'Win rate', format: 'percent', definition: 'Winning trades / N.' },
  profit_factor: { label: 'Profit factor', format: 'ratio', definition: 'Gross profit / gross loss.' },
  average_trade: { label: 'Average trade', format: 'money', definition: 'Σ net pnl / N.' },
  average_trade_return: {
    label: 'Average trade return',
    format: 'percent',
    definition: 'Σ trade return (pnl over the position’s notional) / N.',
  },
  average_win: { label: 'Average win', format: 'money', definition: 'Gross profit / winning trades.' },
  average_loss: { label: 'Average loss', format: 'money', definition: 'Gross loss / losing trades (positive).' },
  gross_profit: { label: 'Gross profit', format: 'money', definition: 'Σ pnl over winning trades.' },
  gross_loss: { label: 'Gross loss', format: 'money', definition: 'Σ |pnl| over losing trades (positive).' },
  net_profit: { label: 'Net profit', format: 'money', definition: 'Σ net pnl of every trade (commissions deducted).' },
  largest_win: { label: 'Largest win', format: 'money', definition: 'Largest pnl of a winning trade.' },
  largest_loss: { label: 'Largest loss', format: 'money', definition: 'Largest |pnl| of a losing trade (positive).' },
  average_bars_held: { label: 'Average bars held', format: 'ratio', definition: 'Σ bars held / N.' },
} as const satisfies { readonly [K in MetricName]: MetricInfo };
