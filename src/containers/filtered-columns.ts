import type { BarEvent, Direction } from '../events/index.ts';
import type { ResolvedFilter } from '../config/resolved.ts';
import type { ExpressionValue } from '../config/expression-language.ts';
import { createLogic, NO_DECISION, type ColumnLogic, type StrategyDefinition } from '../domain/strategies/strategy.ts';
import { perBarColumns, type DecisionGate } from '../domain/strategies/per-bar-columns.ts';

/** A strategy's column logic with its entry filter, and the filter's count for the results. */
export interface FilteredColumns {
  readonly logic: ColumnLogic;
  /** Bars on which the filter turned an entry into flat (the strategy container's `bars_filtered_to_flat`). */
  filtered(): number;
}

/**
 * A strategy with an entry filter over a chunk, for the fused path: per bar, the
 * strategy's own logic (`perBarColumns`), then the entry filter exactly as the strategy
 * container applies it (src/containers/strategy.ts, `onEvent`): a stateful filter is
 * evaluated on every bar, any other only when the strategy wants to enter or reverse; a
 * refused entry becomes flat, and is no signal at all when the book is flat already. The
 * column holds the direction the container has signalled after each bar (NO_DECISION
 * while the logic is silent), so it changes exactly where the container emits a SIGNAL.
 * The strategy's features come first in the columns, then the filter's, in
 * `filter.features` order. The classifiers' labels at the bar are in the scope by id, as
 * the container has them.
 */
export function filteredColumns(
  definition: StrategyDefinition,
  params: Record<string, unknown>,
  filter: ResolvedFilter,
): FilteredColumns {
  const test = filter.create?.() ?? filter.test;
  const stateful = filter.stateful === true;
  const names = filter.features.map((f) => f.name);
  const scope: Record<string, ExpressionValue> = {};
  let direction: Direction = 0;
  let filtered = 0;
  const passes = (
    bar: BarEvent,
    features: readonly Float64Array[],
    m: number,
    b: number,
    signal: number,
    strength: number,
    regimes: Readonly<Record<string, string>>,
  ): boolean => {
    scope['signal'] = signal;
    scope['strength'] = strength;
    scope['open'] = bar.open;
    scope['high'] = bar.high;
    scope['low'] = bar.low;
    scope['close'] = bar.close;
    scope['volume'] = bar.volume;
    for (let i = 0; i < names.length; i++) scope[names[i]!] = features[m + i]![b]!;
    // The classifiers' labels by id, as the container puts its context's regimes in the scope.
    for (const id in regimes) scope[id] = regimes[id]!;
    return test(scope) === true;
  };
  const gate: DecisionGate = {
    extraColumns: names.length,
    decide(decision, bar, features, m, b, regimes) {
      // A filter reading earlier bars sees every bar, also those where the strategy is silent.
      const pass = stateful && passes(bar, features, m, b, decision?.direction ?? 0, decision?.strength ?? 0, regimes);
      if (decision === null) return NO_DECISION;
      const d = decision.direction;
      if (d !== direction) {
        if (d !== 0 && !(stateful ? pass : passes(bar, features, m, b, d, decision.strength, regimes))) {
          filtered++;
          direction = 0;
        } else direction = d;
      }
      return direction;
    },
  };
  const logic = perBarColumns(createLogic(definition, params), gate);
  return { logic, filtered: () => filtered };
}
