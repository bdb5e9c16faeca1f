/**
 * The account a book trades in: what it may spend on new positions (buying power), and
 * when it must liquidate (margin call). docs/execution.md ("Accounts") states the rules
 * with worked examples.
 *
 * - **cash**: opening a position spends cash: a share costs its price, a futures contract
 *   its margin, both plus commission and slippage. Selling shares short is refused.
 * - **margin**: opening a share position needs `initial` (long) or `short_initial` (short)
 *   × its notional of free equity (equity less the initial margin of what is open); a
 *   future needs its margin per contract. Gross exposure is capped at `max_leverage` ×
 *   equity. When equity falls below the maintenance requirement, every position is
 *   liquidated (exit reason `margin_call`).
 *
 * Checks run at order time at the order's reference price (the signal bar's close), as
 * backtrader's broker checks a submitted order at its created price; a gap to the filling
 * bar's open can still move cash a little beyond what the check allowed.
 */
import type { OrderEvent } from '../../events/index.ts';
import { commission, slippageBps, slippedPrice, type CommissionModel, type SlippageModel } from '../execution/costs.ts';
import type { Book } from './book.ts';
import type { Instrument } from './instrument.ts';

/** Margin rates of a margin account, fractions of notional (0.5 is 50 %). */
export interface MarginRates {
  /** Free equity needed to open a long share position, per unit of notional (Reg T: 0.5). */
  readonly initial: number;
  /** Equity needed to keep long share positions open, per unit of notional (FINRA: 0.25). */
  readonly maintenance: number;
  /** Free equity needed to open a short share position, per unit of notional. */
  readonly shortInitial: number;
  /** Equity needed to keep short share positions open, per unit of notional. */
  readonly shortMaintenance: number;
  /** Largest gross exposure as a multiple of equity. */
  readonly maxLeverage: number;
}

/** Reg T initial margin, FINRA maintenance (30 % for shorts, as most brokers), leverage 2. */
export const DEFAULT_MARGIN_RATES: MarginRates = Object.freeze({
  initial: 0.5,
  maintenance: 0.25,
  shortInitial: 0.5,
  shortMaintenance: 0.3,
  maxLeverage: 2,
});

/** The account of a book (the YAML `portfolio.account` and `portfolio.margin`). */
export type Account = { readonly type: 'cash' } | ({ readonly type: 'margin' } & MarginRates);

/** What to do with an order beyond buying power: refuse its opening part, or cut it to what is affordable. */
export type InsufficientFundsPolicy = 'reject' | 'resize';

/** Everything the funds check needs besides the order. */
export interface FundsRules {
  readonly account: Account;
  readonly policy: InsufficientFundsPolicy;
  readonly commission: CommissionModel;
  readonly slippage: SlippageModel;
  readonly instrument: (symbol: string) => Instrument;
}

/**
 * Margin a margin account needs for what is open: `rate(long)` × long share value +
 * `rate(short)` × short share value + the margin posted for futures.
 */
function requirement(book: Book, longRate: number, shortRate: number): number {
  return longRate * book.longShareValue() + shortRate * book.shortShareValue() + book.postedMargin();
}

/**
 * What the book may spend on opening positions, before the orders it has sent and not
 * yet seen filled: its cash (cash account), or its equity less the initial margin of what
 * is open (margin account).
 */
export function buyingPower(book: Book, account: Account): number {
  if (account.type === 'cash') return book.cash;
  return book.equity() - requirement(book, account.initial, account.shortInitial);
}

/**
 * Whether a margin account's equity is below its maintenance requirement
 * (`maintenance` × long + `short_maintenance` × short share value + futures margin), with
 * something open to liquidate. Never for a cash account.
 */
export function marginCallDue(book: Book, account: Account): boolean {
  if (account.type === 'cash' || !book.invested) return false;
  return book.equity() < requirement(book, account.maintenance, account.shortMaintenance);
}

/** The part of an order as the funds check sees it. */
export type FundsOrder = Pick<OrderEvent, 'symbol' | 'side' | 'quantity' | 'price' | 'position'>;

/**
 * The part of an order that reduces |position| (the rest opens or adds). The funds rules
 * below return numbers, not records: the fused book loop calls them on every order of a
 * sweep, and a record per call was a measurable share of its garbage.
 */
export function closingQuantity(order: FundsOrder): number {
  const sign = order.side === 'buy' ? 1 : -1;
  return order.position * sign < 0 ? Math.min(order.quantity, Math.abs(order.position)) : 0;
}

/**
 * Funds one unit of an order of `units` ties up, at the slipped price: a share's price
 * (cash account) or its price × the initial margin rate (margin account), a future's
 * margin per contract. Infinity for a short share in a cash account.
 */
export function unitOpenCost(rules: FundsRules, order: FundsOrder, units: number): number {
  const instrument = rules.instrument(order.symbol);
  if (instrument.kind === 'future') return instrument.margin;
  const price = slippedPrice(order.side, order.price, slippageBps(rules.slippage, units, Number.NaN));
  const buy = order.side === 'buy';
  const account = rules.account;
  if (account.type === 'cash') return buy ? price : Infinity;
  return price * (buy ? account.initial : account.shortInitial);
}

/**
 * Funds the closing part of an order of `units` frees per unit, at the slipped price: a
 * sold share's price (cash account; nothing for a buy to cover), the margin it held
 * (margin account), a future's margin per contract.
 */
export function unitReleaseCost(rules: FundsRules, order: FundsOrder, units: number): number {
  const instrument = rules.instrument(order.symbol);
  if (instrument.kind === 'future') return instrument.margin;
  const price = slippedPrice(order.side, order.price, slippageBps(rules.slippage, units, Number.NaN));
  const buy = order.side === 'buy';
  const account = rules.account;
  if (account.type === 'cash') return buy ? 0 : price;
  return price * (buy ? account.shortInitial : account.initial);
}

/**
 * Net funds an order ties up at its reference price: what its opening part costs
 * (commission of the whole order included) less what its closing part frees. Negative for
 * an order that frees more than it spends; the portfolio reserves it until the order ends.
 */
export function fundsNeeded(rules: FundsRules, order: FundsOrder): number {
  const closing = closingQuantity(order);
  const opening = order.quantity - closing;
  let open = 0;
  if (opening > 0) {
    const unitOpen = unitOpenCost(rules, order, order.quantity);
    open = opening * (Number.isFinite(unitOpen) ? unitOpen : 0);
  }
  return (
    open -
    closing * unitReleaseCost(rules, order, order.quantity) +
    commission(rules.commission, order.quantity, order.price)
  );
}
