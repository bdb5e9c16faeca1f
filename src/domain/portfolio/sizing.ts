/**
 * Position sizing: how many shares a signal's direction turns into.
 */
import type { Direction } from '../../events/index.ts';

/** A fixed number of shares per position. */
export interface FixedSizing {
  readonly type: 'fixed';
  /** Shares; fractional values are floored. */
  readonly quantity: number;
}

/** A share of the book's equity, by notional at the reference price. */
export interface PercentEquitySizing {
  readonly type: 'percent_equity';
  /** Percent of equity, 0..100 (values above 100 mean leverage; risk limits decide). */
  readonly percent: number;
}

/** How a portfolio sizes its target positions (the YAML `sizing` block). */
export type SizingConfig = FixedSizing | PercentEquitySizing;

/**
 * Rounds a non-negative share count down to whole shares.
 *
 * A quantity computed as `equity × percent / 100 / price` can land a hair below an exact
 * integer (0.3 × 1000 / 3 = 99.99999999999999), and plain `floor` would then lose a whole
 * share. A relative tolerance of 1e-12 absorbs that rounding and nothing a user could
 * notice. Non-positive and non-finite inputs give 0.
 */
export function wholeShares(x: number): number {
  if (!(x > 0) || !Number.isFinite(x)) return 0;
  return Math.floor(x + Math.max(1e-9, x * 1e-12));
}

/**
 * Target position for a direction, in signed whole shares: direction × floor(|size|).
 *
 * Returns 0 when `direction` is 0, when `price` is not positive, and (for percent of
 * equity) when equity is not positive, since a bankrupt book must not open anything.
 *
 * @example
 * targetQuantity({ type: 'percent_equity', percent: 50 }, -1, 10_000, 30) // -166 (5000 / 30 = 166.7)
 */
export function targetQuantity(sizing: SizingConfig, direction: Direction, equity: number, price: number): number {
  if (direction === 0 || !(price > 0)) return 0;
  const size = sizing.type === 'fixed' ? Math.abs(sizing.quantity) : (equity * sizing.percent) / 100 / price;
  const shares = wholeShares(size);
  // `0 * -1` would be -0; keep flat positions a plain 0 for serialisation and equality.
  return shares === 0 ? 0 : direction * shares;
}
