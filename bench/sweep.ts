/**
 * Sweep throughput (issues #7 and #16): a 1,000-combination SMA-crossover sweep over SPY 5m
 * (20,769 bars) run as a `parameter_sweep` (combinations in shards that share one data
 * pass and one feature hub), side by side in the same process with
 *
 * - a plain TypeScript kernel doing exactly the sweep's arithmetic (bench/sweep-kernel.ts:
 *   the SMAs, signals, next-open fills, slippage and commission, equity every bar, Sharpe),
 *   which must agree with the engine on every combination's trade count and final equity,
 *   or the bench fails: the ratio would compare different work;
 * - the same combinations each run as its own graph (shard size 1, a sample of them,
 *   extrapolated), the speed-up of the shared hub.
 *
 *   npm run bench:sweep                                 # 1,000 combinations, 40 solo samples
 *   npm run bench:sweep -- --solo 0 --json sweep.json --record
 *   npm run bench:sweep -- --solo 0 --engine per_event   # the per-event graph, to compare
 *
 * Grid: fast_period 2..41 × slow_period 50..290 step 10 = 1,000 combinations under the
 * constraint slow_period > fast_period (which holds for all of them), fixed 100-share
 * sizing. Targets (issue #16, for the engine rewrite): the engine within 3× of the kernel,
 * and the sweep under 1 s on one thread. Nothing is written to disk and the resume store
 * is off, so every combination is computed.
 */
import { parseArgs } from 'node:util';
import pino from 'pino';
import { loadWorkflow } from '../src/load/load-workflow.ts';
import { resolveSequence } from '../src/sequencer/resolve-sequence.ts';
import { sweepCombinations, windowed } from '../src/sequencer/passes.ts';
import { loadYamlFile } from '../src/config/yaml-source.ts';
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { currentCommit, lastRecorded, record } from './history.ts';
import { loadSpyColumns } from './spy-columns.ts';
import { runSweepKernel, type Combination, type KernelBook } from './sweep-kernel.ts';

const { values: args } = parseArgs({
  options: {
    solo: { type: 'string', default: '40' },
    shard: { type: 'string', default: '250' },
    rounds: { type: 'string', default: '1' },
    json: { type: 'string' },
    record: { type: 'boolean', default: false },
    // per_event: the engine event by event, as before the fused columnar path (to compare).
    engine: { type: 'string', default: 'auto' },
  },
});
const logger = pino({ level: 'silent' });
const config = 'examples/spy-sma-crossover.yaml';
const sets = [
  'strategies[0].params.fast_period=range(2, 42, 1)',
  'strategies[0].params.slow_period=range(50, 300, 10)',
  "strategies[0].constraint='slow_period > fast_period'",
  'portfolio.sizing={type: fixed, quantity: 100}',
  `execution.engine=${args.engine}`,
];

const loaded = await loadWorkflow(config, { sets });
const source = await loadYamlFile(config);
const combos = loaded.wf.strategies.length;

interface SweepRun {
  seconds: number;
  cpuSeconds: number;
  bars: number;
  books: { trades: number; finalEquity: number }[];
}

async function sweep(strategies: typeof loaded.wf.strategies, shard: number): Promise<SweepRun> {
  const sequence = await resolveSequence(
    source,
    ['sequence'],
    { type: 'parameter_sweep', shard_size: shard, resume: false },
    [],
  );
  const { wf } = await windowed(loaded, sequence);
  const req = { phase: 'bench', loaded, sequence, phaseDir: null, logger, storeDir: null };
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const out = await sweepCombinations(req, { ...wf, strategies }, { shard_size: shard, resume: false });
  const seconds = (performance.now() - t0) / 1000;
  const cpuSeconds = cpuSince(cpu0);
  if (out.status !== 'completed' || out.books.length !== strategies.length)
    throw new Error(`sweep ${out.status}: ${out.failure}`);
  const books = out.books.map((b) => ({
    trades: Number(b.metrics['trade_count']),
    finalEquity: Number(b.metrics['final_equity']),
  }));
  return { seconds, cpuSeconds, bars: Number(out.books[0]!.metrics['bars']), books };
}

/** The kernel over the same file as the engine reads, timed from the file read on. */
async function kernel(): Promise<{ seconds: number; cpuSeconds: number; books: KernelBook[] }> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const cols = await loadSpyColumns(loaded.wf.sources[0]!.path);
  const bars = {
    ts: Float64Array.from(cols.ts),
    open: Float64Array.from(cols.open),
    close: Float64Array.from(cols.close),
  };
  const books = runSweepKernel(bars, combinations, loaded.wf.config);
  return { seconds: (performance.now() - t0) / 1000, cpuSeconds: cpuSince(cpu0), books };
}

/** CPU seconds of this process since `from` (all threads; on a shared machine, steadier than the wall clock). */
function cpuSince(from: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(from);
  return (used.user + used.system) / 1e6;
}

const combinations: Combination[] = loaded.wf.strategies.map((s) => {
  const p = s.params as { fast_period: number; slow_period: number };
  return { fast: p.fast_period, slow: p.slow_period };
});
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const shard = Number(args.shard);
const rounds = Number(args.rounds);

