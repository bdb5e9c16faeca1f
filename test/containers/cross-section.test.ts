import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runConfig } from '../helpers/run.ts';
import { mergeSources } from '../../src/data/merge-sources.ts';
import { openBarSource } from '../../src/data/open-source.ts';

const DAYS = ['2024-01-02', '2024-01-03', '2024-01-04', '2024-01-05', '2024-01-08', '2024-01-09'];

/** Daily bars whose open is the previous close; `null` leaves the day out. */
function csv(closes: readonly (number | null)[]): string {
  let prev: number | undefined;
  const rows = closes.flatMap((c, d) => {
    if (c === null) return [];
    const open = prev ?? c;
    prev = c;
    return [`${DAYS[d]!},${open},${Math.max(open, c)},${Math.min(open, c)},${c},1000`];
  });
  return ['timestamp,open,high,low,close,volume', ...rows].join('\n') + '\n';
}

describe('cross-sectional strategy container (rotation)', () => {
  it('decides only on timestamps where every symbol has a bar; a symbol without one keeps its position, marked at its last close', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-cross-section-'));
    writeFileSync(join(dir, 'AAA.csv'), csv([10, 10.5, 11, 12, 13, 13.5]));
    // BBB has no bar on 2024-01-05.
    writeFileSync(join(dir, 'BBB.csv'), csv([20, 22, 25, null, 24, 30]));
    writeFileSync(
      join(dir, 'r.yaml'),
      `name: r
topology: backtest
data:
  sources:
    - { symbol: AAA, path: AAA.csv }
    - { symbol: BBB, path: BBB.csv }
  timeframe: 1d
strategies:
  - type: rotation
    params: { rank_by: roc(1), top_n: 1, rebalance: { every: 1 } }
portfolio: { initial_cash: 10000, close_at_end: false }
results: { storage: memory }
`,
    );
    const outcome = await runConfig(join(dir, 'r.yaml'), {
      source: (wf) =>
        mergeSources(wf.sources.map((s) => openBarSource({ path: s.path, symbol: s.symbol }, wf.baseDir))),
    });
    expect(outcome.status).toBe('completed');
    const book = outcome.books[0]!;
    // 01-03: BBB's roc 10 % beats AAA's 5 %: 454 BBB (10,000 / 22) at 01-04's open, 22.
    // 01-04: BBB again, 454 already. 01-05: BBB has no bar, no decision; its 454 shares
    // are marked at its 01-04 close, 25. 01-08: AAA 8.3 % beats BBB −4 %: BBB sold, 839
    // AAA bought (10,908 / 13) at 01-09's opens. 01-09: BBB again, never filled (last bar).
    expect(book.equity!.map((p) => p.equity)).toEqual([
      10000,
      10000,
      12 + 454 * 25,
      12 + 454 * 25,
      12 + 454 * 24,
      1 + 839 * 13.5,
    ]);
    expect(book.trades!.map((t) => [t.symbol, t.quantity, t.entryPrice, t.exitPrice, t.pnl])).toEqual([
      ['BBB', 454, 22, 24, 908],
    ]);
    const containers = [...outcome.containers.entries()];
    const strategy = containers.find(([id]) => id.startsWith('strategy'))![1];
    expect([strategy.rebalances, strategy.incomplete_timestamps]).toEqual([4, 1]);
    const portfolio = containers.find(([id]) => id.startsWith('portfolio'))![1];
    expect(portfolio.open_positions).toEqual({ AAA: 839 });
    expect(outcome.bars).toBe(11);
    expect(portfolio.notices).toBe(2);
  });

  it('every: session rebalances at the first decision point of each New York trading day (SPY 5m)', async () => {
    const outcome = await runConfig('examples/spy-sma-crossover.yaml', {
      sets: ["strategies=[{type: rotation, params: {rank_by: 'roc(12)', rebalance: {every: session}}}]"],
    });
    expect(outcome.status).toBe('completed');
    const strategy = [...outcome.containers.entries()].find(([id]) => id.startsWith('strategy'))![1];
    // Independently: the New York dates of the bars from the 13th on (roc(12) is ready there).
    const lines = readFileSync('examples/data/SPY_5m.csv', 'utf8').trim().split('\n').slice(1);
    const day = new Intl.DateTimeFormat('en-CA', {
      timeZone: 'America/New_York',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
    const sessions = new Set(lines.slice(12).map((l) => day.format(Date.parse(l.split(',')[0]!))));
    expect(sessions.size).toBeGreaterThan(250);
    expect(strategy.rebalances).toBe(sessions.size);
  });
});
