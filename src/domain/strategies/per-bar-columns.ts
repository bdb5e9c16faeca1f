import type { BarEvent } from '../../events/index.ts';
import {
  createLogic,
  NO_DECISION,
  type ChunkBars,
  type ChunkRegimes,
  type ColumnLogic,
  type StrategyContext,
  type StrategyDecision,
  type StrategyDefinition,
  type StrategyLogic,
} from './strategy.ts';

/**
 * What turns a logic's decision into the column's value when more than the decision
 * counts (an entry filter, src/containers/filtered-columns.ts): called on every bar with
 * the decision, the bar, the feature columns, of which the gate's own (`extraColumns` of
 * them) follow the logic's `m`, and the classifiers' current labels (which a filter reads
 * by classifier id).
 */
export interface DecisionGate {
  readonly extraColumns: number;
  decide(
    decision: StrategyDecision | null,
    bar: BarEvent,
    features: readonly Float64Array[],
    m: number,
    b: number,
    regimes: Readonly<Record<string, string>>,
  ): number;
}

/**
 * One bar object reused for every row of a chunk: `at(bars, b)` writes row b's fields
 * into it. Per-bar logic (a strategy's, a classifier's) run over a chunk gets this object
 * where the per-event path gives it the BAR event: a logic must not keep it across calls
 * (none of the built-ins does; the per-event path does not promise a fresh one either).
 * Its `source` is empty.
 */
export class ChunkBarView {
  readonly bar: { -readonly [K in keyof BarEvent]: BarEvent[K] } = {
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

  at(bars: ChunkBars, b: number): BarEvent {
    const bar = this.bar;
    bar.symbol = bars.symbol;
    bar.seq = bars.seq0 + b;
    bar.index = bars.index0 + b;
    bar.ts = bars.ts[b]!;
    bar.open = bars.open[b]!;
    bar.high = bars.high[b]!;
    bar.low = bars.low[b]!;
    bar.close = bars.close[b]!;
    bar.volume = bars.volume[b]!;
    return bar;
  }
}

/**
 * A strategy's own per-bar logic run over a chunk's columns: for each bar, the features
 * copied into one reused input array, the bar's fields into one reused bar object
 * ({@link ChunkBarView}) and the classifiers' labels at that bar into the context's
 * regimes, then the logic called exactly as the strategy container calls it (src/containers/
 * strategy.ts), its direction (or NO_DECISION for null) written to the column. The
 * decisions are the per-event path's by construction; what it saves is the graph around
 * the call (a FEATURES event, its copy, the SIGNAL and CLASSIFICATION routing), not the
 * call itself.
 */
export function perBarColumns(logic: StrategyLogic, gate?: DecisionGate): ColumnLogic {
  const view = new ChunkBarView();
  const regimes: Record<string, string> = {};
  const context: StrategyContext = { regimes };
  let inputs = new Float64Array(0);
  let ids: string[] | undefined;
  let labels: (readonly string[])[] = [];
  return (features, length, out, bars, chunkRegimes: ChunkRegimes) => {
    // The logic's own features come first; a gate may read columns after them.
    const m = features.length - (gate?.extraColumns ?? 0);
    if (inputs.length !== m) inputs = new Float64Array(m);
    // The run's classifiers are the same for every chunk; their columns may be new.
    ids ??= Object.keys(chunkRegimes);
    labels = ids.map((id) => chunkRegimes[id]!);
    for (let b = 0; b < length; b++) {
      for (let i = 0; i < m; i++) inputs[i] = features[i]![b]!;
      for (let k = 0; k < ids.length; k++) regimes[ids[k]!] = labels[k]![b]!;
      const bar = view.at(bars, b);
      const decision = logic(inputs, bar, context);
      if (gate !== undefined) out[b] = gate.decide(decision, bar, features, m, b, regimes);
      else out[b] = decision === null ? NO_DECISION : decision.direction;
    }
  };
}

/**
 * `definition` with a `columns` that runs its own `create` logic per bar over the
 * chunk's columns ({@link perBarColumns}), which lets the fused columnar path run a
 * strategy whose decision depends only on its features, the bar, the classifiers'
 * regimes and its own state: `defineStrategy(withPerBarColumns({ name, …, create }))`.
 */
export function withPerBarColumns<P extends Record<string, unknown>>(
  definition: StrategyDefinition<P>,
): StrategyDefinition<P> {
  return { ...definition, columns: (params: P) => perBarColumns(createLogic(definition, params)) };
}
