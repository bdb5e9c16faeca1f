/**
 * A worker thread's half of `--workers N` (its file is named by sequencer/shard-pool.ts):
 * runs one shard of a sweep and returns each combination's metrics. The worker loads the
 * config itself from the same file and load options as the main thread, so it builds the
 * same strategies (same expansion, same keys) and the same code computes the same
 * numbers: results are identical to running the shard in the main thread. It lives here,
 * above both the loader and the sequencer, because it uses both.
 */
import { loadWorkflow } from '../load/load-workflow.ts';
import type { ShardResult, ShardTask } from '../sequencer/shard-pool.ts';
import { runLoadedShard } from '../sequencer/run-shard.ts';
import type { LoadedWorkflow } from '../topology/loaded-workflow.ts';

/**
 * The workflows this thread has loaded, by file and options. A pool lives for one run and
 * a thread takes many shards of the same sweep: loading (and expanding the grid) once per
 * thread instead of once per shard, as the main thread does when it runs the shards itself.
 */
const loads = new Map<string, Promise<LoadedWorkflow>>();

export default async function runShard(task: ShardTask): Promise<ShardResult> {
  const key = JSON.stringify([task.file, task.options]);
  let loaded = loads.get(key);
  if (loaded === undefined) {
    loaded = loadWorkflow(task.file, task.options);
    loads.set(key, loaded);
    // A failed load is not kept: the next shard tries again and reports its own error.
    loaded.catch(() => loads.delete(key));
  }
  return runLoadedShard(await loaded, task);
}
