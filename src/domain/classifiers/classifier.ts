import type { z } from 'zod';
import type { BarEvent } from '../../events/index.ts';
import type { FeatureRequest } from '../strategies/strategy.ts';

/**
 * The per-symbol logic of a classifier instance. `features[i]` is the current value of the
 * i-th entry of the definition's `features(params)` list (NaN while warming up). Returns
 * the regime label of this bar, or null while warming up (the container then keeps the
 * previous label and emits nothing).
 */
export type ClassifierLogic = (features: ArrayLike<number>, bar: BarEvent) => string | null;

/**
 * A regime detector in the catalogue. Like a strategy it reads features from the shared
 * hub, but instead of a direction it names the market's current regime ('high',
 * 'trending_up', …); the classifier container emits a CLASSIFICATION event only when
 * that label changes. Params use snake_case keys, as in YAML.
 */
export interface ClassifierDefinition<P extends Record<string, unknown> = Record<string, unknown>> {
  readonly name: string;
  readonly description: string;
  /** zod object of the parameters, with defaults, and cross-field checks via refine. */
  readonly params: z.ZodType<P>;
  /** Every label the classifier can give (config checks regime names against them). */
  readonly labels: readonly string[];
  /** The features this classifier reads, in the order `ClassifierLogic` receives them. */
  features(params: P): readonly FeatureRequest[];
  /** Bars the logic itself needs before its first label, beyond its features' warm-up. Default 0. */
  warmup?(params: P): number;
  /** A fresh logic instance, one per symbol. */
  create(params: P): ClassifierLogic;
}
