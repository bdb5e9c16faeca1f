import type { BarEvent, Direction } from '../events/index.ts';
import type { ResolvedFilter } from '../config/resolved.ts';
import type { ExpressionValue } from '../config/expression.ts';
import {
  createLogic,
  NO_DECISION,
  type ColumnLogic,
  type StrategyContext,
  type StrategyDefinition,
} from '../domain/strategies/strategy.ts';

/** A strategy's column logic with its entry filter, and the filter's count for the results. */
export interface FilteredColumns {
  readonly logic: ColumnLogic;
  /** Bars on which the filter turned an entry into flat (the strategy container's `bars_filtered_to_flat`). */
  filtered(): number;
}

/**
 * A strategy with an entry filter over a chunk, for the fused path: per bar, the
 * strategy's own logic (as `perBarColumns` runs it), then the entry filter exactly as the
 * strategy container applies it (src/containers/strategy.ts, `onEvent`): a stateful
 * filter is evaluated on every bar, any other only when the strategy wants to enter or
 * reverse; a refused entry becomes flat, and is no signal at all when the book is flat
 * already. The column holds the direction the container has signalled after each bar
 * (NO_DECISION while the logic is silent), so it changes exactly where the container
 * emits a SIGNAL. The strategy's features come first in `features`, then the filter's, in
 * `filter.features` order. No classifiers on the fused path, so no regimes in the scope.
 */
export function filteredColumns(
  definition: StrategyDefinition,
  params: Record<string, unknown>,
  filter: ResolvedFilter,
): FilteredColumns {
  const logic = createLogic(definition, params);
  const test = filter.create?.() ?? filter.test;
  const stateful = filter.stateful === true;
  const names = filter.features.map((f) => f.name);
  const scope: Record<string, ExpressionValue> = {};
  const context: StrategyContext = { regimes: {} };
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
  let inputs = new Float64Array(0);
  let direction: Direction = 0;
  let pass = false;
  let filtered = 0;
  const passes = (features: readonly Float64Array[], m: number, b: number, signal: number, strength: number) => {
    scope['signal'] = signal;
    scope['strength'] = strength;
    scope['open'] = bar.open;
    scope['high'] = bar.high;
    scope['low'] = bar.low;
    scope['close'] = bar.close;
    scope['volume'] = bar.volume;
    for (let i = 0; i < names.length; i++) scope[names[i]!] = features[m + i]![b]!;
    return test(scope) === true;
  };
  const columns: ColumnLogic = (features, length, out, bars) => {
    const m = features.length - names.length;
    if (inputs.length !== m) inputs = new Float64Array(m);
    bar.symbol = bars.symbol;
    for (let b = 0; b < length; b++) {
      for (let i = 0; i < m; i++) inputs[i] = features[i]![b]!;
      bar.seq = bars.seq0 + b;
      bar.index = bars.index0 + b;
      bar.ts = bars.ts[b]!;
      bar.open = bars.open[b]!;
      bar.high = bars.high[b]!;
      bar.low = bars.low[b]!;
      bar.close = bars.close[b]!;
      bar.volume = bars.volume[b]!;
      const decision = logic(inputs, bar, context);
      if (stateful) pass = passes(features, m, b, decision?.direction ?? 0, decision?.strength ?? 0);
      if (decision === null) {
        out[b] = NO_DECISION;
        continue;
      }
      const d = decision.direction;
      if (d !== direction) {
        if (d !== 0 && !(stateful ? pass : passes(features, m, b, d, decision.strength))) {
          filtered++;
          direction = 0;
        } else direction = d;
      }
      out[b] = direction;
    }
  };
  return { logic: columns, filtered: () => filtered };
}
