/**
 * Sweep on worker threads (issue #16, item 4): a 2,000-combination SMA-crossover sweep
 * over SPY 5m run as a `parameter_sweep` in this thread, then on a pool of 2 worker
 * threads (`--workers 2`), in the same process. The two must give byte-identical results
 * (the book summaries the results folder lists, serialised) or the bench fails.
 *
 *   npm run bench:workers
 *   npm run bench:workers -- --threads 2 --shard 250 --json workers.json --record
 *
 * The two-thread time includes starting the pool and its threads loading the code, as a
 * `sluice run --workers 2` pays them. Target: a speed-up of at least 1.8× on a 2-core
 * machine; on a machine shared with other work the speed-up says little (the load
 * average is printed beside it), while the CPU time the pool spends beyond one thread's
 * (start-up, loading, each shard re-reading the bars) does not depend on it.
 */
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { loadWorkflow } from '../src/load/load-workflow.ts';
import { loadYamlFile } from '../src/config/yaml-source.ts';
import { sweepCombinations, windowed } from '../src/sequencer/passes.ts';
import { resolveSequence } from '../src/sequencer/resolve-sequence.ts';
import { shardPool, type ShardRunner } from '../src/sequencer/shard-pool.ts';
import { currentCommit, lastRecorded, record } from './history.ts';

const { values: args } = parseArgs({
  options: {
    threads: { type: 'string', default: '2' },
    shard: { type: 'string', default: '250' },
    json: { type: 'string' },
    record: { type: 'boolean', default: false },
  },
});
const threads = Number(args.threads);
const shard = Number(args.shard);
const logger = pino({ level: 'silent' });
const config = 'examples/spy-sma-crossover.yaml';
// fast 2..41 × slow 50..540 step 10: 40 × 50 = 2,000 combinations, all with slow > fast.
const sets = [
  'strategies[0].params.fast_period=range(2, 42, 1)',
  'strategies[0].params.slow_period=range(50, 550, 10)',
  "strategies[0].constraint='slow_period > fast_period'",
  'portfolio.sizing={type: fixed, quantity: 100}',
];
const loaded = await loadWorkflow(config, { sets });
const source = await loadYamlFile(config);
const combinations = loaded.wf.strategies.length;

/** Seconds for the whole sweep (pool start and stop included) and its results serialised. */
async function sweep(pool: () => ShardRunner | undefined): Promise<{ seconds: number; cpuSeconds: number; results: string }> {
  const sequence = await resolveSequence(source, ['sequence'], { type: 'parameter_sweep', shard_size: shard, resume: false }, []);
  const { wf } = await windowed(loaded, sequence);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const workers = pool();
  let closed = false;
  try {
    const req = { phase: 'bench', loaded, sequence, phaseDir: null, logger, storeDir: null, workers };
    const out = await sweepCombinations(req, wf, { shard_size: shard, resume: false });
    if (out.status !== 'completed' || out.books.length !== combinations) throw new Error(`sweep ${out.status}: ${out.failure}`);
    await workers?.close();
    closed = true;
    const cpu = process.cpuUsage(cpu0);
    return { seconds: (performance.now() - t0) / 1000, cpuSeconds: (cpu.user + cpu.system) / 1e6, results: JSON.stringify(out.books) };
  } finally {
    if (!closed) await workers?.close();
  }
}

const one = await sweep(() => undefined);
const two = await sweep(() => shardPool(threads));
const identical = one.results === two.results;
const speedup = one.seconds / two.seconds;
const commit = currentCommit();
const result = {
  combinations,
  one_thread_seconds: Number(one.seconds.toFixed(2)),
  two_threads_seconds: Number(two.seconds.toFixed(2)),
  speedup: Number(speedup.toFixed(2)),
  identical,
};
console.log(
  [
    `workers @ ${commit} (${process.version}), ${combinations.toLocaleString('en-US')} combinations, shard ${shard}`,
    `  one thread        ${one.seconds.toFixed(2)} s`,
    `  ${threads} worker threads  ${two.seconds.toFixed(2)} s (pool start included)`,
    `  CPU time          ${one.cpuSeconds.toFixed(2)} s in one thread, ${two.cpuSeconds.toFixed(2)} s over the pool's threads (${((two.cpuSeconds / one.cpuSeconds - 1) * 100).toFixed(0)}% more: start-up, loading, re-reading the bars)`,
    `  speed-up          ${speedup.toFixed(2)}× (target ≥ 1.8×: ${speedup >= 1.8 ? 'met' : 'MISSED'}; load average ${loadavg()[0]!.toFixed(1)})`,
    `  results           ${identical ? `identical (${one.results.length.toLocaleString('en-US')} bytes)` : 'DIFFERENT'}`,
  ].join('\n'),
);
const prev = lastRecorded('workers');
if (prev !== undefined) console.log(`  previous @ ${String(prev['commit'])}: ${String(prev['speedup'])}×`);
const cpu = { one_thread_cpu_seconds: Number(one.cpuSeconds.toFixed(2)), two_threads_cpu_seconds: Number(two.cpuSeconds.toFixed(2)) };
if (args.record) record({ bench: 'workers', commit, node: process.version, threads, shard, ...result, ...cpu, load_average: Number(loadavg()[0]!.toFixed(2)) });
if (args.json !== undefined) writeFileSync(args.json, `${JSON.stringify(result, null, 2)}\n`);
if (!identical) {
  console.error('the worker threads gave different results');
  process.exitCode = 1;
}
