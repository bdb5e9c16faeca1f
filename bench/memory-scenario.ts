/**
 * One memory scenario of bench/memory.ts, run in a process of its own so its peak RSS is
 * its own: prints one JSON line {scenario, bars, books, seconds, peak_rss_mb}.
 *
 *   node --import tsx bench/memory-scenario.ts disk 1000000
 *   node --import tsx bench/memory-scenario.ts sweep 1000
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { loadWorkflow } from '../src/load/load-workflow.ts';
import { runPhase } from '../src/sequencer/run-phase.ts';
import { repeatSource } from '../src/data/repeat-source.ts';
import { ParquetBarSource } from '../src/data/parquet-source.ts';
import type { BarSource } from '../src/data/bar-source.ts';
import { loadSpyColumns } from './spy-columns.ts';

const [mode = 'disk', size = '1000000'] = process.argv.slice(2);
const silent = pino({ level: 'silent' });

let sets: string[];
let source: BarSource;
if (mode === 'sweep') {
  // 1,000 SMA crossovers (fast 2..41 × slow 50..290 step 10, all valid) over SPY 1m,
  // one graph; disk storage, one equity point per trading day (390 one-minute bars).
  const combos = Number(size);
  const slowCount = Math.ceil(combos / 40);
  sets = [
    'results.storage=disk',
    'results.equity_every=390',
    'data.timeframe=1m',
    'strategies[0].params.fast_period=range(2, 42)',
    `strategies[0].params.slow_period=range(50, ${50 + 10 * slowCount}, 10)`,
  ];
  source = new ParquetBarSource({ file: 'bench/data/SPY_1m.parquet', symbol: 'SPY' });
} else {
  const base = await loadSpyColumns();
  const times = Math.max(1, Math.round(Number(size) / base.ts.length));
  sets = [`results.storage=${mode}`];
  source = repeatSource(base, times, { symbol: 'SPY' });
}

const loaded = await loadWorkflow('examples/spy-sma-crossover.yaml', { sets });
const dir = mkdtempSync(join(tmpdir(), 'sluice-mem-'));
const t0 = process.hrtime.bigint();
const outcome = await runPhase({ ...loaded, source, phaseDir: mode === 'memory' ? null : dir, logger: silent });
const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
if (outcome.status !== 'completed') throw new Error(`${mode} ${size}: ${outcome.status} ${String(outcome.failure?.error)}`);
const peak = process.resourceUsage().maxRSS / 1024;
// Keep the result alive until RSS is read, so memory mode's series count.
const kept = outcome.books.reduce((n, b) => n + (b.equity?.length ?? 0) + (b.trades?.length ?? 0), 0);
rmSync(dir, { recursive: true, force: true });
console.log(
  JSON.stringify({ scenario: `${mode} ${size}`, bars: outcome.bars, books: outcome.books.length, seconds: Number(seconds.toFixed(2)), peak_rss_mb: Number(peak.toFixed(1)), points_in_memory: kept }),
);
