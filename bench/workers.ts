/**
 * Sweep on worker threads (issue #16, item 4): a 2,000-combination SMA-crossover sweep
 * over SPY 5m run as a `parameter_sweep` in this thread, then as `--workers 2` (this
 * thread and one worker thread, taking pieces from a shared counter), in the same process.
 * The two must give byte-identical results (the book summaries the results folder lists,
 * serialised) or the bench fails.
 *
 *   npm run bench:workers
 *   npm run bench:workers -- --threads 2 --shard 250 --json workers.json --record
 *   SLUICE_DIST=0 npm run bench:workers -- --startup-only   # a thread's start-up on the TypeScript
 *
 * The two-thread time includes starting the pool and its thread loading the code and the
 * workflow, as a `sluice run --workers 2` pays them. Target: a speed-up of at least 1.8× on a 2-core
 * machine; on a machine shared with other work the speed-up says little (the load
 * average is printed beside it), while the CPU time the pool spends beyond one thread's
 * does not depend on it. So the bench also prints the CPU seconds of each worker thread
 * (Linux), and the start-up cost of a thread: the CPU seconds a fresh pool's thread takes
 * to compute one combination, less that combination in this thread.
 *
 * Beside it, the machine's ceiling: the same combinations split between separate
 * processes (bench/workers-part.ts), each already loaded and all started at one instant,
 * against one process computing them all: the speed-up the cores give with no pool at
 * all (`--skip-ceiling` leaves it out).
 *
 * Threads run dist/ when `npm run build` made it from this very src/, else the TypeScript
 * through tsx (src/runtime-mode.ts, threadModule); the bench says which. `SLUICE_DIST=0`
 * forces the TypeScript, `SLUICE_BUNDLE=0` the compiled tree instead of the thread bundle,
 * to compare.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { loadWorkflow } from '../src/load/load-workflow.ts';
import { loadYamlFile } from '../src/config/yaml-source.ts';
import { sweepCombinations, windowed } from '../src/sequencer/passes.ts';
import { resolveSequence } from '../src/sequencer/resolve-sequence.ts';
import { shardPool, type ShardPool } from '../src/sequencer/shard-pool.ts';
import { runLoadedShard } from '../src/sequencer/run-shard.ts';
import { threadModule } from '../src/runtime-mode.ts';
import { currentCommit, lastRecorded, record } from './history.ts';
import { cpuBetween, threadCpuSeconds } from './thread-cpu.ts';

const { values: args } = parseArgs({
  options: {
    threads: { type: 'string', default: '2' },
    shard: { type: 'string', default: '250' },
    json: { type: 'string' },
    record: { type: 'boolean', default: false },
    'startup-only': { type: 'boolean', default: false },
    // Skip the machine's ceiling (below): separate processes, no pool.
    'skip-ceiling': { type: 'boolean', default: false },
    // The slow period's step: 10 gives the issue's 2,000 combinations, 2 gives 10,000 (to
    // see how the speed-up grows with the work against the pool's fixed cost).
    'slow-step': { type: 'string', default: '10' },
  },
});
const threads = Number(args.threads);
const shard = Number(args.shard);
const logger = pino({ level: 'silent' });
const config = 'examples/spy-sma-crossover.yaml';
// fast 2..41 × slow 50..540 step 10: 40 × 50 = 2,000 combinations, all with slow > fast.
const sets = [
  'strategies[0].params.fast_period=range(2, 42, 1)',
  `strategies[0].params.slow_period=range(50, 550, ${Number(args['slow-step'])})`,
  "strategies[0].constraint='slow_period > fast_period'",
  'portfolio.sizing={type: fixed, quantity: 100}',
];
const loaded = await loadWorkflow(config, { sets });
const source = await loadYamlFile(config);
const combinations = loaded.wf.strategies.length;

interface SweepRun {
  readonly seconds: number;
  readonly cpuSeconds: number;
  /** CPU seconds of each worker thread (busiest first; empty in one thread or off Linux). */
  readonly threadSeconds: readonly number[];
  readonly results: string;
}