// The kernel once for the JIT, then engine and kernel alternate so drift hits both alike.
await kernel();
const engineRuns: SweepRun[] = [];
const kernelRuns: { seconds: number; cpuSeconds: number; books: KernelBook[] }[] = [];
for (let r = 0; r < rounds; r++) {
  engineRuns.push(await sweep(loaded.wf.strategies, shard));
  kernelRuns.push(await kernel());
}
const shared = {
  ...engineRuns[0]!,
  seconds: median(engineRuns.map((r) => r.seconds)),
  cpuSeconds: median(engineRuns.map((r) => r.cpuSeconds)),
};
const kernelSeconds = median(kernelRuns.map((r) => r.seconds));
const kernelCpuSeconds = median(kernelRuns.map((r) => r.cpuSeconds));
const kernelBooks = kernelRuns[0]!.books;
const disagreeing = shared.books.flatMap((b, i) => {
  const k = kernelBooks[i]!;
  const same = b.trades === k.trades && Math.abs(b.finalEquity - k.finalEquity) <= 1e-9 * Math.abs(k.finalEquity);
  return same
    ? []
    : [
        `${combinations[i]!.fast}/${combinations[i]!.slow}: engine ${b.trades} trades, ${b.finalEquity}; kernel ${k.trades} trades, ${k.finalEquity}`,
      ];
});
const agree = disagreeing.length === 0 && shared.books.length === kernelBooks.length;

const fmt = (x: number, d = 1) => x.toFixed(d);
const rows = [
  ['combinations', String(combos)],
  ['bars per combination', String(shared.bars)],
  [
    `engine, shared graphs (shard ${shard})`,
    `${fmt(shared.seconds, 2)} s, ${fmt((combos * shared.bars) / shared.seconds / 1e6, 2)} M combination-bars/s`,
  ],
  [
    'plain kernel',
    `${fmt(kernelSeconds, 3)} s, ${fmt((combos * shared.bars) / kernelSeconds / 1e6, 2)} M combination-bars/s`,
  ],
  [
    'engine / kernel',
    `${fmt(shared.seconds / kernelSeconds, 1)}× (target ≤ 3×: ${shared.seconds / kernelSeconds <= 3 ? 'met' : 'MISSED'})`,
  ],
  [
    'engine / kernel in CPU time',
    `${fmt(shared.cpuSeconds / kernelCpuSeconds, 1)}× (${fmt(shared.cpuSeconds, 2)} s / ${fmt(kernelCpuSeconds, 3)} s; load average ${fmt(loadavg()[0]!, 1)})`,
  ],
  ['agreement (trades, final equity)', agree ? `all ${combos} combinations` : `${disagreeing.length} DIFFER`],
];
const n = Math.min(Number(args.solo), combos);
if (n > 0) {
  // Every k-th combination, so the sample spans fast and slow periods alike.
  const sample = loaded.wf.strategies.filter((_, i) => i % Math.floor(combos / n) === 0).slice(0, n);
  const solo = await sweep(sample, 1);
  const soloAll = (solo.seconds / sample.length) * combos;
  rows.push(
    [
      `one graph each (${sample.length} sampled)`,
      `${fmt(solo.seconds, 2)} s → ${fmt(soloAll, 1)} s for all, ${fmt((sample.length * solo.bars) / solo.seconds / 1e6, 2)} M combination-bars/s`,
    ],
    ['speed-up of the shared hub', `${fmt(soloAll / shared.seconds, 2)}×`],
  );
}
rows.push(['target (< 1 s on one thread)', shared.seconds < 1 ? 'met' : 'MISSED']);
const w = Math.max(...rows.map((r) => r[0]!.length));
const commit = currentCommit();
console.log(`sweep @ ${commit} (${process.version}), median of ${rounds}`);
for (const [k, v] of rows) console.log(`  ${k!.padEnd(w)}  ${v}`);
for (const line of disagreeing.slice(0, 10)) console.error(`  differs: ${line}`);

const result = {
  combinations: combos,
  bars: shared.bars,
  engine_seconds: Number(shared.seconds.toFixed(3)),
  kernel_seconds: Number(kernelSeconds.toFixed(4)),
  ratio_to_kernel: Number((shared.seconds / kernelSeconds).toFixed(2)),
  results_agree: agree,
};
const cpu = {
  engine_cpu_seconds: Number(shared.cpuSeconds.toFixed(3)),
  kernel_cpu_seconds: Number(kernelCpuSeconds.toFixed(4)),
  load_average: Number(loadavg()[0]!.toFixed(2)),
};
const prev = lastRecorded('sweep');
if (prev !== undefined) {
  console.log(
    `  previous @ ${String(prev['commit'])}: engine ${String(prev['engine_seconds'])} s, ${String(prev['ratio_to_kernel'])}× the kernel`,
  );
}
if (args.record)
  record({ bench: 'sweep', commit, node: process.version, shard, rounds, engine: args.engine, ...result, ...cpu });
if (args.json !== undefined) writeFileSync(args.json, `${JSON.stringify(result, null, 2)}\n`);
if (!agree) {
  console.error('the engine and the kernel disagree: the comparison is void');
  process.exitCode = 1;
}
