/**
 * A Monte Carlo phase's section: percentile bands of the bootstrapped equity and the
 * distribution of the draws' drawdowns (the `paths` block monte-carlo-paths.ts adds to
 * `monte_carlo` in the phase summary), with the summary statistics as a table.
 */

import type { MonteCarloSection } from './report-data.ts';
import { num } from './read-results.ts';
import type { MonteCarloBlock } from '../results/schema/phase-summary.ts';

/** The bootstrapped statistics: each has its actual value and a summary over the draws. */
type StatKey = 'total_return' | 'max_drawdown' | 'mean_trade_return' | 'trade_sharpe';

const STATS: readonly { key: StatKey; label: string; format: 'percent' | 'ratio' }[] = [
  { key: 'total_return', label: 'Total return', format: 'percent' },
  { key: 'max_drawdown', label: 'Max drawdown (trade by trade)', format: 'percent' },
  { key: 'mean_trade_return', label: 'Mean trade return', format: 'percent' },
  { key: 'trade_sharpe', label: 'Trade Sharpe (not annualized)', format: 'ratio' },
];

/** Builds the section from `phase_summary.json`'s `monte_carlo` block. */
export function monteCarloSection(heading: string, block: MonteCarloBlock, initialEquity: number): MonteCarloSection {
  const notes: string[] = [];
  const paths = block.paths ?? null;
  if (paths === null)
    notes.push(
      'No equity bands: this run’s monte_carlo block has no paths (written by newer engine versions); rerun to get them.',
    );
  const hist = paths?.max_drawdown_histogram ?? null;
  const actual = block.actual;
  const numbers = (v: readonly number[]): number[] => v.map((x) => num(x) ?? 0);
  const bands: Record<string, number[]> = {};
  if (paths !== null) for (const [k, v] of Object.entries(paths.bands)) bands[k] = numbers(v);
  notes.push(
    `${String(block.draws ?? '?')} histories of ${String(block.trades)} trades resampled with replacement (block size ${String(block.block_size ?? 1)}, seed ${String(block.seed ?? '?')}); probability of a loss ${((num(block.probability_of_loss) ?? 0) * 100).toFixed(1)} %. Drawdowns are measured trade by trade, so they understate the bar-level drawdown.`,
  );
  return {
    kind: 'monte_carlo',
    heading,
    initial_equity: initialEquity,
    trade_index: paths === null ? [] : numbers(paths.trade_index),
    bands,
    actual: paths === null ? [] : numbers(paths.actual),
    histogram: {
      min: hist === null ? 0 : (num(hist.min) ?? 0),
      max: hist === null ? 0 : (num(hist.max) ?? 0),
      counts: hist === null ? [] : numbers(hist.counts),
      actual: num(actual?.max_drawdown),
    },
    stats: {
      columns: [
        { label: 'Statistic', format: 'text' },
        { label: 'Actual', format: 'ratio' },
        { label: 'Mean', format: 'ratio' },
        { label: 'p5', format: 'ratio' },
        { label: 'p25', format: 'ratio' },
        { label: 'Median', format: 'ratio' },
        { label: 'p75', format: 'ratio' },
        { label: 'p95', format: 'ratio' },
        { label: 'CI low', format: 'ratio' },
        { label: 'CI high', format: 'ratio' },
      ],
      rows: STATS.flatMap((s) => {
        const d = block[s.key];
        if (d === undefined) return [];
        // Columns share one format, so fractions are shown as percentages in numbers (label says %).
        const scale = s.format === 'percent' ? 100 : 1;
        const v = (x: number | null): number | null => (x === null ? null : x * scale);
        const label = s.format === 'percent' ? `${s.label}, %` : s.label;
        return [
          [
            label,
            v(num(actual?.[s.key])),
            ...(['mean', 'p5', 'p25', 'p50', 'p75', 'p95', 'ci_low', 'ci_high'] as const).map((k) => v(num(d[k]))),
          ],
        ];
      }),
    },
    notes,
  };
}
