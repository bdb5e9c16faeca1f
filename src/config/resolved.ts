import type { FeatureRequest, StrategyDefinition } from '../domain/strategies/strategy.ts';
import type { ClassifierDefinition } from '../domain/classifiers/classifier.ts';
import type { CompiledExpression } from './expression-language.ts';
import type { LoadedPlugin } from '../plugins/load-plugins.ts';

/**
 * A strategy's filter: its signal passes only while the expression holds, otherwise the
 * strategy is flat. Features it calls are computed by the feature hub like any other.
 */
export interface ResolvedFilter {
  readonly text: string;
  /**
   * An evaluator of the expression. For a stateful filter it has state of its own: use
   * `create()` for each place (strategy instance and symbol) that evaluates it.
   */
  readonly test: CompiledExpression;
  /**
   * True when the filter reads earlier bars (`prev`, `crosses_above`, `bars_since`, …):
   * its evaluator must then run once on every bar, in bar order.
   */
  readonly stateful?: boolean;
  /** Bars of history its series functions need beyond its features' warm-up (0 if none). */
  readonly lookback?: number;
  /** A fresh evaluator (shared and stateless when the filter is not stateful). */
  readonly create?: () => CompiledExpression;
  /** Scope name → feature, for the calls in the expression. */
  readonly features: readonly { readonly name: string; readonly request: FeatureRequest }[];
}
import type { TopologyDef } from './schema/topology.ts';
import type { WorkflowConfig } from './schema/workflow.ts';
import type { Direction } from '../events/index.ts';

/** One strategy instance: one parameter combination of one config entry. */
export interface ResolvedStrategy {
  /** Unique id, also the foreach key (portfolio_<key>, strategy_<key>). */
  readonly key: string;
  readonly type: string;
  /** Validated parameters, defaults applied. */
  readonly params: Record<string, unknown>;
  readonly definition: StrategyDefinition;
  /** Index of the config entry it came from. */
  readonly entry: number;
  /** The entry's filter, if it has one. */
  readonly filter: ResolvedFilter | undefined;
}

/** One classifier instance: a regime detector strategies and filters read by `id`. */
export interface ResolvedClassifier {
  /** Unique id, also the foreach key (classifier_<id>) and the `classifier` of its events. */
  readonly id: string;
  readonly type: string;
  /** Validated parameters, defaults applied. */
  readonly params: Record<string, unknown>;
  readonly definition: ClassifierDefinition;
}

/** A bar file to read, with its path resolved against the config file's folder. */
export interface ResolvedDataSource {
  readonly symbol: string;
  readonly path: string;
  readonly format: 'csv' | 'parquet';
}

/** A config after loading, defaults, overrides, validation and grid expansion: plain data. */
export interface ResolvedWorkflow {
  /** The config file as the user named it. */
  readonly file: string;
  /** Folder relative paths in the config are resolved against. */
  readonly baseDir: string;
  readonly config: WorkflowConfig;
  readonly topology: TopologyDef;
  /** File that defines the topology (a pattern file, or the config itself when inline). */
  readonly topologyFile: string;
  readonly phase: string;
  readonly strategies: readonly ResolvedStrategy[];
  /** Regime classifiers, in config order (empty when the config has none). */
  readonly classifiers: readonly ResolvedClassifier[];
  readonly sources: readonly ResolvedDataSource[];
  /**
   * The plugin modules loaded for this workflow (`--plugin`, then `plugins:`), with the
   * fingerprints of their code: recorded in workflow.json, part of every identity a plugin
   * definition shapes (signal store, resume keys, queue jobs).
   */
  readonly plugins: readonly LoadedPlugin[];
  /** Inclusive start / exclusive end filters, epoch ms. */
  readonly start: number | undefined;
  readonly end: number | undefined;
  /**
   * When books begin trading, epoch ms: the bars from `start` up to it only warm up
   * indicators and strategies (a test window's warm-up). Undefined: from the first bar.
   */
  readonly tradeFrom?: number | undefined;
  /**
   * With `metrics.annualization: data`: bars a year from the data's own calendar (sessions
   * a year × bars per session observed, docs/metrics.md), which metrics and volatility
   * sizing then use instead of the timeframe's convention. Undefined otherwise.
   */
  readonly dataBarsPerYear?: number | undefined;
  /** Signal replay (a topology with a signal_source): the store read and checked at load. */
  readonly replay?: ResolvedReplay | undefined;
  /**
   * A live run's signal store (the `store` live sink, set by `sluice live`, not by a
   * config key): the signal sink writes it in parts instead of `signals.store`.
   */
  readonly liveStore?:
    { readonly dir: string; readonly rowGroupRows: number; readonly feed: string; readonly warmup: string } | undefined;
}

/** One stored signal change, as replay reads it from a signal store (docs/signal-store.md). */
export interface StoredSignal {
  /** Timestamp of the bar the signal was computed on, epoch ms. */
  readonly ts: number;
  readonly symbol: string;
  readonly strategyId: string;
  readonly direction: Direction;
  readonly strength: number;
  /**
   * A cross-sectional strategy's target weight (rotation), or null: then the signal is a
   * direction the book sizes by its own rule. Targets are replayed a rebalance at a time,
   * when every symbol's bar of `ts` is in, as the strategy decided them.
   */
  readonly weight?: number | null;
}

/** A signal store opened for replay (docs/replay.md). */
export interface ResolvedReplay {
  /** The store's folder (absolute). */
  readonly store: string;
  /** The stored signal changes of the replayed strategies (all symbols). */
  readonly signals: readonly StoredSignal[];
  /** What the compatibility check found and `force` overrode; empty when the store matched. */
  readonly forced: readonly string[];
  /** `replay_variants:`, each section validated with the overlay applied; undefined: one run with the config's own. */
  readonly variants: readonly ReplayVariant[] | undefined;
}

/** One portfolio/risk/execution variant of a replay sweep, its sections complete. */
export interface ReplayVariant {
  readonly name: string;
  readonly portfolio: WorkflowConfig['portfolio'];
  readonly risk: WorkflowConfig['risk'];
  readonly execution: WorkflowConfig['execution'];
}
