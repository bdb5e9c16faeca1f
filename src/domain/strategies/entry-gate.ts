/**
 * A strategy's entry filter between its decisions and its signals, on one symbol: the
 * direction signalled so far, and when a change of mind becomes a signal. The strategy
 * container (per-event path, src/containers/strategy.ts), the fused path's filtered
 * columns (src/containers/filtered-columns.ts) and a composite's members
 * (src/domain/composition/member.ts) all gate through here, so they filter alike by
 * construction (and the two paths count `bars_filtered_to_flat` alike).
 *
 * The filter itself is a compiled expression (src/config): here it is only a function of
 * a scope of names, which the caller's `writeInputs` completes with what it alone knows
 * (the filter's features, the regimes).
 */
import type { BarEvent, Direction } from '../../events/index.ts';
import type { StrategyDecision } from './strategy.ts';

/** A value in the filter's scope (what an expression reads and returns). */
export type FilterValue = number | boolean | string;

/** The filter's scope: the names its expression reads. */
export type FilterScope = Record<string, FilterValue>;

/** An entry filter's evaluator: true lets the entry through. */
export type FilterTest = (scope: Readonly<FilterScope>) => FilterValue;

/** The filter of a gate, with what its caller writes into the scope beyond the bar. */
export interface GateFilter<At> {
  /** This symbol's evaluator (its own, when the filter is stateful). */
  readonly test: FilterTest;
  /** The filter reads earlier bars (`prev`, `crosses_above`, …): evaluated on every bar. */
  readonly stateful: boolean;
  /** Writes the scope's names after the bar's (the filter's features, any regimes) for `at`. */
  writeInputs(scope: FilterScope, at: At): void;
}

/**
 * The direction a strategy has signalled on one symbol, behind its entry filter (none:
 * every change of mind is a signal). `At` is how the caller points at the current bar's
 * inputs for `writeInputs` (a FEATURES event, a row of columns).
 */
export class EntryGate<At> {
  /** The direction signalled last (flat before the first signal). */
  direction: Direction = 0;
  /** Bars on which the filter turned an entry into flat (the results' `bars_filtered_to_flat`). */
  filtered = 0;
  /** Reused on every evaluation (one object per gate, not per bar). */
  private readonly scope: FilterScope = {};

  constructor(private readonly filter?: GateFilter<At>) {}

  /**
   * The direction to signal after this bar, or null for no signal (the logic is silent,
   * does not change its mind, or the filter refuses an entry while already flat). The
   * filter gates entering (or reversing into) a position, never an exit, and is asked
   * again on every bar while the strategy wants in but is not, so an entry waits for the
   * filter instead of being lost; once in, the position is held until the strategy itself
   * changes its mind. A refused entry signals flat (strength 0) when a position is open.
   */
  next(decision: StrategyDecision | null, bar: BarEvent, at: At): Direction | null {
    const filter = this.filter;
    // A filter reading earlier bars sees every bar, also those where the strategy is
    // silent (signal and strength 0 then) or does not change its mind.
    const pass =
      filter !== undefined &&
      filter.stateful &&
      this.passes(filter, decision?.direction ?? 0, decision?.strength ?? 0, bar, at);
    if (decision === null) return null;
    const wanted = decision.direction;
    if (wanted === this.direction) return null;
    if (
      filter !== undefined &&
      wanted !== 0 &&
      !(filter.stateful ? pass : this.passes(filter, wanted, decision.strength, bar, at))
    ) {
      this.filtered++;
      if (this.direction === 0) return null;
      return (this.direction = 0);
    }
    return (this.direction = wanted);
  }

  /** Whether the filter holds on this bar, for the strategy's direction and strength. */
  private passes(filter: GateFilter<At>, signal: number, strength: number, bar: BarEvent, at: At): boolean {
    const scope = this.scope;
    scope['signal'] = signal;
    scope['strength'] = strength;
    scope['open'] = bar.open;
    scope['high'] = bar.high;
    scope['low'] = bar.low;
    scope['close'] = bar.close;
    scope['volume'] = bar.volume;
    filter.writeInputs(scope, at);
    return filter.test(scope) === true;
  }
}
