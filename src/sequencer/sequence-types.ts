/** What a sequence is asked to run and what it returns: shared by every sequence kind. */
import type { Logger } from 'pino';
import type { LoadedWorkflow } from '../topology/loaded-workflow.ts';
import type { SequenceSettings } from '../config/schema/sequence.ts';
import type { ProgressReporter } from '../runtime/progress.ts';
import type { BookResult, PhaseOutcome } from './run-phase.ts';
import type { ShardRunner } from './shard-pool.ts';

/** One phase to run. */
export interface SequenceRequest {
  /** Phase name: the results sub-folder. */
  readonly phase: string;
  /** The phase's config, fully resolved. */
  readonly loaded: LoadedWorkflow;
  /** The sequence kind and its settings (checked by the kind's schema). */
  readonly sequence: SequenceSettings;
  /** results/<workflow_id>/<phase>, or null to write nothing. */
  readonly phaseDir: string | null;
  readonly logger: Logger;
  readonly signal?: AbortSignal;
  /**
   * Folder of the resume store shared by runs (results/.combinations); null or absent:
   * no reuse across runs.
   */
  readonly storeDir?: string | null;
  /** Worker threads for sweep shards (`--workers`); absent: shards run in this thread. */
  readonly workers?: ShardRunner | undefined;
  /** Told of combinations (sweeps) or windows done, for a progress bar. */
  readonly progress?: Pick<ProgressReporter, 'tick' | 'setTotal'> | undefined;
}

/** The best book of a phase, as templates read it (`phases.<name>.best.parameters`). */
export interface PhaseBest {
  readonly strategy_id: string;
  readonly type: string;
  readonly parameters: Record<string, unknown>;
  readonly metrics: Record<string, number | null>;
}

/** What a phase produced. */
export interface PhaseResult {
  readonly phase: string;
  readonly status: 'completed' | 'failed' | 'cancelled' | 'skipped';
  /** Why the phase was skipped, or the failure message. */
  readonly reason: string | null;
  /** The sequence kind's type. */
  readonly sequence: string;
  readonly primary_metric: string;
  readonly best: PhaseBest | null;
  /** Headline metrics: the best book's (walk-forward: the stitched out-of-sample curve's). */
  readonly metrics: Record<string, number | null>;
  /** One entry per book, iteration or window. */
  readonly iterations: readonly Record<string, unknown>[];
  /** Combinations reused from the resume store and computed (sweeps). */
  readonly reused: number;
  readonly computed: number;
  /** Sequence-specific sections (walk_forward, monte_carlo, train_test). */
  readonly extra: Record<string, unknown>;
  /** The outcome of the last full-detail run (trades, equity in memory per storage). */
  readonly outcome: PhaseOutcome | undefined;
  /** Books of that run ranked best first (for the CLI table). */
  readonly ranking: readonly BookResult[];
}
