/**
 * Pre-trade risk checks: a pure function of an order, which carries the book's position,
 * equity and gross exposure at its creation, so the risk container reads no other
 * container's state.
 */
import type { OrderEvent } from '../../events/index.ts';
import { wholeShares } from '../portfolio/sizing.ts';

/**
 * Limits of one book (the YAML `risk` block); an absent (or `undefined`, as zod's optional
 * fields infer) limit is not checked.
 */
export interface RiskLimits {
  /** Largest |position| in shares. */
  readonly maxPosition?: number | undefined;
  /** Largest |position| notional at the order price, in percent of equity (0..100). */
  readonly maxPositionPct?: number | undefined;
  /** Largest gross exposure after the trade, as a multiple of equity (1.0 = unlevered). */
  readonly maxExposure?: number | undefined;
}

/** What risk does with an order. */
export type RiskDecision =
  | { readonly action: 'approve' }
  | { readonly action: 'resize'; readonly quantity: number; readonly note: string }
  | { readonly action: 'reject'; readonly reason: string };

const APPROVE: RiskDecision = Object.freeze({ action: 'approve' });

/** A limit by its YAML name, as the reject and resize messages name it. */
type LimitName = 'max_position' | 'max_position_pct' | 'max_exposure';

/**
 * Checks an order against the limits.
 *
 * - The part of an order that reduces |position| is never blocked: risk must not trap a
 *   book in a position. An order that only reduces is approved as is.
 * - The part that opens or increases a position (all of a buy when flat or long; for a
 *   reversal such as long 100 / sell 150, the 50 beyond zero) is cut to the largest whole
 *   quantity for which the post-trade |position| respects `max_position` and
 *   `max_position_pct` (notional at `order.price`), and the post-trade gross exposure
 *   `grossExposure − |position × price| + |newPosition × price|` respects `max_exposure`.
 * - The order is approved when nothing was cut, resized when something remains, and
 *   rejected when nothing remains; the note or reason names the binding limit and the
 *   numbers behind it.
 */
export function checkOrder(order: OrderEvent, limits: RiskLimits): RiskDecision {
  const { quantity, price, position, equity, grossExposure } = order;
  if (!(quantity > 0) || !Number.isFinite(quantity)) {
    return { action: 'reject', reason: `invalid order quantity ${quantity}` };
  }
  const sign = order.side === 'buy' ? 1 : -1;
  const closing = position * sign < 0 ? Math.min(quantity, Math.abs(position)) : 0;
  const opening = quantity - closing;
  if (opening <= 0) return APPROVE;

  // After the closing part the position is flat (reversal) or unchanged (increase); either
  // way the opening part adds to |position| one for one.
  const baseAbs = Math.abs(position + sign * closing);
  const usesPrice = limits.maxPositionPct !== undefined || limits.maxExposure !== undefined;
  // Notional limits fail closed: without a usable price or book state nothing new opens.
  if (
    usesPrice &&
    !(price > 0 && Number.isFinite(price) && Number.isFinite(equity) && Number.isFinite(grossExposure))
  ) {
    const why = `cannot evaluate notional limits (price ${price}, equity ${equity}, gross exposure ${grossExposure})`;
    return closing > 0
      ? {
          action: 'resize',
          quantity: closing,
          note: `resized ${fmt(quantity)} → ${fmt(closing)}: ${why}; only the closing part kept`,
        }
      : { action: 'reject', reason: why };
  }

  // Each limit caps |new position| in shares; the tightest one binds (ties: the first listed).
  let cap = Infinity;
  let binding: LimitName | undefined;
  if (limits.maxPosition !== undefined) {
    cap = limits.maxPosition;
    binding = 'max_position';
  }
  if (limits.maxPositionPct !== undefined) {
    const pctCap = ((limits.maxPositionPct / 100) * equity) / price;
    if (pctCap < cap) {
      cap = pctCap;
      binding = 'max_position_pct';
    }
  }
  if (limits.maxExposure !== undefined) {
    // Exposure of everything else in the book stays; this symbol's is replaced.
    const otherExposure = grossExposure - Math.abs(position) * price;
    const exposureCap = (limits.maxExposure * equity - otherExposure) / price;
    if (exposureCap < cap) {
      cap = exposureCap;
      binding = 'max_exposure';
    }
  }
  if (binding === undefined) return APPROVE;

  const room = cap - baseAbs;
  // Compare before rounding so a fractional order under an infinite or roomy cap passes untouched.
  const allowed = room >= opening ? opening : Math.min(opening, wholeShares(room));
  if (allowed >= opening) return APPROVE;
  const explanation = explain(binding, limits, order, sign);
  const kept = closing + allowed;
  if (kept <= 0) return { action: 'reject', reason: explanation };
  return { action: 'resize', quantity: kept, note: `resized ${fmt(quantity)} → ${fmt(kept)} by ${explanation}` };
}

/** The sentence naming a limit and the numbers of the order as submitted. */
function explain(name: LimitName, limits: RiskLimits, order: OrderEvent, sign: number): string {
  const { quantity, price, position, equity, grossExposure } = order;
  const newPos = position + sign * quantity;
  const orderText = `order ${order.side} ${fmt(quantity)}`;
  switch (name) {
    case 'max_position':
      return `max_position ${fmt(limits.maxPosition ?? 0)} shares: position ${fmt(position)}, ${orderText} would make ${fmt(newPos)}`;
    case 'max_position_pct': {
      const pct = limits.maxPositionPct ?? 0;
      return (
        `max_position_pct ${fmt(pct)}% of equity ${fmt(equity)} = ${fmt((pct / 100) * equity)}: ` +
        `position ${fmt(position)}, ${orderText} @ ${fmt(price)} would make notional ${fmt(Math.abs(newPos) * price)}`
      );
    }
    case 'max_exposure': {
      const mult = limits.maxExposure ?? 0;
      const after = grossExposure - Math.abs(position) * price + Math.abs(newPos) * price;
      return (
        `max_exposure ${fmt(mult)}x equity ${fmt(equity)} = ${fmt(mult * equity)}: ` +
        `gross exposure ${fmt(grossExposure)}, ${orderText} @ ${fmt(price)} would make ${fmt(after)}`
      );
    }
  }
}

/** Short, deterministic number text for messages: integers as is, others to 2 decimals. */
function fmt(n: number): string {
  if (Number.isInteger(n)) return String(n);
  return String(Math.round(n * 100) / 100);
}