/** The whole sweep (pool start and stop included), timed, and its results serialised. */
async function sweep(pool: () => ShardPool | undefined): Promise<SweepRun> {
  const sequence = await resolveSequence(
    source,
    ['sequence'],
    { type: 'parameter_sweep', shard_size: shard, resume: false },
    [],
  );
  const { wf } = await windowed(loaded, sequence);
  const threads0 = threadCpuSeconds();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const workers = pool();
  let closed = false;
  try {
    const req = { phase: 'bench', loaded, sequence, phaseDir: null, logger, storeDir: null, workers };
    const out = await sweepCombinations(req, wf, { shard_size: shard, resume: false });
    if (out.status !== 'completed' || out.books.length !== wf.strategies.length)
      throw new Error(`sweep ${out.status}: ${out.failure}`);
    // Read before the pool closes: its threads' entries leave /proc when they end.
    const threadSeconds =
      workers === undefined
        ? []
        : cpuBetween(threads0, threadCpuSeconds())
            .filter((t) => t.isNew)
            .slice(0, workers.workerThreads)
            .map((t) => t.seconds);
    await workers?.close();
    closed = true;
    const cpu = process.cpuUsage(cpu0);
    return {
      seconds: (performance.now() - t0) / 1000,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      threadSeconds,
      results: JSON.stringify(out.books),
    };
  } finally {
    if (!closed) await workers?.close();
  }
}

const entry = threadModule('../src/coordinator/shard-worker.ts', import.meta.url);
const mode = entry.bundled
  ? 'the thread bundle, dist/threads/'
  : entry.compiled
    ? 'compiled dist/, unbundled (SLUICE_BUNDLE=0)'
    : 'TypeScript through tsx (no dist/ built from this src/ — npm run build — or SLUICE_DIST=0)';
// A thread's start-up: a fresh pool's worker computes one combination while this thread
// waits for it; the worker thread's CPU to that result (start, code, workflow load, one
// graph) less the same combination in this thread.
async function startup(): Promise<{ cpuSeconds: number; seconds: number }> {
  const wf = (await windowed(loaded, await resolveSequence(source, ['sequence'], { type: 'single_pass' }, []))).wf;
  const keys = wf.strategies.slice(0, 2).map((s) => s.key);
  const cpu0 = process.cpuUsage();
  const alone = await runLoadedShard(loaded, { keys: keys.slice(1), start: null, end: null, tradeFrom: null });
  const cpu = process.cpuUsage(cpu0);
  const aloneCpu = (cpu.user + cpu.system) / 1e6;
  const t0 = performance.now();
  const threads0 = threadCpuSeconds();
  const pool = shardPool(2);
  let seconds = 0;
  let workerDone: () => void = () => undefined;
  const workerResult = new Promise<void>((resolve) => (workerDone = resolve));
  try {
    await pool.sweep({
      task: { file: config, options: { sets }, keys, start: null, end: null, tradeFrom: null, bars: null },
      shardSize: 1,
      // This thread takes the first combination and waits: the worker takes the second.
      here: async () => {
        await workerResult;
        return { status: 'completed', error: null, books: [] };
      },
      onResult: async (r) => {
        if (r.books.length === 1) {
          seconds = (performance.now() - t0) / 1000;
          if (JSON.stringify(r.books) !== JSON.stringify(alone.books))
            throw new Error('the worker thread gave a different book');
          workerDone();
        } else if (r.status !== 'completed') throw new Error(`the worker thread failed: ${r.error}`);
      },
    });
    const worker = cpuBetween(threads0, threadCpuSeconds()).filter((t) => t.isNew)[0]?.seconds ?? Number.NaN;
    return { cpuSeconds: worker - aloneCpu, seconds };
  } finally {
    await pool.close();
  }
}
/**
 * The machine's ceiling for the speed-up: the sweep's combinations split between
 * `threads` separate processes, each with the workflow already loaded and started at the
 * same instant, against one such process computing them all. No pool, no thread start,
 * no messages: what the cores give when the work is simply cut in two. On 2 cores V8's
 * own helper threads (garbage collector, optimizing compiler) use part of the second core
 * for a single thread, so the ceiling is below 2×; the pool's speed-up cannot exceed it
 * by much (only by sharing those fixed costs, in one process).
 */
