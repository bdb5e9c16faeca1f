/**
 * A margin account's margin calls turned into orders, shared by the portfolio container
 * (per-event graph) and the fused book loop (src/domain/columnar/fused-exit-flow.ts): one
 * mechanism, so both paths call on the same bars and send the same liquidation orders.
 * When a call is due is the account's rule (`marginCallDue`, account.ts).
 */
import { marginCallDue, type Account } from './account.ts';
import { settledFutureValue, type Book } from './book.ts';
import { EQUITY, type Instrument } from './instrument.ts';

/** The bar a liquidation order descends from (the last close the equity was marked at). */
export interface MarginCallCause {
  readonly seq: number;
  readonly ts: number;
  readonly symbol: string;
  readonly price: number;
}

/** What the margin calls read from and do to their book (the portfolio container). */
export interface MarginCallHost {
  /** Position after the orders the book has sent and not yet seen filled or rejected. */
  committed(symbol: string): number;
  /** Cancels the book's resting entries in `cause.symbol` (a liquidation replaces them). */
  cancelEntries(cause: MarginCallCause): void;
  /** Sends a tracked market order with reason `margin_call` sized against `equity`; returns its id. */
  send(cause: MarginCallCause, signed: number, equity: number): number;
}

/**
 * Whether a book holding `qty` shares (or contracts of a future, `instrument`) of one
 * symbol (and nothing else) with `cash`, marked at `price`, clears its maintenance margin by far: no margin call can be due. A screen
 * for a loop that checks many books at every bar (the fused book loop): it skips the book
 * (a mark and a revaluation) only where `marginCallDue` would say no, and leaves every
 * book near the line to `MarginCalls.due`, which decides. Its sums are `marginCallDue`'s for
 * such a book (equity = cash + qty × price; requirement = the side's rate × |qty × price|;
 * for a future settled at `price`, equity = cash + posted margin, requirement = that margin);
 * the margin of a millionth of the amounts covers any difference in rounding.
 */
export function clearOfMaintenance(
  account: Account,
  cash: number,
  qty: number,
  price: number,
  instrument: Instrument = EQUITY,
): boolean {
  if (account.type === 'cash') return true;
  if (instrument.kind === 'future') {
    // Marked, a future's book has equity = cash + its posted margin, and needs that margin.
    const posted = settledFutureValue(qty, instrument.margin);
    const equity = cash + posted;
    return equity - posted > 1e-6 * (Math.abs(equity) + posted);
  }
  const value = qty * price;
  const equity = cash + value;
  const requirement = value > 0 ? account.maintenance * value : -account.shortMaintenance * value;
  return equity - requirement > 1e-6 * (Math.abs(equity) + requirement);
}

/**
 * A book's margin calls: at each snapshot (equity at the last closes, before the next
 * bar's fills), a book whose equity is below its maintenance margin liquidates every
 * position at the next open, exit reason `margin_call`; once: not again while any of
 * those orders is open, so a call is not repeated on the bars its orders wait.
 */
export class MarginCalls {
  /** Liquidation orders still open. */
  private readonly open = new Set<number>();
  /**
   * Orders that ended while a liquidation was being sent: with `fill: close` the order fills
   * (or risk rejects it) before `send` returns its id, and must not be counted open after.
   */
  private readonly endedWhileSending = new Set<number>();
  private sending = false;

  constructor(
    private readonly account: Account,
    private readonly host: MarginCallHost,
  ) {}

  /**
   * Whether a new call is due for `book`, marked at the last closes: none of its orders is
   * still open, and the account's maintenance rule says so. The caller counts it and
   * `liquidate`s each symbol.
   */
  due(book: Book): boolean {
    return this.open.size === 0 && marginCallDue(book, this.account);
  }

  /**
   * One symbol of a call: its resting entries cancelled, then an order that leaves it flat
   * after every order still open (an exit already on its way is not sent twice).
   */
  liquidate(book: Book, cause: MarginCallCause): void {
    if (book.position(cause.symbol) === 0) return;
    this.host.cancelEntries(cause);
    const delta = -this.host.committed(cause.symbol);
    if (delta === 0) return;
    this.sending = true;
    let id: number;
    try {
      id = this.host.send(cause, delta, book.equity());
    } finally {
      this.sending = false;
    }
    if (!this.endedWhileSending.has(id)) this.open.add(id);
    this.endedWhileSending.clear();
  }

  /** An order of the book ended (filled in full, rejected, cancelled, expired). */
  ended(orderId: number): void {
    if (this.sending) this.endedWhileSending.add(orderId);
    this.open.delete(orderId);
  }
}
