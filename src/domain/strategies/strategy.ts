import type { z } from 'zod';
import type { BarEvent, Direction } from '../../events/index.ts';

import type { FeatureRequest } from '../indicators/feature-request.ts';

export type { FeatureRequest };

/** A strategy's verdict on one bar: its target direction, or null while warming up. */
export interface StrategyDecision {
  readonly direction: Direction;
  /** Conviction in [-1, 1], sign matching direction. */
  readonly strength: number;
}

/**
 * What a strategy may read besides its features and the bar: the current regime of every
 * classifier of the run, for the bar being processed (a classifier's label for bar t
 * reaches the strategy before the strategy's features of bar t).
 */
export interface StrategyContext {
  /** Classifier id → its current label; '' until the classifier's first label. */
  readonly regimes: Readonly<Record<string, string>>;
}

/**
 * The per-symbol logic of a strategy instance. `features[i]` is the current value of the
 * i-th entry of the definition's `features(params)` list (NaN while warming up).
 * Returns null to say "no opinion yet" (warm-up); the container emits a SIGNAL only when
 * the returned direction differs from the previous one. `context` carries the regimes;
 * plain strategies ignore it (the container always passes one).
 */
export type StrategyLogic = (features: ArrayLike<number>, bar: BarEvent, context?: StrategyContext) => StrategyDecision | null;

/**
 * A strategy kind in the registry, made with `defineStrategy` (built-ins and plugins alike).
 * Params use snake_case keys, as in YAML.
 */
export interface StrategyDefinition<P extends Record<string, unknown> = Record<string, unknown>> {
  readonly name: string;
  readonly description: string;
  /** zod object of the parameters, with defaults, and cross-field checks via refine. */
  readonly params: z.ZodType<P>;
  /**
   * A sensible parameter grid for optimization, in the config grid syntax: per key a list
   * of values or a `range(start, stop, step)` string (see `expandGrid` in
   * src/config/grid.ts). Every combination passes `params`; omitted keys take their default.
   */
  readonly defaultGrid?: Readonly<Record<string, readonly (number | string | boolean)[] | string>>;
  /** The features this strategy reads, in the order `StrategyLogic` receives them. */
  features(params: P): readonly FeatureRequest[];
  /**
   * Bars the logic itself needs before its first decision, beyond its features' own
   * warm-up (state it keeps across bars, e.g. a count of bars above a level). Sequences
   * with `warmup: auto` prime at least this many bars. Default 0.
   */
  warmup?(params: P): number;
  /** A fresh logic instance, one per symbol. */
  create(params: P): StrategyLogic;
}
