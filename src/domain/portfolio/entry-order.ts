/**
 * The order a signal sends to open, add to or reverse a position (`portfolio.entry_order`,
 * docs/execution.md "Entry orders"): a market order, or a limit or stop order resting at
 * the broker at an offset from the signal bar's close. Built in one place for the
 * portfolio container and the fused book loop (src/domain/columnar/fused-exit-flow.ts),
 * so both paths send the same order type, price and expiry.
 */
import type { OrderEvent } from '../../events/index.ts';

/** `portfolio.entry_order`, as the domain reads it. */
export interface EntryOrderRule {
  readonly type: 'market' | 'limit' | 'stop';
  /** limit: this many bps better than the signal's close; stop: this many bps beyond it. */
  readonly offsetBps: number;
  /** Bars an unfilled entry may wait before the broker expires it; absent: until filled or replaced. */
  readonly expiresAfterBars?: number | undefined;
}

/**
 * The order type, price and expiry laid over a signal's order of `delta` shares sent with
 * `committed` shares already held or on their way, or undefined for a market order: an
 * order that only reduces the position is always one (exits do not wait for a price), and
 * so is every order of a `market` rule. `price` is the signal bar's close.
 */
export function entryOrderTerms(
  rule: EntryOrderRule,
  price: number,
  committed: number,
  delta: number,
): Partial<OrderEvent> | undefined {
  if (rule.type === 'market') return undefined;
  const reduces =
    committed !== 0 && Math.sign(delta) !== Math.sign(committed) && Math.abs(delta) <= Math.abs(committed);
  if (reduces) return undefined;
  // A limit buys below (sells above) the close; a stop buys above (sells below) it.
  const away = (rule.type === 'limit' ? -1 : 1) * Math.sign(delta) * (rule.offsetBps / 1e4);
  const at = price * (1 + away);
  return {
    orderType: rule.type,
    ...(rule.type === 'limit' ? { limitPrice: at } : { stopPrice: at }),
    ...(rule.expiresAfterBars !== undefined ? { expiresAfterBars: rule.expiresAfterBars } : {}),
  };
}

/**
 * Whether an order with these terms rests at the broker as an entry: the book's next
 * signal (or a margin call) cancels it, reason `replaced_by_signal`.
 */
export function restsAsEntry(terms: Partial<OrderEvent>): boolean {
  return terms.orderType === 'limit' || terms.orderType === 'stop';
}
