/**
 * `--workers N`: sweep shards run on N worker threads (piscina: a maintained pool with
 * task queueing, back-pressure and clean teardown — not worth hand-writing). In the
 * installed package each worker runs the compiled JavaScript; in the repository too when
 * `npm run build` has compiled this very source (runtime-mode.ts, `threadModule`), else the
 * TypeScript through tsx's loader, like the CLI — a thread then starts about three times
 * slower.
 */
import { Piscina } from 'piscina';
import { threadModule } from '../runtime-mode.ts';
import { workerExecArgv } from '../plugins/plugin-hooks.ts';
import type { ResolvedWorkflow } from '../config/resolved.ts';
import type { LoadWorkflowOptions } from '../topology/loaded-workflow.ts';
import type { BookSummary } from '../results/phase-writer.ts';
import type { SymbolBars } from '../data/shared-bars.ts';

/** What the main thread sends a shard worker (shard-worker.ts): plain data only. */
export interface ShardTask {
  readonly file: string;
  readonly options: Omit<LoadWorkflowOptions, 'strategies'>;
  readonly keys: readonly string[];
  readonly start: number | null;
  readonly end: number | null;
  readonly tradeFrom: number | null;
  /**
   * The sweep's bars (its range of every source), read once by the main thread into
   * shared memory: the thread runs over them instead of re-reading the file. Null when
   * they were too many to hold (data/workflow-source.ts, MAX_SHARED_BARS): the thread
   * reads the file.
   */
  readonly bars: readonly SymbolBars[] | null;
}

/** What comes back. */
export interface ShardResult {
  readonly status: 'completed' | 'failed' | 'cancelled';
  readonly error: string | null;
  readonly books: readonly BookSummary[];
}

/** Runs sweep shards somewhere else than the calling thread. */
export interface ShardRunner {
  readonly threads: number;
  run(task: ShardTask): Promise<ShardResult>;
  /**
   * Runs a whole sweep at once, telling `onResult` of each part as it finishes (in any
   * order; calls are not overlapped). A runner with it gets the sweep in one call instead
   * of shard by shard: a queue adds every job at once, as one flow. A failure is reported
   * as a result with status 'failed'; an aborted `signal` ends it early.
   */
  runAll?(batch: ShardBatch, onResult: (result: ShardResult) => Promise<void>, signal?: AbortSignal): Promise<void>;
  close(): Promise<void>;
}

/** A whole sweep, for {@link ShardRunner.runAll}. */
export interface ShardBatch {
  /** The phase it belongs to (names the flow). */
  readonly phase: string;
  /** The workflow as swept: windowed, its strategies the whole search space. */
  readonly wf: ResolvedWorkflow;
  readonly file: string;
  readonly options: ShardTask['options'];
  /** The strategy keys still to compute (the resume store has the rest). */
  readonly keys: readonly string[];
  /** Resume-store key of each of them ('' without a store). */
  readonly storeKeys: readonly string[];
  /** Combinations per graph (`shard_size`). */
  readonly shardSize: number;
}

/**
 * How many of the `remaining` combinations a pool thread takes next: a whole shard while
 * plenty remain, then less — about a share of what is left, per thread twice over (the
 * "guided" schedule of OpenMP) — but never under a quarter shard. With whole shards only,
 * the thread that takes the last one runs it alone while the other idles: shards of one
 * sweep differ in cost (more trades, and each thread's first shard also warms its JIT),
 * so on 2 threads that tail was 0.5–1 s of a 9 s sweep. The floor keeps pieces big
 * enough that a graph's fixed costs stay small.
 */
export function pieceSize(remaining: number, shardSize: number, threads: number): number {
  const floor = Math.max(1, Math.ceil(shardSize / 4));
  return Math.min(remaining, shardSize, Math.max(floor, Math.ceil(remaining / (2 * threads))));
}

/** A pool of `threads` worker threads; close it when done (it holds handles open). */
export function shardPool(threads: number): ShardRunner {
  // The worker's entry loads workflows, so it lives above the loader (coordinator/).
  const entry = threadModule('../coordinator/shard-worker.ts', import.meta.url);
  const pool = new Piscina<ShardTask, ShardResult>({
    filename: entry.url.href,
    minThreads: threads,
    maxThreads: threads,
    // tsx's loader when the thread runs source (by the API: a worker's `--import tsx`
    // resolves from the working directory, which need not have tsx), then the plugin hooks.
    execArgv: workerExecArgv(entry.compiled),
  });
  return {
    threads,
    run: (task) => pool.run(task),
    close: () => pool.destroy(),
  };
}
