import type { ClassifierDefinition } from './classifier.ts';
import { trend_regime } from './trend-regime.ts';
import { volatility_regime } from './volatility-regime.ts';

// Each definition is typed with its own params; the catalogue holds them at the common
// type, which is sound because callers parse params through `definition.params` first.
/** The built-in classifiers, in listing order; src/domain/registry.ts registers them. */
export const BUILT_IN_CLASSIFIERS: readonly ClassifierDefinition[] = [volatility_regime, trend_regime];
