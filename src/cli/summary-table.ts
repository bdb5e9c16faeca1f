import type { BookResult } from '../sequencer/run-phase.ts';

const pct = (v: number): string => `${(v * 100).toFixed(2)}%`;
const num = (v: number | null, digits = 2): string => (v === null || !Number.isFinite(v) ? 'n/a' : v.toFixed(digits));

/** The metrics shown after a run, in order, with their formatting. */
const ROWS: readonly [label: string, show: (m: BookResult['metrics']) => string][] = [
  ['Trades', (m) => String(m.trade_count)],
  ['Total return', (m) => pct(m.total_return)],
  ['CAGR', (m) => pct(m.cagr)],
  ['Annual volatility', (m) => pct(m.annual_volatility)],
  ['Sharpe', (m) => num(m.sharpe_ratio)],
  ['Sortino', (m) => num(m.sortino_ratio)],
  ['Max drawdown', (m) => pct(m.max_drawdown)],
  ['Max DD duration', (m) => `${m.max_drawdown_duration_bars} bars / ${num(m.max_drawdown_duration_days, 1)} days`],
  ['Calmar', (m) => num(m.calmar_ratio)],
  ['Win rate', (m) => pct(m.win_rate)],
  ['Profit factor', (m) => num(m.profit_factor)],
  ['Average trade', (m) => num(m.average_trade)],
  ['Exposure', (m) => pct(m.exposure)],
  ['Final equity', (m) => num(m.final_equity)],
];

/**
 * A plain-text table of the best books' metrics, one column per book (at most `columns`).
 */
export function summaryTable(ranked: readonly BookResult[], columns = 3): string {
  const books = ranked.slice(0, columns);
  if (books.length === 0) return '(no results)';
  const header = ['', ...books.map((b) => b.key)];
  const body = ROWS.map(([label, show]) => [label, ...books.map((b) => show(b.metrics))]);
  const table = [header, ...body];
  const widths = header.map((_, c) => Math.max(...table.map((row) => row[c]!.length)));
  const line = (row: string[]) =>
    row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ');
  const rule = widths.map((w) => '─'.repeat(w)).join('  ');
  return [line(header), rule, ...body.map(line)].join('\n');
}
