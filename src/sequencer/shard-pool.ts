/**
 * `--workers N`: a sweep computed on N threads, this one and N − 1 worker threads, each
 * taking its next piece of the sweep from a counter in shared memory (shared-pieces.ts).
 *
 * Why not a task pool (piscina, used here before): a pool hands out tasks from the calling
 * thread's event loop, so a calling thread that computes answers a worker only between two
 * of its own pieces — measured, a worker's first task reached it 1.1 s into a 1.3 s sweep.
 * Here a thread never waits for another: the calling thread posts the sweep to every worker
 * once (a post needs no answer) and each thread takes its pieces itself; results come back
 * as messages the calling thread reads between its pieces. What is left of a pool — start
 * threads, notice one that dies, stop them — is a few lines on node:worker_threads.
 *
 * In the installed package each worker runs the compiled JavaScript; in the repository too
 * when `npm run build` has compiled this very source (runtime-mode.ts, `threadModule`),
 * else the TypeScript through tsx's loader, like the CLI — a thread then starts about three
 * times slower.
 */
import { Worker } from 'node:worker_threads';
import { threadModule } from '../runtime-mode.ts';
import { workerExecArgv } from '../plugins/plugin-hooks.ts';
import type { ResolvedWorkflow } from '../config/resolved.ts';
import type { LoadWorkflowOptions } from '../topology/loaded-workflow.ts';
import type { BookSummary } from '../results/phase-writer.ts';
import type { SymbolBars } from '../data/shared-bars.ts';
import { SharedPieces } from './shared-pieces.ts';

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

