/**
 * A worker thread's half of `--workers N` (its file is named by sequencer/shard-pool.ts):
 * computes pieces of a sweep and posts each combination's metrics. The worker loads the
 * config itself from the same file and load options as the main thread, so it builds the
 * same strategies (same expansion, same keys) and the same code computes the same
 * numbers: results are identical to running the piece in the main thread. It lives here,
 * above both the loader and the sequencer, because it uses both.
 */
import { parentPort } from 'node:worker_threads';
import { loadWorkflow } from '../load/load-workflow.ts';
import type { ShardResult, ShardTask, ThreadMessage, ThreadSweepTask } from '../sequencer/shard-pool.ts';
import { runLoadedShard } from '../sequencer/run-shard.ts';
import { SharedPieces } from '../sequencer/shared-pieces.ts';
import type { LoadedWorkflow } from '../topology/loaded-workflow.ts';

/**
 * The workflows this thread has loaded, by file and options. A pool lives for one run and
 * its threads compute every sweep of it (a walk-forward's train sweeps): loading (and
 * expanding the grid) once per thread instead of once per sweep.
 */
const loads = new Map<string, Promise<LoadedWorkflow>>();

function load(task: Pick<ShardTask, 'file' | 'options'>): Promise<LoadedWorkflow> {
  const key = JSON.stringify([task.file, task.options]);
  let loaded = loads.get(key);
  if (loaded === undefined) {
    loaded = loadWorkflow(task.file, task.options);
    loads.set(key, loaded);
    // A failed load is not kept: the next sweep tries again and reports its own error.
    loaded.catch(() => loads.delete(key));
  }
  return loaded;
}

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * Pieces of a sweep, taken from the shared counter until none is left, each result posted
 * as soon as it is computed (the main thread commits it to the resume store and counts it
 * in the progress). A piece that fails stops every thread taking more.
 */
export async function runThreadSweep(
  task: ThreadSweepTask,
  post: (result: ShardResult, piece: boolean) => void,
): Promise<void> {
  const pieces = new SharedPieces(task.pieces);
  // The other threads may have taken every piece while this one started: nothing to load.
  if (pieces.exhausted || pieces.stopped) return;
  let loaded: LoadedWorkflow;
  try {
    loaded = await load(task);
  } catch (err) {
    pieces.stop();
    post({ status: 'failed', error: message(err), books: [] }, false);
    return;
  }
  for (let piece = pieces.take(); piece !== undefined; piece = pieces.take()) {
    let result: ShardResult;
    try {
      result = await runLoadedShard(loaded, { ...task, keys: task.keys.slice(piece.from, piece.to) });
    } catch (err) {
      result = { status: 'failed', error: message(err), books: [] };
    }
    if (result.status !== 'completed') pieces.stop();
    post(result, true);
  }
}

// The pool posts each sweep once; sweeps run one after the other.
let queue = Promise.resolve();
parentPort?.on('message', ({ sweep, task }: { sweep: number; task: ThreadSweepTask }) => {
  queue = queue.then(() =>
    runThreadSweep(task, (result, piece) => parentPort!.postMessage({ sweep, result, piece } satisfies ThreadMessage)),
  );
});
