import type { ResolvedFilter } from '../config/resolved.ts';
import { EntryGate } from '../domain/strategies/entry-gate.ts';
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
 * strategy's own logic (`perBarColumns`), then the entry filter through the same gate as
 * the strategy container's (EntryGate, src/domain/strategies/entry-gate.ts): a stateful
 * filter is evaluated on every bar, any other only when the strategy wants to enter or
 * reverse; a refused entry becomes flat, and is no signal at all when the book is flat
 * already. The column holds the direction the container has signalled after each bar
 * (NO_DECISION while the logic is silent), so it changes exactly where the container
 * emits a SIGNAL. The strategy's features come first in the columns, then the filter's, in
 * `filter.features` order. The classifiers' labels at the bar are in the scope by id, as
 * the container has them.
 */
export function filteredColumns(
  definition: StrategyDefinition,
  params: Record<string, unknown>,
  filter: ResolvedFilter,
): FilteredColumns {
  const names = filter.features.map((f) => f.name);
  // The chunk's feature columns and where the filter's start, for the gate's writeInputs
  // (set before each call: the gate points at a bar by its row alone).
  let columns: readonly Float64Array[] = [];
  let first = 0;
  let labels: Readonly<Record<string, string>> = {};
  const gate = new EntryGate<number>({
    test: filter.create?.() ?? filter.test,
    stateful: filter.stateful === true,
    writeInputs(scope, b) {
      for (let i = 0; i < names.length; i++) scope[names[i]!] = columns[first + i]![b]!;
      // The classifiers' labels by id, as the container puts its context's regimes in the scope.
      for (const id in labels) scope[id] = labels[id]!;
    },
  });
  const columnsGate: DecisionGate = {
    extraColumns: names.length,
    decide(decision, bar, features, m, b, regimes) {
      columns = features;
      first = m;
      labels = regimes;
      gate.next(decision, bar, b);
      return decision === null ? NO_DECISION : gate.direction;
    },
  };
  const logic = perBarColumns(createLogic(definition, params), columnsGate);
  return { logic, filtered: () => gate.filtered };
}
