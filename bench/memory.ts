/**
 * Peak RSS of the backtest graph by run length and storage mode, of a 1,000-strategy
 * sweep in one graph over SPY 1m, and of a 10,000-combination `parameter_sweep` over SPY 5m
 * (shards of 250, as the CLI runs it; target < 1 GB). Each scenario runs in a fresh process (bench/memory-scenario.ts) so its peak is
 * its own.
 *
 *   npm run bench:memory              # all scenarios (the 10M-bar and sweep runs take minutes)
 *   npm run bench:memory -- --quick   # 100k and 1M bars only
 *
 * Targets (issue #5): in disk mode peak RSS grows by less than 10% from 1M to 10M bars;
 * memory mode's growth per bar is reported.
 */
import { execFileSync } from 'node:child_process';

interface Row {
  scenario: string;
  bars: number;
  books: number;
  seconds: number;
  peak_rss_mb: number;
  points_in_memory: number;
}

const quick = process.argv.includes('--quick');
const scenarios: [string, string][] = [
  ['disk', '100000'],
  ['disk', '1000000'],
  ...(quick ? [] : ([['disk', '10000000']] as [string, string][])),
  ['memory', '100000'],
  ['memory', '1000000'],
  ...(quick
    ? []
    : ([
        ['sweep', '1000'],
        ['sweep5m', '10000'],
      ] as [string, string][])),
];

const rows: Row[] = [];
for (const [mode, size] of scenarios) {
  const out = execFileSync('node', ['--import', 'tsx', 'bench/memory-scenario.ts', mode, size], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  const row = JSON.parse(out.trim().split('\n').pop()!) as Row;
  rows.push(row);
  console.log(
    `${row.scenario.padEnd(16)} ${row.bars.toLocaleString('en-US').padStart(11)} bars  ${String(row.books).padStart(5)} book(s)  ` +
      `${row.seconds.toFixed(1).padStart(6)} s  peak RSS ${row.peak_rss_mb.toFixed(0).padStart(5)} MB`,
  );
}

const find = (s: string) => rows.find((r) => r.scenario === s);
const d1 = find('disk 1000000');
const d10 = find('disk 10000000');
if (d1 !== undefined && d10 !== undefined) {
  const growth = (d10.peak_rss_mb / d1.peak_rss_mb - 1) * 100;
  console.log(`disk mode, 1M → 10M bars: peak RSS ${growth >= 0 ? '+' : ''}${growth.toFixed(1)}% (target < 10%)`);
}
const m0 = find('memory 100000');
const m1 = find('memory 1000000');
if (m0 !== undefined && m1 !== undefined) {
  const perBar = ((m1.peak_rss_mb - m0.peak_rss_mb) * 1024 * 1024) / (m1.bars - m0.bars);
  console.log(
    `memory mode: ≈ ${perBar.toFixed(0)} bytes of RSS per bar per book (equity point + trades kept in the result)`,
  );
}
const big = find('sweep5m 10000');
if (big !== undefined)
  console.log(`10,000-combination sweep over SPY 5m: peak RSS ${big.peak_rss_mb.toFixed(0)} MB (target < 1 GB)`);
