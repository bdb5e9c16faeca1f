import type { PriceInput } from './indicator.ts';

/**
 * A feature a strategy needs from the feature hub. Two requests with the same indicator,
 * params and input are the same feature and are computed once per bar for all readers.
 */
export interface FeatureRequest {
  readonly indicator: string;
  /** Numbers, or the name of an option for the few enum params (`first_bar: 'skip'`). */
  readonly params: Readonly<Record<string, number | string>>;
  readonly input?: PriceInput;
  /** Which output of a multi-output indicator (e.g. 'upper'); default the first. */
  readonly output?: string;
  /**
   * Compute the indicator on bars of this higher timeframe, cut from the data's bars
   * inside the run (`'1h'`, `'1d'` on 5-minute data): a multiple of the data's timeframe,
   * at most a day. The value is that of the last closed higher bar (docs/indicators.md,
   * "Higher timeframes"). Default: the data's own bars.
   */
  readonly timeframe?: string;
  /**
   * Positional arguments as a filter's call writes them (`roc(60)`, `bbands(20, 2)`):
   * numbers fill the indicator's params in schema order, a name is the price input.
   * Used instead of `params` by strategies that take a feature as a param (`rotation`'s
   * `rank_by`), whose module cannot look the indicator up.
   */
  readonly args?: readonly (number | string)[];
  /** The strategy param this feature comes from, so a config error points at it. */
  readonly param?: string;
}
