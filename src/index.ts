/**
 * Sluice's public API: load a workflow, run it, read its results; the event model; the
 * strategy and indicator catalogues; bar sources. Everything else is internal.
 *
 * ```ts
 * import { loadWorkflow, runWorkflow } from 'sluice';
 * import pino from 'pino';
 *
 * const loaded = await loadWorkflow('examples/spy-sma-crossover.yaml', { sets: ['execution.fill=close'] });
 * const result = await runWorkflow(loaded, { logger: pino(), inMemory: true });
 * console.log(result.ranking[0]?.metrics.sharpe_ratio);
 * ```
 */
export * from './events/index.ts';

export { loadWorkflow, type LoadWorkflowOptions, type LoadedWorkflow } from './load/load-workflow.ts';
export type { ResolvedWorkflow, ResolvedStrategy, ResolvedDataSource, ResolvedClassifier } from './config/resolved.ts';
export { ConfigError, isConfigError, type ConfigIssue } from './config/config-error.ts';
export type { WorkflowConfig } from './config/schema/workflow.ts';
export type { TopologyDef } from './config/schema/topology.ts';

export { runWorkflow, type RunWorkflowOptions, type WorkflowResult } from './coordinator/run-workflow.ts';
export { isComposedWorkflow, planWorkflow } from './coordinator/plan-workflow.ts';
export type { WorkflowPlan, PlanWorkflowOptions } from './coordinator/workflow-plan.ts';
export {
  runComposedWorkflow,
  type RunComposedOptions,
  type ComposedWorkflowResult,
  type PhaseRecord,
  type IterationRecord,
  type BranchRecord,
} from './coordinator/run-composed.ts';
export type { ComposableWorkflow, WorkflowResults } from './coordinator/composable.ts';
export type { PhaseView, BestView } from './coordinator/phase-view.ts';
export { defineSequence, type SequenceDefinition, type SequenceContext } from './sequencer/define-sequence.ts';
export { sequenceSettingsSchema, type SequenceSettings } from './config/schema/sequence.ts';
export type { SequenceRequest, PhaseResult, PhaseBest } from './sequencer/sequence-types.ts';
export {
  runPhase,
  type RunPhaseOptions,
  type PhaseOutcome,
  type BookResult,
  type RunStatus,
  type RunFailure,
} from './sequencer/run-phase.ts';

export {
  readSignalStore,
  readStoreMeta,
  readStoreBatches,
  checkStoreCompatible,
  type SignalStore,
  type StoreExpectation,
} from './signals/read-store.ts';
export { signalConfigHash } from './signals/store-identity.ts';
export {
  SignalStoreError,
  type SignalStoreMeta,
  type SignalStoreRow,
  type RegimeStoreRow,
} from './signals/store-format.ts';

export { DataError } from './data/data-error.ts';
export type { BarSource, BarChunk, SourceStats } from './data/bar-source.ts';
export { openBarSource } from './data/open-source.ts';
export { CsvBarSource } from './data/csv-source.ts';
export { ParquetBarSource } from './data/parquet-source.ts';
export { MemoryBarSource, type BarColumns } from './data/memory-source.ts';
export { mergeSources } from './data/merge-sources.ts';

export type {
  StrategyDefinition,
  StrategyLogic,
  StrategyDecision,
  StrategyContext,
  FeatureRequest,
  CrossSection,
  CrossSectionLogic,
  ColumnLogic,
  ChunkBars,
  ChunkRegimes,
} from './domain/strategies/strategy.ts';
export { NO_DECISION } from './domain/strategies/strategy.ts';
export { perBarColumns, withPerBarColumns } from './domain/strategies/per-bar-columns.ts';
export type { ClassifierDefinition, ClassifierLogic } from './domain/classifiers/classifier.ts';
export { COMPOSITES } from './domain/composition/catalogue.ts';
export { z } from 'zod';
export {
  defineStrategy,
  defineIndicator,
  defineClassifier,
  definitionKind,
  DefinitionError,
  type DefinitionKind,
} from './domain/define.ts';
export {
  registry,
  Registry,
  RegistryCollisionError,
  describeOrigin,
  STRATEGIES,
  INDICATORS,
  CLASSIFIERS,
  getStrategy,
  getIndicator,
  getClassifier,
  type DefinitionOrigin,
} from './domain/registry.ts';
export { ensembleStrategy, regimeSwitchStrategy, combineVotes } from './domain/composition/index.ts';
export type {
  Indicator,
  IndicatorDefinition,
  BarInput,
  BarColumnsInput,
  OutputColumns,
  PriceInput,
} from './domain/indicators/indicator.ts';
export { PriceIndicator } from './domain/indicators/price-indicator.ts';
export { priceSelector, PRICE_INPUTS } from './domain/indicators/price-input.ts';
export { FeatureHub } from './domain/indicators/feature-hub.ts';
export type { PerformanceMetrics } from './domain/metrics/performance.ts';
