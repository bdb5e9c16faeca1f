import type { z } from 'zod';
import type { BarEvent, Direction } from '../../events/index.ts';

import type { FeatureRequest } from '../indicators/feature-request.ts';

export type { FeatureRequest };

/** A strategy's verdict on one bar: its target direction, or null while warming up. */
export interface StrategyDecision {
  readonly direction: Direction;
  /** Conviction in [-1, 1], sign matching direction. */
  readonly strength: number;
}

/**
 * What a strategy may read besides its features and the bar: the current regime of every
 * classifier of the run, for the bar being processed (a classifier's label for bar t
 * reaches the strategy before the strategy's features of bar t).
 */
export interface StrategyContext {
  /** Classifier id → its current label; '' until the classifier's first label. */
  readonly regimes: Readonly<Record<string, string>>;
}

/**
 * The per-symbol logic of a strategy instance. `features[i]` is the current value of the
 * i-th entry of the definition's `features(params)` list (NaN while warming up).
 * Returns null to say "no opinion yet" (warm-up); the container emits a SIGNAL only when
 * the returned direction differs from the previous one. `context` carries the regimes;
 * plain strategies ignore it (the container always passes one).
 */
export type StrategyLogic = (
  features: ArrayLike<number>,
  bar: BarEvent,
  context?: StrategyContext,
) => StrategyDecision | null;

/**
 * A strategy kind in the registry, made with `defineStrategy` (built-ins and plugins alike).
 * Params use snake_case keys, as in YAML.
 */
export interface StrategyDefinition<P extends Record<string, unknown> = Record<string, unknown>> {
  readonly name: string;
  readonly description: string;
  /** zod object of the parameters, with defaults, and cross-field checks via refine. */
  readonly params: z.ZodType<P>;
  /**
   * A sensible parameter grid for optimization, in the config grid syntax: per key a list
   * of values or a `range(start, stop, step)` string (see `expandGrid` in
   * src/config/grid.ts). Every combination passes `params`; omitted keys take their default.
   */
  readonly defaultGrid?: Readonly<Record<string, readonly (number | string | boolean)[] | string>>;
  /** The features this strategy reads, in the order `StrategyLogic` receives them. */
  features(params: P): readonly FeatureRequest[];
  /**
   * Bars the logic itself needs before its first decision, beyond its features' own
   * warm-up (state it keeps across bars, e.g. a count of bars above a level). Sequences
   * with `warmup: auto` prime at least this many bars. Default 0.
   */
  warmup?(params: P): number;
  /**
   * A fresh logic instance, one per symbol. A strategy has either this (per-symbol
   * logic) or `crossSection` (one decision across all symbols), not both.
   */
  create?(params: P): StrategyLogic;
  /**
   * Optional, beside `create`: the same logic over a chunk of bars at once, for the fused
   * columnar engine (src/containers/fused-books.ts). A fresh instance per symbol, keeping
   * its state across chunks. It must decide exactly what `create`'s logic decides bar by
   * bar (the engine runs either, and tests compare them); a strategy without it always
   * runs on the per-event path.
   */
  columns?(params: P): ColumnLogic;
  /**
   * A fresh cross-sectional logic, one per strategy instance: it sees every symbol's
   * features at once and says what fraction of equity each symbol should hold
   * (`rotation`; docs/portfolios.md).
   */
  crossSection?(params: P): CrossSectionLogic;
}

/**
 * What a cross-sectional logic sees at one timestamp on which every symbol of the
 * universe has a bar (its close is known, nothing later is).
 */
export interface CrossSection {
  readonly ts: number;
  /** The trading session (a local date in the calendar's zone) the timestamp belongs to, as a number. */
  readonly session: number;
  /** The universe, sorted by symbol (the merge order of bars). */
  readonly symbols: readonly string[];
  /** `features[f][s]`: the f-th feature of the definition's list for symbols[s] (NaN while warming up). */
  readonly features: readonly Float64Array[];
}

/**
 * A cross-sectional strategy's decision at one complete timestamp: the target weight of
 * every symbol (fraction of equity, index as `CrossSection.symbols`), or null for "no
 * rebalance now" (warm-up, or between scheduled rebalances).
 */
export type CrossSectionLogic = (section: CrossSection) => Float64Array | null;

/** What a {@link ColumnLogic} writes for a bar on which the logic has no opinion yet (`null`). */
export const NO_DECISION = 2;

/** The bars of a chunk of one symbol, as columns, for a {@link ColumnLogic}. */
export interface ChunkBars {
  readonly symbol: string;
  /** `seq` of row 0 (run-wide bar number); row b has `seq0 + b`. */
  readonly seq0: number;
  /** Index of row 0 in the symbol's series; row b has `index0 + b`. */
  readonly index0: number;
  readonly ts: Float64Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
}

/**
 * The regime of every classifier of the run at each bar of a chunk, as the strategy
 * container's context has it when it reads that bar's features: `regimes[id][b]` is
 * classifier `id`'s current label after bar b ('' until its first label). Empty without
 * classifiers.
 */
export type ChunkRegimes = Readonly<Record<string, readonly string[]>>;

/**
 * A strategy's logic over a chunk: `features[i][b]` is the i-th feature of the
 * definition's list at bar `b` of the chunk (NaN while warming up), `bars` the chunk's
 * bars, `regimes` the classifiers' labels per bar (what `context.regimes` holds per bar);
 * it writes the direction it decides at every bar b < `length` into `out[b]` (-1, 0, 1),
 * or {@link NO_DECISION} where the per-bar logic would return null. Strength is not
 * written: nothing downstream of a backtest's books reads it.
 */
export type ColumnLogic = (
  features: readonly Float64Array[],
  length: number,
  out: Int8Array,
  bars: ChunkBars,
  regimes: ChunkRegimes,
) => void;

/**
 * A fresh per-symbol logic of a strategy kind.
 *
 * @throws Error for a cross-sectional strategy (`rotation`), which has none: config
 *   validation keeps those out of places that need one (ensemble members, regimes).
 */
export function createLogic<P extends Record<string, unknown>>(
  definition: StrategyDefinition<P>,
  params: P,
): StrategyLogic {
  if (definition.create === undefined)
    throw new Error(`strategy '${definition.name}' decides across symbols at once; it has no per-symbol logic`);
  return definition.create(params);
}