/** Runs sweep shards beside or instead of the calling thread. */
export interface ShardRunner {
  /** Threads that compute a sweep given to it (the calling thread included, for a pool). */
  readonly threads: number;
  /** Computes a sweep on this thread and the runner's threads ({@link ShardPool}). */
  sweep?(sweep: ThreadSweep): Promise<void>;
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

/** What a worker thread gets for a sweep: every combination's key and the shared counter. */
export interface ThreadSweepTask extends ShardTask {
  /** The {@link SharedPieces} buffer; pieces are index ranges of `keys`. */
  readonly pieces: SharedArrayBuffer;
}

/** A sweep for {@link ShardPool.sweep}. */
export interface ThreadSweep {
  /** What the worker threads load and run: `keys` are the combinations still to compute. */
  readonly task: ShardTask;
  /** Combinations per graph (`shard_size`): pieces are sized from it (piece-size.ts). */
  readonly shardSize: number;
  /** Runs the combinations [from, to) of `task.keys` in the calling thread. */
  readonly here: (from: number, to: number) => Promise<ShardResult>;
  /** Each piece's result, wherever it ran, once (calls are not overlapped). */
  readonly onResult: (result: ShardResult) => Promise<void>;
  /** Stops handing out pieces; the sweep returns after the calling thread's current one. */
  readonly signal?: AbortSignal | undefined;
}

/** A worker thread's message: a piece's result, or a failure outside any piece (piece: false). */
export interface ThreadMessage {
  readonly sweep: number;
  readonly result: ShardResult;
  readonly piece: boolean;
}

/**
 * `--workers N` on this machine: N threads compute a sweep — the calling thread and N − 1
 * worker threads — each taking its next piece from a shared counter ({@link SharedPieces}).
 * The calling thread computes from the first moment while the workers start (a thread's
 * start-up, 0.2 CPU-s, is a good part of a one-second sweep), and no core sits idle on a
 * thread that only hands out work.
 */
export interface ShardPool extends ShardRunner {
  /** Worker threads beside the calling one (`threads` − 1). */
  readonly workerThreads: number;
  /**
   * Computes every piece of the sweep, on this thread and the workers, and resolves once
   * `onResult` has seen every piece's result — or, when the sweep stops (a failed piece, a
   * dead thread, the signal), as soon as this thread's own piece is done: the pieces still
   * running elsewhere are not waited for and their results are dropped.
   */
  sweep(sweep: ThreadSweep): Promise<void>;
}

/**
 * `threads` − 1 worker threads, for `threads` threads in all (the calling thread is the
 * other). They start at once, so they load their code while the calling thread gets the
 * run ready, and serve every sweep of the run. Close the pool when done: its threads hold
 * the process open.
 */
export function shardPool(threads: number): ShardPool {
  if (!Number.isInteger(threads) || threads < 2)
    throw new Error(`a shard pool needs 2 threads or more, not ${threads}`);
  // The worker's entry loads workflows, so it lives above the loader (coordinator/).
  const entry = threadModule('../coordinator/shard-worker.ts', import.meta.url);
  // A worker's file must be JavaScript to Node; the entry may be TypeScript (tsx's loader,
  // from the preload of execArgv), so the thread starts from a module that only imports it.
  const script = new URL(`data:text/javascript,import ${encodeURIComponent(JSON.stringify(entry.url.href))};`);
  // tsx's loader when the thread runs source (by the API: a worker's `--import tsx`
  // resolves from the working directory, which need not have tsx), then the plugin hooks.
  const execArgv = workerExecArgv(entry.compiled);
  let sweeps = 0;
  /** The sweep in progress: how a thread's message or death reaches it. */
  let current: { id: number; message(m: ThreadMessage): void; died(error: Error): void } | undefined;
  const workers = new Set<Worker>();
  const start = (): Worker => {
    const worker = new Worker(script, { execArgv });
    let failed = false;
    worker.on('message', (m: ThreadMessage) => {
      if (m.sweep === current?.id) current.message(m);
    });
    // An error the thread did not catch ends it: the sweep in progress fails with it.
    worker.on('error', (err) => {
      failed = true;
      current?.died(err);
    });
    worker.on('exit', (code) => {
      if (workers.delete(worker) && !failed) current?.died(new Error(`a worker thread stopped (exit code ${code})`));
    });
    workers.add(worker);
    return worker;
  };
  for (let i = 1; i < threads; i++) start();
  let closed = false;

  return {
    threads,
    workerThreads: threads - 1,
    sweep: async ({ task, shardSize, here, onResult, signal }) => {
      if (closed) throw new Error('the shard pool is closed');
      // A thread lost in an earlier sweep is replaced.
      while (workers.size < threads - 1) start();
      const id = ++sweeps;
      const pieces = SharedPieces.create(task.keys.length, shardSize, threads);
      const count = pieces.count;
      let delivered = 0;
      let open = true;
      let chain = Promise.resolve();
      let settle: () => void = () => undefined;
      const settled = new Promise<void>((resolve) => (settle = resolve));
      const check = (): void => {
        if (pieces.stopped || delivered === count) settle();
      };
      // onResult failing (the resume store cannot write) ends the sweep with that error.
      let broken: { error: unknown } | undefined;
      const deliver = (result: ShardResult, piece: boolean): void => {
        if (!open) return;
        chain = chain.then(async () => {
          if (broken !== undefined) return;
          if (result.status !== 'completed') pieces.stop();
          try {
            await onResult(result);
          } catch (error) {
            broken = { error };
            pieces.stop();
          }
          if (piece) delivered++;
          check();
        });
      };
      current = {
        id,
        message: (m) => deliver(m.result, m.piece),
        died: (err) => deliver({ status: 'failed', error: err.message, books: [] }, false),
      };
      const stop = (): void => {
        pieces.stop();
        settle();
      };
      signal?.addEventListener('abort', stop);
      // A signal aborted before the sweep fires no event: nothing is handed out.
      if (signal?.aborted === true) stop();
      try {
        const sent: ThreadSweepTask = { ...task, pieces: pieces.buffer };
        for (const worker of workers) worker.postMessage({ sweep: id, task: sent });
        for (let piece = pieces.take(); piece !== undefined; piece = pieces.take()) {
          deliver(await here(piece.from, piece.to), true);
          await chain;
          // Lets the workers' results in (they arrive as messages) between this thread's pieces.
          await new Promise((resolve) => setImmediate(resolve));
        }
        check();
        await settled;
        open = false;
        await chain;
        if (broken !== undefined) throw broken.error;
      } finally {
        // Whatever ended it (a throw here included), no thread starts another piece of it.
        pieces.stop();
        current = undefined;
        signal?.removeEventListener('abort', stop);
      }
    },
    close: async () => {
      closed = true;
      const all = [...workers];
      workers.clear();
      await Promise.all(all.map((w) => w.terminate()));
    },
  };
}
