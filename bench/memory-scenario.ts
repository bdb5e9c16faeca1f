/**
 * One memory scenario of bench/memory.ts, run in a process of its own so its peak RSS is
 * its own: prints one JSON line {scenario, bars, books, seconds, peak_rss_mb}.
 *
 *   node --import tsx bench/memory-scenario.ts disk 1000000
 *   node --import tsx bench/memory-scenario.ts sweep 1000
 *   node --import tsx bench/memory-scenario.ts sweep5m 10000
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
import { loadYamlFile } from '../src/config/yaml-source.ts';
import { sweepCombinations, windowed } from '../src/sequencer/passes.ts';
import { resolveSequence } from '../src/sequencer/resolve-sequence.ts';
import { loadSpyColumns } from './spy-columns.ts';

const [mode = 'disk', size = '1000000'] = process.argv.slice(2);
const silent = pino({ level: 'silent' });

/**
 * A `parameter_sweep` of SMA crossovers over SPY 5m (20,769 bars) as the CLI runs it: in
 * shards of 250 combinations sharing one data pass each, metrics only. The grid is fast
 * 2..101 × slow from 110 in steps of 10, as many slow periods as make up `combos`.
 */
async function sweepOverSpy5m(combos: number): Promise<void> {
  const slowCount = Math.ceil(combos / 100);
  const config = 'examples/spy-sma-crossover.yaml';
  const loadedSweep = await loadWorkflow(config, {
    sets: [
      'strategies[0].params.fast_period=range(2, 102)',
      `strategies[0].params.slow_period=range(110, ${110 + 10 * slowCount}, 10)`,
      'portfolio.sizing={type: fixed, quantity: 100}',
    ],
  });
  const sequence = await resolveSequence(
    await loadYamlFile(config),
    ['sequence'],
    { type: 'parameter_sweep', shard_size: 250, resume: false },
    [],
  );
  const { wf } = await windowed(loadedSweep, sequence);
  const t0 = process.hrtime.bigint();
  const req = { phase: 'memory', loaded: loadedSweep, sequence, phaseDir: null, logger: silent, storeDir: null };
  const out = await sweepCombinations(req, wf, { shard_size: 250, resume: false });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (out.status !== 'completed') throw new Error(`sweep5m ${combos}: ${out.status} ${String(out.failure)}`);
  const peak = process.resourceUsage().maxRSS / 1024;
  console.log(
    JSON.stringify({
      scenario: `sweep5m ${combos}`,
      bars: Number(out.books[0]?.metrics['bars'] ?? 0),
      books: out.books.length,
      seconds: Number(seconds.toFixed(2)),
      peak_rss_mb: Number(peak.toFixed(1)),
      points_in_memory: 0,
    }),
  );
}

/** One graph over a source: the backtest by run length and storage, or the one-graph sweep. */
async function oneGraph(): Promise<void> {
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
  if (outcome.status !== 'completed')
    throw new Error(`${mode} ${size}: ${outcome.status} ${String(outcome.failure?.error)}`);
  const peak = process.resourceUsage().maxRSS / 1024;
  // Keep the result alive until RSS is read, so memory mode's series count.
  const kept = outcome.books.reduce((n, b) => n + (b.equity?.length ?? 0) + (b.trades?.length ?? 0), 0);
  rmSync(dir, { recursive: true, force: true });
  console.log(
    JSON.stringify({
      scenario: `${mode} ${size}`,
      bars: outcome.bars,
      books: outcome.books.length,
      seconds: Number(seconds.toFixed(2)),
      peak_rss_mb: Number(peak.toFixed(1)),
      points_in_memory: kept,
    }),
  );
}

await (mode === 'sweep5m' ? sweepOverSpy5m(Number(size)) : oneGraph());
