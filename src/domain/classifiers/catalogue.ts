import type { ClassifierDefinition } from './classifier.ts';
import { trend_regime } from './trend-regime.ts';
import { volatility_regime } from './volatility-regime.ts';

// Each definition is typed with its own params; the catalogue holds them at the common
// type, which is sound because callers parse params through `definition.params` first.
const ALL: readonly ClassifierDefinition[] = [volatility_regime, trend_regime];

/** Every built-in classifier, by name. */
export const CLASSIFIERS: ReadonlyMap<string, ClassifierDefinition> = new Map(ALL.map((d) => [d.name, d]));

/**
 * The classifier called `name`.
 * @throws Error naming the known classifiers when there is none by that name.
 */
export function getClassifier(name: string): ClassifierDefinition {
  const def = CLASSIFIERS.get(name);
  if (def === undefined) {
    throw new Error(`unknown classifier '${name}' (known: ${[...CLASSIFIERS.keys()].sort().join(', ')})`);
  }
  return def;
}
