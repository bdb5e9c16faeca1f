/**
 * The account's check of an order: does the book have the buying power (and, in a margin
 * account, the leverage room) for it? Run by the risk stage after the `risk` limits; the
 * account's rules themselves (buying power, margin, unit costs) are in
 * domain/portfolio/account.ts. docs/execution.md ("Accounts").
 */
import type { OrderEvent } from '../../events/index.ts';
import { commission } from '../execution/costs.ts';
import { closingQuantity, unitOpenCost, unitReleaseCost, type FundsRules } from '../portfolio/account.ts';
import { wholeShares } from '../portfolio/sizing.ts';
import type { RiskDecision } from './risk-check.ts';

/** The answer to most orders, shared: a decision is read, never changed. */
const APPROVE: RiskDecision = Object.freeze({ action: 'approve' });

/**
 * Checks an order against the book's buying power (`order.buyingPower`, which the
 * portfolio computes net of its other open orders) and, in a margin account, against
 * `max_leverage` (gross exposure after the trade at the order price).
 *
 * The closing part is never blocked. The opening part is kept whole when it fits; when it
 * does not, policy `reject` keeps only the closing part (or rejects an order that has
 * none), policy `resize` keeps the largest whole quantity that fits. A short sale of
 * shares in a cash account never fits. Orders without `buyingPower` are approved.
 */
export function checkFunds(order: OrderEvent, rules: FundsRules): RiskDecision {
  const power = order.buyingPower;
  const sign = order.side === 'buy' ? 1 : -1;
  const closing = closingQuantity(order);
  const opening = order.quantity - closing;
  if (power === undefined || opening <= 0) return APPROVE;
  const instrument = rules.instrument(order.symbol);
  const account = rules.account;
  const unitOpen = unitOpenCost(rules, order, order.quantity);
  const available = power + closing * unitReleaseCost(rules, order, order.quantity);

  let allowed = opening;
  let why = '';
  if (!Number.isFinite(unitOpen)) {
    allowed = 0;
    why = `a cash account cannot sell ${order.symbol} short (set portfolio.account: margin to short shares)`;
  } else if (orderCost(rules, unitOpen, closing, opening, order.price) > available) {
    // The largest whole quantity that fits; commission is not linear (minimums), so step down.
    let n = Math.min(
      opening,
      wholeShares((available - commission(rules.commission, closing + 1, order.price)) / unitOpen),
    );
    while (n > 0 && orderCost(rules, unitOpen, closing, n, order.price) > available) n--;
    allowed = n;
    why = `insufficient funds: buying power ${fmt(available)}, order ${order.side} ${fmt(opening)} ${order.symbol} @ ${fmt(order.price)} needs ${fmt(orderCost(rules, unitOpen, closing, opening, order.price))}`;
  }
  if (account.type === 'margin') {
    const point = instrument.kind === 'future' ? instrument.multiplier : 1;
    const notional = order.price * point;
    const others = order.grossExposure - Math.abs(order.position) * notional;
    const baseAbs = Math.abs(order.position + sign * closing);
    const room = (account.maxLeverage * order.equity - others) / notional - baseAbs;
    const byLeverage = room >= allowed ? allowed : Math.max(0, wholeShares(room));
    if (byLeverage < allowed) {
      allowed = byLeverage;
      why = `max_leverage ${fmt(account.maxLeverage)}x equity ${fmt(order.equity)}: gross exposure ${fmt(order.grossExposure)}, order ${order.side} ${fmt(opening)} ${order.symbol} @ ${fmt(order.price)} would exceed it`;
    }
  }
  if (allowed >= opening) return APPROVE;
  const kept = closing + (rules.policy === 'resize' ? allowed : 0);
  if (kept <= 0) return { action: 'reject', reason: why };
  return { action: 'resize', quantity: kept, note: `resized ${fmt(order.quantity)} → ${fmt(kept)} by ${why}` };
}

/**
 * What opening `n` more costs beside closing `closing`: n units at `unitOpen` plus the
 * commission on the whole order. A module function, not a closure over checkFunds' locals,
 * which every order would allocate (with tsx's keepNames, named too: it showed in the
 * fused backtest's profile).
 */
function orderCost(rules: FundsRules, unitOpen: number, closing: number, n: number, price: number): number {
  return n * unitOpen + commission(rules.commission, closing + n, price);
}

/** Short, deterministic number text for messages: integers as is, others to 2 decimals. */
function fmt(n: number): string {
  if (Number.isInteger(n)) return String(n);
  return String(Math.round(n * 100) / 100);
}
