/**
 * The sparse signal store (issue #4): a 1,000-combination SMA-crossover grid (fast 2..41 ×
 * slow 50..290 step 10) over SPY 1-minute bars (bench/data/SPY_1m.parquet, 102,236 bars)
 * in signal-generation mode, written to a Parquet store. Each scenario runs in a fresh
 * process so its peak RSS is its own:
 *
 * - `fresh`: every combination computed, the store written row group by row group
 *   (results storage disk: no rows kept in memory);
 * - `reuse`: the same grid against that store: nothing computed;
 * - `grow`: the grid plus slow 300 (40 more combinations): 40 computed, merged in;
 * - `memory`: as fresh, but with results storage memory (every row also kept in the
 *   returned result), for contrast;
 * - `nostore`: the same graph with no store at all (the sink counts rows and drops them):
 *   the baseline the store's own memory is measured against.
 *
 *   npm run bench:signals
 *   npm run bench:signals -- --combos 200     # a smaller grid (fast 2..41 × fewer slow)
 *   npm run bench:signals -- --row-group 25000   # smaller row groups (signals.row_group_rows)
 *
 * Prints one line per scenario: seconds, peak RSS, rows, row groups and store size.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';

const { values: args } = parseArgs({
  options: {
    scenario: { type: 'string' },
    store: { type: 'string' },
    combos: { type: 'string', default: '1000' },
    extra: { type: 'string', default: '0' },
    'row-group': { type: 'string', default: '100000' },
  },
});

interface Row {
  scenario: string;
  combinations: number;
  reused: number;
  computed: number;
  seconds: number;
  peak_rss_mb: number;
  peak_heap_mb: number;
  signal_rows: number;
  row_groups: number;
  store_bytes: number;
}

async function scenario(
  name: string,
  store: string,
  combos: number,
  extraSlow: number,
  rowGroup: string,
): Promise<Row> {
  const { loadWorkflow } = await import('../src/load/load-workflow.ts');
  const { runWorkflow } = await import('../src/coordinator/run-workflow.ts');
  const slowCount = Math.ceil(combos / 40) + extraSlow;
  const sets = [
    'topology=signal_generation',
    'data.path=../bench/data/SPY_1m.parquet',
    'data.timeframe=1m',
    `results.storage=${name === 'memory' ? 'memory' : 'disk'}`,
    `signals.row_group_rows=${rowGroup}`,
    'strategies[0].params.fast_period=range(2, 42)',
    `strategies[0].params.slow_period=range(50, ${50 + 10 * slowCount}, 10)`,
    `signals.store=${JSON.stringify(store)}`,
  ];
  const loaded = await loadWorkflow('examples/spy-sma-crossover.yaml', {
    sets: name === 'nostore' ? sets.slice(0, -1) : sets,
  });
  let peakHeap = 0;
  const timer = setInterval(() => (peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed)), 50);
  const t0 = performance.now();
  const out = mkdtempSync(join(tmpdir(), 'sluice-bench-signals-'));
  try {
    if (name === 'nostore') {
      const { runPhase } = await import('../src/sequencer/run-phase.ts');
      const { openWorkflowSource } = await import('../src/data/workflow-source.ts');
      const outcome = await runPhase({
        wf: loaded.wf,
        plan: loaded.plan,
        source: openWorkflowSource(loaded.wf),
        phaseDir: null,
        logger: pino({ level: 'silent' }),
      });
      const seconds = (performance.now() - t0) / 1000;
      const rows = Number(outcome.containers.get('signals')?.['signal_rows'] ?? 0);
      return {
        scenario: name,
        combinations: loaded.wf.strategies.length,
        reused: 0,
        computed: loaded.wf.strategies.length,
        seconds,
        peak_rss_mb: process.resourceUsage().maxRSS / 1024,
        peak_heap_mb: peakHeap / 1024 / 1024,
        signal_rows: rows,
        row_groups: 0,
        store_bytes: 0,
      };
    }
    const result = await runWorkflow(loaded, { logger: pino({ level: 'silent' }), outDir: out });
    if (result.status !== 'completed') throw new Error(`run ${result.status}: ${result.result.reason}`);
    const seconds = (performance.now() - t0) / 1000;
    clearInterval(timer);
    peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
    const { readStoreMeta } = await import('../src/signals/read-store.ts');
    const meta = await readStoreMeta(store);
    const bytes = ['signals.parquet', 'regimes.parquet', 'metadata.json'].reduce(
      (n, f) => n + statSync(join(store, f)).size,
      0,
    );
    return {
      scenario: name,
      combinations: loaded.wf.strategies.length,
      reused: result.result.reused,
      computed: result.result.computed,
      seconds,
      peak_rss_mb: process.resourceUsage().maxRSS / 1024,
      peak_heap_mb: peakHeap / 1024 / 1024,
      signal_rows: meta.files.signals.rows,
      row_groups: meta.files.signals.row_groups,
      store_bytes: bytes,
    };
  } finally {
    clearInterval(timer);
    rmSync(out, { recursive: true, force: true });
  }
}

if (args.scenario !== undefined) {
  const row = await scenario(args.scenario, args.store!, Number(args.combos), Number(args.extra), args['row-group']);
  console.log(JSON.stringify(row));
} else {
  const combos = args.combos;
  const dir = mkdtempSync(join(tmpdir(), 'sluice-signal-store-'));
  const memDir = mkdtempSync(join(tmpdir(), 'sluice-signal-store-mem-'));
  const runs: [string, string, string][] = [
    ['fresh', dir, '0'],
    ['reuse', dir, '0'],
    ['grow', dir, '1'],
    ['memory', memDir, '0'],
    ['nostore', memDir, '0'],
  ];
  try {
    for (const [name, store, extra] of runs) {
      const out = execFileSync(
        'node',
        [
          '--import',
          'tsx',
          'bench/signal-store.ts',
          '--scenario',
          name,
          '--store',
          store,
          '--combos',
          combos,
          '--extra',
          extra,
          '--row-group',
          args['row-group'],
        ],
        {
          encoding: 'utf8',
          maxBuffer: 1 << 20,
        },
      );
      const r = JSON.parse(out.trim().split('\n').pop()!) as Row;
      console.log(
        `${r.scenario.padEnd(7)} ${String(r.combinations).padStart(5)} combos (${String(r.computed).padStart(4)} computed, ${String(r.reused).padStart(4)} reused)  ` +
          `${r.seconds.toFixed(1).padStart(6)} s  peak RSS ${r.peak_rss_mb.toFixed(0).padStart(5)} MB (heap ${r.peak_heap_mb.toFixed(0).padStart(4)} MB)  ` +
          `${r.signal_rows.toLocaleString('en-US').padStart(10)} signal rows in ${String(r.row_groups).padStart(3)} row groups, store ${(r.store_bytes / 1024 / 1024).toFixed(1)} MB ` +
          `(${(r.store_bytes / Math.max(1, r.signal_rows)).toFixed(1)} B/row)`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
    rmSync(memDir, { recursive: true, force: true });
  }
}
