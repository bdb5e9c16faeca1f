/**
 * A worker thread's half of `--workers N`: runs one shard of a sweep (a set of strategy
 * keys over a bar range) and returns each combination's metrics. The worker loads the
 * config itself from the same file and load options as the main thread, so it builds the
 * same strategies (same expansion, same keys) and the same code computes the same
 * numbers: results are identical to running the shard in the main thread.
 */
import pino from 'pino';
import { loadWorkflow, type LoadedWorkflow, type LoadWorkflowOptions } from '../config/load-workflow.ts';
import type { ResolvedWorkflow } from '../config/resolved.ts';
import { bookSummary, type BookSummary } from './phase-files.ts';
import { runPhase } from './run-phase.ts';
import { withStrategies } from './with-strategies.ts';
import { openWorkflowSource } from './workflow-source.ts';

/** What the main thread sends: plain data only. */
export interface ShardTask {
  readonly file: string;
  readonly options: Omit<LoadWorkflowOptions, 'strategies'>;
  readonly keys: readonly string[];
  readonly start: number | null;
  readonly end: number | null;
  readonly tradeFrom: number | null;
}

/** What comes back. */
export interface ShardResult {
  readonly status: 'completed' | 'failed' | 'cancelled';
  readonly error: string | null;
  readonly books: readonly BookSummary[];
}

const logger = pino({ level: 'silent' });

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

/** A shard of an already loaded workflow (a queue worker loads it from the job's text). */
export async function runLoadedShard(loaded: LoadedWorkflow, task: Pick<ShardTask, 'keys' | 'start' | 'end' | 'tradeFrom'>): Promise<ShardResult> {
  const wanted = new Set(task.keys);
  const strategies = loaded.wf.strategies.filter((s) => wanted.has(s.key));
  if (strategies.length !== wanted.size) throw new Error(`the worker's config does not hold every combination asked for (${strategies.length} of ${wanted.size})`);
  const wf: ResolvedWorkflow = {
    ...loaded.wf,
    start: task.start ?? undefined,
    end: task.end ?? undefined,
    tradeFrom: task.tradeFrom ?? undefined,
    config: { ...loaded.wf.config, results: { ...loaded.wf.config.results, storage: 'disk' } },
  };
  const shard = withStrategies(loaded, wf, strategies);
  const outcome = await runPhase({ wf: shard.wf, plan: shard.plan, source: openWorkflowSource(shard.wf), phaseDir: null, logger });
  const error = outcome.failure === undefined ? null : outcome.failure.error instanceof Error ? outcome.failure.error.message : String(outcome.failure.error);
  return { status: outcome.status, error, books: outcome.books.map(bookSummary) };
}
