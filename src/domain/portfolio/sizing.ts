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

/**
 * Fixed fractional risk per trade: the position is sized so that a move of
 * `atr_multiple × ATR(atr_period)` against it loses `risk_percent` of equity (the "2N"
 * rule of the Turtle traders, Faith, *Way of the Turtle*, ch. 5).
 */
export interface AtrRiskSizing {
  readonly type: 'atr_risk';
  /** Percent of equity risked per position (1 = 1 %). */
  readonly riskPercent: number;
  readonly atrPeriod: number;
  /**
   * The ATR's first-bar convention (see the `atr` indicator): `skip` (default, TA-Lib and
   * backtrader) or `high_low`.
   */
  readonly atrFirstBar?: 'skip' | 'high_low';
  /** Distance of the notional stop in ATRs. */
  readonly atrMultiple: number;
  /** Cap on the position's notional, percent of equity (a tiny ATR must not mean huge leverage). */
  readonly maxPercent: number;
}

/**
 * Volatility targeting: the position's notional is `target_volatility / σ_annual` of equity,
 * σ_annual being the realized volatility of log returns over `lookback` bars scaled by
 * √(bars per year), capped at `max_leverage` × equity.
 */
export interface VolatilityTargetSizing {
  readonly type: 'volatility_target';
  /** Annualized volatility to aim for, percent (15 = 15 %). */
  readonly targetVolatility: number;
  readonly lookback: number;
  readonly maxLeverage: number;
}

/** How a portfolio sizes its target positions (the YAML `sizing` block). */
export type SizingConfig = FixedSizing | PercentEquitySizing | AtrRiskSizing | VolatilityTargetSizing;

/**
 * What a sizing rule may read besides equity and price: the current value of the feature it
 * asked for (ATR for `atr_risk`, per-bar σ for `volatility_target`; NaN while it warms up)
 * and the annualization factor.
 */
export interface SizingInputs {
  readonly feature: number;
  readonly barsPerYear: number;
}

/** The feature a sizing rule reads from the feature hub, if any. */
export function sizingFeature(
  sizing: SizingConfig,
): { indicator: string; params: Readonly<Record<string, number | string>> } | undefined {
  switch (sizing.type) {
    case 'atr_risk':
      return { indicator: 'atr', params: { period: sizing.atrPeriod, first_bar: sizing.atrFirstBar ?? 'skip' } };
    case 'volatility_target':
      return { indicator: 'volatility', params: { period: sizing.lookback } };
    default:
      return undefined;
  }
}

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
 * Unsigned share count a sizing rule asks for (before flooring):
 * - fixed: |quantity|;
 * - percent_equity: equity × percent / 100 / price;
 * - atr_risk: min(equity × risk_percent / 100 / (atr_multiple × ATR),
 *                 equity × max_percent / 100 / price);
 * - volatility_target: equity × min(target / 100 / (σ_bar × √barsPerYear), max_leverage) / price.
 * A feature still warming up (NaN) or zero gives 0 for the rules that read one.
 */
function rawSize(sizing: SizingConfig, equity: number, price: number, inputs: SizingInputs | undefined): number {
  switch (sizing.type) {
    case 'fixed':
      return Math.abs(sizing.quantity);
    case 'percent_equity':
      return (equity * sizing.percent) / 100 / price;
    case 'atr_risk': {
      const atr = inputs?.feature ?? NaN;
      if (!(atr > 0)) return 0;
      const byRisk = (equity * sizing.riskPercent) / 100 / (sizing.atrMultiple * atr);
      return Math.min(byRisk, (equity * sizing.maxPercent) / 100 / price);
    }
    case 'volatility_target': {
      const sigma = (inputs?.feature ?? NaN) * Math.sqrt(inputs?.barsPerYear ?? NaN);
      if (!(sigma > 0)) return 0;
      const leverage = Math.min(sizing.targetVolatility / 100 / sigma, sizing.maxLeverage);
      return (equity * leverage) / price;
    }
  }
}

/**
 * Target position for a direction, in signed whole shares: direction × floor(|size|).
 *
 * Returns 0 when `direction` is 0, when `price` is not positive, when equity is not
 * positive (for every rule but fixed: a bankrupt book must not open anything), and while
 * the feature a rule reads warms up.
 *
 * @example
 * targetQuantity({ type: 'percent_equity', percent: 50 }, -1, 10_000, 30) // -166 (5000 / 30 = 166.7)
 */
export function targetQuantity(
  sizing: SizingConfig,
  direction: Direction,
  equity: number,
  price: number,
  inputs?: SizingInputs,
): number {
  if (direction === 0 || !(price > 0)) return 0;
  if (sizing.type !== 'fixed' && !(equity > 0)) return 0;
  const shares = wholeShares(rawSize(sizing, equity, price, inputs));
  // `0 * -1` would be -0; keep flat positions a plain 0 for serialisation and equality.
  return shares === 0 ? 0 : direction * shares;
}
