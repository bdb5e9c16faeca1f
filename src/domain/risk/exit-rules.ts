/**
 * Exit rules: the risk rules that do not judge an order but create one. Each is a pure
 * function of a position's state, evaluated at a bar's close with nothing later than that
 * bar, and each names itself as the exit reason that ends up on the order, the fill and
 * the trade.
 *
 * - Price exits (`stop_loss_pct`, `trailing_stop_pct`, `take_profit_pct`) become resting
 *   stop and limit orders at the broker, so they trigger inside a later bar's range at the
 *   price that bar allows (or at its open when it gaps through), like real protective
 *   orders: see `protectiveStop` and `takeProfit`.
 * - Time exits (`max_holding_bars`, `close_eod`) and the drawdown halt become market
 *   orders; `close_eod` a market-on-close order for the session's last bar.
 */

/** The exit part of the YAML `risk` block; an absent rule is off. */
export interface ExitRules {
  /** Stop at this percent below (long) / above (short) the average entry price. */
  readonly stopLossPct?: number | undefined;
  /** Take profit at this percent above (long) / below (short) the average entry price. */
  readonly takeProfitPct?: number | undefined;
  /** Stop trailing this percent behind the best price since entry (highest high / lowest low). */
  readonly trailingStopPct?: number | undefined;
  /** Exit a position held this many bars (of its symbol) or more. */
  readonly maxHoldingBars?: number | undefined;
  /** Stop trading and close everything once equity is this percent below its peak. */
  readonly maxDrawdownPct?: number | undefined;
}

/** A stop level and the rule that set it. */
export interface StopLevel {
  readonly price: number;
  readonly reason: 'stop_loss' | 'trailing_stop';
}

/**
 * The protective stop for a position: the tighter of the fixed stop (entry ∓ stop_loss_pct)
 * and the trailing stop (best ∓ trailing_stop_pct), undefined when neither rule is on. A
 * tie goes to `stop_loss`.
 *
 * @param sign +1 long, −1 short.
 * @param entry average entry price.
 * @param best highest high (long) or lowest low (short) since entry, bars closed so far.
 */
export function protectiveStop(rules: ExitRules, sign: 1 | -1, entry: number, best: number): StopLevel | undefined {
  const fixed = rules.stopLossPct === undefined ? undefined : entry * (1 - (sign * rules.stopLossPct) / 100);
  const trailing = rules.trailingStopPct === undefined ? undefined : best * (1 - (sign * rules.trailingStopPct) / 100);
  if (fixed === undefined && trailing === undefined) return undefined;
  if (trailing === undefined || !Number.isFinite(trailing))
    return fixed === undefined ? undefined : { price: fixed, reason: 'stop_loss' };
  if (fixed === undefined) return { price: trailing, reason: 'trailing_stop' };
  // Tighter = closer to the market: higher for a long's stop, lower for a short's.
  return sign * (trailing - fixed) > 0
    ? { price: trailing, reason: 'trailing_stop' }
    : { price: fixed, reason: 'stop_loss' };
}

/** The take-profit limit price: entry ± take_profit_pct, undefined when the rule is off. */
export function takeProfit(rules: ExitRules, sign: 1 | -1, entry: number): number | undefined {
  return rules.takeProfitPct === undefined ? undefined : entry * (1 + (sign * rules.takeProfitPct) / 100);
}

/** True when a position entered at bar `entryIndex` has been held `max_holding_bars` at bar `index`. */
export function holdingExpired(rules: ExitRules, entryIndex: number, index: number): boolean {
  return rules.maxHoldingBars !== undefined && index - entryIndex >= rules.maxHoldingBars;
}

/**
 * Peak-to-trough drawdown watch: `update(equity)` at each bar's close returns true from
 * the first close at which equity is `max_drawdown_pct` or more below its running peak,
 * and stays true (a halt is not lifted by a recovery).
 */
export class DrawdownHalt {
  private peak = -Infinity;
  private tripped = false;
  /** Drawdown, percent of the peak, at which the halt trips. */
  readonly limitPct: number;

  constructor(limitPct: number) {
    this.limitPct = limitPct;
  }

  /** True once halted. */
  get halted(): boolean {
    return this.tripped;
  }

  /** Feeds a closing equity; true when halted (now or before). */
  update(equity: number): boolean {
    if (this.tripped) return true;
    if (equity > this.peak) this.peak = equity;
    // Non-positive equity is a 100 % drawdown whatever the peak.
    if (!(equity > 0) || (this.peak > 0 && (this.peak - equity) / this.peak >= this.limitPct / 100))
      this.tripped = true;
    return this.tripped;
  }

  /** The peak equity seen. */
  get peakEquity(): number {
    return this.peak;
  }
}
