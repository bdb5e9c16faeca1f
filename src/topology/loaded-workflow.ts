/**
 * What loading a workflow takes and gives (src/load/load-workflow.ts): types only. They
 * live here, below both the loader and the sequencer (a loaded workflow is a resolved
 * config planned into a graph), because the loader calls the sequencer to resolve
 * `sequence:` and the sequencer runs loaded workflows: neither room imports the other's
 * types the wrong way round.
 */
import type { Logger } from 'pino';
import type { StrategyDefinition } from '../domain/strategies/strategy.ts';
import type { GraphPlan } from './graph-plan.ts';
import type { ResolvedWorkflow } from '../config/resolved.ts';
import type { SequenceSettings } from '../config/schema/sequence.ts';

/** Options for {@link loadWorkflow}. */
export interface LoadWorkflowOptions {
  /** `--set path=value` overrides, applied over the file. */
  readonly sets?: readonly string[];
  /** Extra pattern folders (`--patterns`), after those the config names. */
  readonly patternDirs?: readonly string[];
  /**
   * Strategies beyond the registry, for this load only (tests). They cannot travel to
   * worker threads or queue workers; a plugin module (`plugins`) can.
   */
  readonly strategies?: ReadonlyMap<string, StrategyDefinition>;
  /**
   * Plugin modules to load before the config's own `plugins:` (`--plugin`): paths or globs
   * relative to the working directory, or package names. Loaded once per process.
   */
  readonly plugins?: readonly string[];
  /**
   * `sluice live`: a config whose `live.feed.type` is a provider (binance, alpaca) may name
   * data files that do not exist yet — they are read only by `--warmup data`, which then
   * says so. Other configs still need them.
   */
  readonly liveProviderData?: boolean;
  /**
   * Download bar files a `data.provider:` names and that are missing (default true). False
   * (`sluice validate`): they are left to the first run, listed in `pendingDownloads`.
   */
  readonly fetchData?: boolean;
  /** Where a download into the data cache reports (default: silent). Does not travel to threads. */
  readonly logger?: Logger;
  /** Config layer under the file: a workflow pattern's `defaults` (over the topology's). */
  readonly defaults?: Record<string, unknown>;
  /** Config layer over the file, under `--set`: a workflow phase's overlay. */
  readonly overlay?: Record<string, unknown>;
  /** `--force` of `sluice run`: replay a signal store that does not fit the config (as `replay.force: true`). */
  readonly force?: boolean;
  /**
   * Planning a multi-phase workflow: a signal store a replay names may be written by an
   * earlier phase, so a missing one is no error yet (the replay gets no books); the phase
   * checks it when it runs.
   */
  readonly pendingStores?: boolean;
  /**
   * The config's YAML text, read instead of `file` (which still names it in messages and
   * is the folder relative paths resolve against): a queue worker gets the text in the job.
   */
  readonly text?: string;
}

/** A workflow ready to run: resolved plain data plus its validated graph plan. */
export interface LoadedWorkflow {
  readonly wf: ResolvedWorkflow;
  readonly plan: GraphPlan;
  /** The config's `sequence:`, resolved and checked by its kind's schema (a workflow phase may name another). */
  readonly sequence: SequenceSettings;
  /**
   * How it was loaded, so another thread can load the same workflow (`--workers`);
   * undefined when it used strategies from outside the catalogue, which cannot travel.
   */
  readonly load?:
    { readonly file: string; readonly options: Omit<LoadWorkflowOptions, 'strategies' | 'logger'> } | undefined;
  /** Bar files a `data.provider:` will download on the first run (`fetchData: false`), absolute. */
  readonly pendingDownloads?: readonly string[];
}