async function ceiling(): Promise<{ one: number; split: number; speedup: number }> {
  const part = new URL('./workers-part.ts', import.meta.url).pathname;
  const run = async (parts: number): Promise<number> => {
    // The processes load (tsx and the workflow) first; 4 s is ample on this machine.
    const at = Date.now() + 4000;
    const outs = await Promise.all(
      Array.from({ length: parts }, (_, i) =>
        promisify(execFile)(process.execPath, [
          ...process.execArgv,
          part,
          JSON.stringify({ config, sets, part: i, parts, shard, at }),
        ]),
      ),
    );
    const seconds = outs.map((o) => (JSON.parse(o.stdout) as { seconds: number }).seconds);
    if (Date.now() - at > 60_000) throw new Error('the ceiling took too long');
    return Math.max(...seconds);
  };
  const one = await run(1);
  const split = await run(threads);
  return { one, split, speedup: one / split };
}

const start = await startup();
if (args['startup-only']) {
  console.log(
    `thread start-up: ${start.cpuSeconds.toFixed(2)} CPU-s, first result after ${start.seconds.toFixed(2)} s (threads run ${mode}; load average ${loadavg()[0]!.toFixed(1)})`,
  );
  process.exit(0);
}
const one = await sweep(() => undefined);
const two = await sweep(() => shardPool(threads));
const identical = one.results === two.results;
const cap = args['skip-ceiling'] ? undefined : await ceiling();
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
    `  --workers ${threads}       ${two.seconds.toFixed(2)} s (this thread and ${threads - 1} worker thread${threads > 2 ? 's' : ''}; pool start included)`,
    `  CPU time          ${one.cpuSeconds.toFixed(2)} s in one thread, ${two.cpuSeconds.toFixed(2)} s over the pool's threads (${signed((two.cpuSeconds / one.cpuSeconds - 1) * 100)}%)${two.threadSeconds.length > 0 ? `; worker threads ${two.threadSeconds.map((t) => `${t.toFixed(2)} s`).join(', ')}` : ''}`,
    `  thread start-up   ${start.cpuSeconds.toFixed(2)} CPU-s, its first result ${start.seconds.toFixed(2)} s after the pool started (threads run ${mode})`,
    `  speed-up          ${speedup.toFixed(2)}× (target ≥ 1.8×: ${speedup >= 1.8 ? 'met' : 'MISSED'}; load average ${loadavg()[0]!.toFixed(1)})`,
    ...(cap === undefined
      ? []
      : [
          `  machine ceiling   ${cap.speedup.toFixed(2)}× (${threads} separate processes, loaded, ${(combinations / threads).toLocaleString('en-US')} combinations each: ${cap.split.toFixed(2)} s; one process, all: ${cap.one.toFixed(2)} s)`,
        ]),
    `  results           ${identical ? `identical (${one.results.length.toLocaleString('en-US')} bytes)` : 'DIFFERENT'}`,
  ].join('\n'),
);
const prev = lastRecorded('workers');
if (prev !== undefined) console.log(`  previous @ ${String(prev['commit'])}: ${String(prev['speedup'])}×`);
const cpu = {
  one_thread_cpu_seconds: Number(one.cpuSeconds.toFixed(2)),
  two_threads_cpu_seconds: Number(two.cpuSeconds.toFixed(2)),
  worker_thread_cpu_seconds: two.threadSeconds.map((t) => Number(t.toFixed(2))),
  thread_startup_cpu_seconds: Number(start.cpuSeconds.toFixed(2)),
  thread_first_result_seconds: Number(start.seconds.toFixed(2)),
  ...(cap === undefined
    ? {}
    : {
        ceiling_one_process_seconds: Number(cap.one.toFixed(2)),
        ceiling_split_seconds: Number(cap.split.toFixed(2)),
        ceiling_speedup: Number(cap.speedup.toFixed(2)),
      }),
  compiled_threads: entry.compiled,
  bundled_threads: entry.bundled,
};
if (args.record)
  record({
    bench: 'workers',
    commit,
    node: process.version,
    threads,
    shard,
    ...result,
    ...cpu,
    load_average: Number(loadavg()[0]!.toFixed(2)),
  });
if (args.json !== undefined)
  writeFileSync(
    args.json,
    `${JSON.stringify({ ...result, ...cpu, load_average: Number(loadavg()[0]!.toFixed(2)) }, null, 2)}\n`,
  );
if (!identical) {
  console.error('the worker threads gave different results');
  process.exitCode = 1;
}

/** A percentage with its sign. */
function signed(percent: number): string {
  return `${percent >= 0 ? '+' : ''}${percent.toFixed(0)}`;
}
