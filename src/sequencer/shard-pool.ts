/**
 * `--workers N`: sweep shards run on N worker threads (piscina: a maintained pool with
 * task queueing, back-pressure and clean teardown — not worth hand-writing). Each worker
 * runs TypeScript through tsx's loader, like the CLI.
 */
import { Piscina } from 'piscina';
import type { ShardResult, ShardTask } from './shard-worker.ts';

/** Runs sweep shards somewhere else than the calling thread. */
export interface ShardRunner {
  readonly threads: number;
  run(task: ShardTask): Promise<ShardResult>;
  close(): Promise<void>;
}

/** A pool of `threads` worker threads; close it when done (it holds handles open). */
export function shardPool(threads: number): ShardRunner {
  const pool = new Piscina<ShardTask, ShardResult>({
    filename: new URL('./shard-worker.ts', import.meta.url).href,
    minThreads: threads,
    maxThreads: threads,
    execArgv: [...process.execArgv, '--import', 'tsx'],
  });
  return {
    threads,
    run: (task) => pool.run(task),
    close: () => pool.destroy(),
  };
}
