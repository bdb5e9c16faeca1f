/**
 * The options of the one workflow runner (runComposedWorkflow, run-composed.ts). A file of
 * their own because both halves of the runner read them: the workflow loop
 * (run-composed.ts) and one phase's run (run-one-phase.ts), which must not import each
 * other both ways.
 */
import type { Logger } from 'pino';
import type { Clock } from '../runtime/clock.ts';
import type { ShardRunner } from '../sequencer/shard-pool.ts';
import type { ProgressReporter } from '../runtime/progress.ts';

/** Phases of one group that may run at the same time. */
export const PHASE_CONCURRENCY = 2;

/** Options of runComposedWorkflow (run-composed.ts). */
export interface RunComposedOptions {
  /** Where progress and warnings go (default: nowhere, a silent pino logger). */
  readonly logger?: Logger;
  /** Root of results folders; default the config's `results.dir`. */
  readonly outDir?: string;
  /** Write nothing to disk. */
  readonly inMemory?: boolean;
  /** Abort to cancel: the running phase stops, later ones are recorded cancelled. */
  readonly signal?: AbortSignal;
  /** Where ids, workflow.json's start and finish stamps and durations read the time (default: the system's; tests fix it). */
  readonly clock?: Clock;
  /** Phases of one group run side by side (default {@link PHASE_CONCURRENCY}); 1 runs them one by one. */
  readonly concurrency?: number;
  /** Worker threads for sweep shards (`--workers`); 1 or absent: this thread. */
  readonly workers?: number;
  /** Where sweep shards run instead (`--queue`: a BullMQ flow); the caller closes it. */
  readonly shardRunner?: ShardRunner;
  /**
   * true: a progress bar per sweep or walk-forward phase on stderr (drawn on a TTY; off
   * one, an info line to the logger every 5 s); or an object told of combinations and
   * windows as they finish.
   */
  readonly progress?: boolean | Pick<ProgressReporter, 'tick' | 'setTotal'>;
  /** The pool those threads are in (set by runComposedWorkflow). */
  readonly pool?: ShardRunner | undefined;
}
