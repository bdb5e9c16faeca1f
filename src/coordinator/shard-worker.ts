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

export default async function runShard(task: ShardTask): Promise<ShardResult> {
  return runLoadedShard(await loadWorkflow(task.file, task.options), task);
}
