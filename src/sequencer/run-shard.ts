/**
 * One shard of a sweep (a set of strategy keys over a bar range) run on an already loaded
 * workflow: each combination's metrics. A worker thread (coordinator/shard-worker.ts) and a
 * queue worker (distributed/sweep-processor.ts) load the workflow and call this, so the
 * same code computes the same numbers as the main thread. Over the bars the main thread
 * shared with the task when it did (`task.bars`), else read from the file.
 */
import pino from 'pino';
import type { LoadedWorkflow } from '../topology/loaded-workflow.ts';
import type { ResolvedWorkflow } from '../config/resolved.ts';
import { bookSummary } from '../results/phase-writer.ts';
import type { ShardResult, ShardTask } from './shard-pool.ts';
import { runPhase } from './run-phase.ts';
import { withStrategies } from './with-strategies.ts';
import { openWorkflowSource, sharedWorkflowSource } from '../data/workflow-source.ts';

const logger = pino({ level: 'silent' });

/** A shard of an already loaded workflow (a queue worker loads it from the job's text). */
export async function runLoadedShard(
  loaded: LoadedWorkflow,
  task: Pick<ShardTask, 'keys' | 'start' | 'end' | 'tradeFrom'> & Partial<Pick<ShardTask, 'bars'>>,
): Promise<ShardResult> {
  const wanted = new Set(task.keys);
  const strategies = loaded.wf.strategies.filter((s) => wanted.has(s.key));
  if (strategies.length !== wanted.size)
    throw new Error(
      `the worker's config does not hold every combination asked for (${strategies.length} of ${wanted.size})`,
    );
  const wf: ResolvedWorkflow = {
    ...loaded.wf,
    start: task.start ?? undefined,
    end: task.end ?? undefined,
    tradeFrom: task.tradeFrom ?? undefined,
    config: { ...loaded.wf.config, results: { ...loaded.wf.config.results, storage: 'disk' } },
  };
  const shard = withStrategies(loaded, wf, strategies);
  const outcome = await runPhase({
    wf: shard.wf,
    plan: shard.plan,
    source: task.bars == null ? openWorkflowSource(shard.wf) : sharedWorkflowSource(shard.wf, task.bars),
    phaseDir: null,
    logger,
  });
  const error =
    outcome.failure === undefined
      ? null
      : outcome.failure.error instanceof Error
        ? outcome.failure.error.message
        : String(outcome.failure.error);
  return { status: outcome.status, error, books: outcome.books.map(bookSummary) };
}
