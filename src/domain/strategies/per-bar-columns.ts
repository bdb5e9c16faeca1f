import type { BarEvent } from '../../events/index.ts';
import {
  createLogic,
  NO_DECISION,
  type ColumnLogic,
  type StrategyContext,
  type StrategyDecision,
  type StrategyDefinition,
  type StrategyLogic,
} from './strategy.ts';

/**
 * What turns a logic's decision into the column's value when more than the decision
 * counts (an entry filter, src/containers/filtered-columns.ts): called on every bar with
 * the decision, the bar, and the feature columns, of which the gate's own
 * (`extraColumns` of them) follow the logic's `m`.
 */
export interface DecisionGate {
  readonly extraColumns: number;
  decide(
    decision: StrategyDecision | null,
    bar: BarEvent,
    features: readonly Float64Array[],
    m: number,
    b: number,
  ): number;
}

/**
 * A strategy's own per-bar logic run over a chunk's columns: for each bar, the features
 * copied into one reused input array and the bar's fields into one reused bar object,
 * then the logic called exactly as the strategy container calls it (src/containers/
 * strategy.ts), its direction (or NO_DECISION for null) written to the column. The
 * decisions are the per-event path's by construction; what it saves is the graph around
 * the call (a FEATURES event, its copy, the SIGNAL routing), not the call itself.
 *
 * The bar object is the same for every call and changes under the logic: a logic must
 * not keep it across calls (none of the built-ins does; the per-event path does not
 * promise a fresh one either). Its `source` is empty. The context has no regimes: the
 * fused path runs only without classifiers.
 */
export function perBarColumns(logic: StrategyLogic, gate?: DecisionGate): ColumnLogic {
  const bar: { -readonly [K in keyof BarEvent]: BarEvent[K] } = {
    type: 'BAR',
    seq: 0,
    ts: 0,
    symbol: '',
    source: '',
    index: 0,
    open: 0,
    high: 0,
    low: 0,
    close: 0,
    volume: 0,
  };
  const context: StrategyContext = { regimes: {} };
  let inputs = new Float64Array(0);
  return (features, length, out, bars) => {
    // The logic's own features come first; a gate may read columns after them.
    const m = features.length - (gate?.extraColumns ?? 0);
    if (inputs.length !== m) inputs = new Float64Array(m);
    bar.symbol = bars.symbol;
    const { ts, open, high, low, close, volume, seq0, index0 } = bars;
    for (let b = 0; b < length; b++) {
      for (let i = 0; i < m; i++) inputs[i] = features[i]![b]!;
      bar.seq = seq0 + b;
      bar.index = index0 + b;
      bar.ts = ts[b]!;
      bar.open = open[b]!;
      bar.high = high[b]!;
      bar.low = low[b]!;
      bar.close = close[b]!;
      bar.volume = volume[b]!;
      const decision = logic(inputs, bar, context);
      if (gate !== undefined) out[b] = gate.decide(decision, bar, features, m, b);
      else out[b] = decision === null ? NO_DECISION : decision.direction;
    }
  };
}

/**
 * `definition` with a `columns` that runs its own `create` logic per bar over the
 * chunk's columns ({@link perBarColumns}), which lets the fused columnar path run a
 * strategy whose decision depends only on its features, the bar and its own state:
 * `defineStrategy(withPerBarColumns({ name, …, create }))`.
 */
export function withPerBarColumns<P extends Record<string, unknown>>(
  definition: StrategyDefinition<P>,
): StrategyDefinition<P> {
  return { ...definition, columns: (params: P) => perBarColumns(createLogic(definition, params)) };
}
