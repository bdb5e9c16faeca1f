import { FeatureHub } from '../../../src/domain/indicators/feature-hub.ts';
import type { BarEvent } from '../../../src/events/index.ts';
import { getClassifier } from '../../../src/domain/registry.ts';

/**
 * Runs a catalogue classifier the way the engine does: params parsed through the schema,
 * its features computed by a FeatureHub, the logic called once per bar with the features
 * in the order of `features(params)`. Returns the label (or null) of every bar.
 */
export function runClassifier(
  name: string,
  params: Record<string, unknown>,
  bars: readonly BarEvent[],
): (string | null)[] {
  const def = getClassifier(name);
  const p = def.params.parse(params);
  const hub = new FeatureHub();
  const slots = def.features(p).map((f) => hub.register(f));
  const state = hub.createState();
  const out = new Float64Array(hub.size);
  const features = new Float64Array(slots.length);
  const logic = def.create(p);
  return bars.map((b) => {
    hub.update(state, b, out);
    slots.forEach((s, i) => (features[i] = out[s]!));
    return logic(features, b);
  });
}
