import { FeatureHub } from '../../../src/domain/indicators/feature-hub.ts';
import type { StrategyDecision, StrategyLogic } from '../../../src/domain/strategies/strategy.ts';
import type { BarEvent } from '../../../src/events/index.ts';
import { getStrategy } from '../../../src/domain/registry.ts';

/** A BAR event; high/low default to the close. */
export function bar(index: number, close: number, high = close, low = close): BarEvent {
  const ts = index * 300_000;
  return { type: 'BAR', seq: index, ts, symbol: 'T', source: 'test', index, open: close, high, low, close, volume: 0 };
}

/** BAR events from closes. */
export function barsFromCloses(closes: readonly number[]): BarEvent[] {
  return closes.map((c, i) => bar(i, c));
}

/** A copy of a decision (logic may reuse its returned object), or null. */
export function copy(d: StrategyDecision | null): StrategyDecision | null {
  return d === null ? null : { direction: d.direction, strength: d.strength };
}

/** The directions of a list of decisions, null kept. */
export function directions(ds: readonly (StrategyDecision | null)[]): (number | null)[] {
  return ds.map((d) => (d === null ? null : d.direction));
}

/**
 * Runs a catalogue strategy the way the engine does: params parsed through the schema,
 * its features computed by a FeatureHub, the logic called once per bar with the features
 * in the order of `features(params)`. Returns a copy of every decision.
 */
export function runStrategy(
  name: string,
  params: Record<string, unknown>,
  bars: readonly BarEvent[],
): (StrategyDecision | null)[] {
  const def = getStrategy(name);
  const p = def.params.parse(params);
  const hub = new FeatureHub();
  const slots = def.features(p).map((f) => hub.register(f));
  const state = hub.createState();
  const out = new Float64Array(hub.size);
  const features = new Float64Array(slots.length);
  const logic: StrategyLogic = def.create!(p);
  return bars.map((b) => {
    hub.update(state, b, out);
    slots.forEach((s, i) => (features[i] = out[s]!));
    return copy(logic(features, b));
  });
}

/** A fresh logic instance of a catalogue strategy, for feeding handcrafted feature values. */
export function logicOf(name: string, params: Record<string, unknown> = {}): StrategyLogic {
  const def = getStrategy(name);
  return def.create!(def.params.parse(params));
}

/** Feeds handcrafted [features, close] pairs to a logic; returns copies of the decisions. */
export function feed(
  logic: StrategyLogic,
  steps: readonly (readonly [readonly number[], number])[],
): (StrategyDecision | null)[] {
  return steps.map(([f, close], i) => copy(logic(f, bar(i, close))));
}
