/**
 * A book's exit rules turned into orders, shared by the portfolio container (per-event
 * graph) and the fused book loop (src/domain/columnar/fused-exit-flow.ts): one
 * mechanism, so both paths send, cancel and count the same orders.
 */
import type { BarEvent, FillEvent, OrderEvent } from '../../events/index.ts';
import {
  DrawdownHalt,
  holdingExpired,
  protectiveStop,
  takeProfit,
  type ExitRules,
  type StopLevel,
} from './exit-rules.ts';
import { SessionClock } from './session-clock.ts';

/** The exit part of the YAML `risk` block, as the exits read it (the config's `RiskConfig` is one). */
export interface BookExitRules extends ExitRules {
  /** Flat at each session close: true (16:00 New York), or the close's time and zone. */
  readonly closeEod?: boolean | { readonly at: string; readonly timezone: string } | undefined;
}

/** The bar an exit order descends from: it may fill no earlier than the next bar of its symbol. */
export interface ExitCause {
  readonly seq: number;
  readonly ts: number;
  readonly symbol: string;
  readonly price: number;
}

/** What the exits read from and do to their book (the portfolio container). */
export interface ExitHost {
  position(symbol: string): number;
  /** Position after the orders the book has sent and not yet seen filled. */
  committed(symbol: string): number;
  avgPrice(symbol: string): number;
  entryBarIndex(symbol: string): number;
  /** Sends an order; `tracked` ones count as pending (market exits), protective ones do not. Returns its id. */
  send(cause: ExitCause, signed: number, reason: string, extra: Partial<OrderEvent>, tracked: boolean): number;
  cancel(cause: ExitCause, orderId: number, reason: string): void;
}

/** The resting protective orders of one position. */
interface Protection {
  sign: 1 | -1;
  entry: number;
  /** Highest high (long) / lowest low (short) of the bars closed since the entry fill. */
  best: number;
  stop: { id: number; level: StopLevel } | undefined;
  limitId: number | undefined;
  group: number;
}

/** The last bar of a symbol, kept for the trailing stop (its high and low). */
interface LastBar {
  seq: number;
  ts: number;
  high: number;
  low: number;
  close: number;
}

/**
 * A book's exit rules (the exit part of the YAML `risk` block) turned into orders:
 *
 * - `stop_loss_pct`, `trailing_stop_pct`, `take_profit_pct`: after every fill that leaves a
 *   position, a reduce-only stop (the tighter of the fixed and trailing levels) and a
 *   reduce-only take-profit limit rest at the broker as one OCO group, replacing the
 *   previous ones. The trailing level follows the highest high (lowest low) of bars that
 *   have closed; it is moved when the next bar of the symbol arrives, before the broker
 *   sees that bar, so the stop that bar is tested against is always one set from earlier
 *   bars.
 * - `max_holding_bars`: at the close of the bar on which the position has been held that
 *   many bars, a market exit (next open).
 * - `close_eod`: at the close of the bar before a session's last bar, a market-on-close
 *   exit for the last bar's close; a position still open on a bar that ends at or after
 *   the close (data gaps, an entry on the last bar) exits at the next open. Entries from
 *   the last bar or later are refused until the next session.
 * - `max_drawdown_pct`: at the first bar close with equity that far below its peak, every
 *   position exits at the next open and the book takes no new entries.
 *
 * Every exit order carries its rule as its reason, which the fill and the trade keep.
 * These rules run per book (in its portfolio) rather than in the shared risk container
 * because they need the book's positions bar by bar; their orders still pass risk, which
 * never blocks a reducing order.
 */
export class BookExits {
  private readonly rules: ExitRules;
  private readonly priceRules: boolean;
  private readonly clock: SessionClock | undefined;
  private readonly halt: DrawdownHalt | undefined;
  private readonly protections = new Map<string, Protection>();
  /** Protective order id → symbol, while the order rests at the broker. */
  private readonly resting = new Map<number, string>();
  private readonly last = new Map<string, LastBar>();
  private groups = 0;
  readonly counts = {
    stop_orders: 0,
    take_profit_orders: 0,
    trailing_moves: 0,
    max_holding_exits: 0,
    eod_exits: 0,
    eod_entries_refused: 0,
    halted_signals: 0,
  };
  haltedAt: number | undefined;

  constructor(
    risk: BookExitRules,
    /** Bar length, ms (for the session clock). */
    private readonly barMs: number,
    private readonly host: ExitHost,
  ) {
    this.rules = risk;
    this.priceRules =
      risk.stopLossPct !== undefined || risk.trailingStopPct !== undefined || risk.takeProfitPct !== undefined;
    const eod = risk.closeEod;
    this.clock =
      eod === undefined || eod === false
        ? undefined
        : eod === true
          ? new SessionClock('16:00', 'America/New_York')
          : new SessionClock(eod.at, eod.timezone);
    this.halt = risk.maxDrawdownPct === undefined ? undefined : new DrawdownHalt(risk.maxDrawdownPct);
  }

  /** True when any exit rule is configured (otherwise the portfolio skips every call). */
  static wanted(risk: BookExitRules): boolean {
    return (
      risk.stopLossPct !== undefined ||
      risk.trailingStopPct !== undefined ||
      risk.takeProfitPct !== undefined ||
      risk.maxHoldingBars !== undefined ||
      risk.maxDrawdownPct !== undefined ||
      (risk.closeEod !== undefined && risk.closeEod !== false)
    );
  }

  /** True once the drawdown halt has tripped: the book takes no new entries. */
  get halted(): boolean {
    return this.haltedAt !== undefined;
  }

  /**
   * A bar of `bar.symbol` arrived, before the broker sees it: first move the trailing stop
   * with the previous bar of the symbol (closed), then, with this bar closed, the time
   * exits.
   */
  onBar(bar: BarEvent): void {
    const prev = this.last.get(bar.symbol);
    if (prev !== undefined) this.trail(bar.symbol, prev);
    if (prev === undefined)
      this.last.set(bar.symbol, { seq: bar.seq, ts: bar.ts, high: bar.high, low: bar.low, close: bar.close });
    else {
      prev.seq = bar.seq;
      prev.ts = bar.ts;
      prev.high = bar.high;
      prev.low = bar.low;
      prev.close = bar.close;
    }
    const committed = this.host.committed(bar.symbol);
    const position = this.host.position(bar.symbol);
    if (committed === 0 && position === 0) return;
    const cause: ExitCause = { seq: bar.seq, ts: bar.ts, symbol: bar.symbol, price: bar.close };
    if (this.clock !== undefined) {
      if (this.clock.nextBarIsLast(bar.ts, this.barMs) && committed !== 0) {
        this.counts.eod_exits++;
        this.host.send(cause, -committed, 'close_eod', { orderType: 'on_close', reduceOnly: true }, true);
        return;
      }
      if (this.clock.endsSession(bar.ts, this.barMs) && committed !== 0) {
        this.counts.eod_exits++;
        this.host.send(cause, -committed, 'close_eod', { reduceOnly: true }, true);
        return;
      }
    }
    if (
      position !== 0 &&
      committed !== 0 &&
      holdingExpired(this.rules, this.host.entryBarIndex(bar.symbol), bar.index)
    ) {
      this.counts.max_holding_exits++;
      this.host.send(cause, -committed, 'max_holding', { reduceOnly: true }, true);
    }
  }

  /**
   * Equity at a closed bar time (the portfolio's snapshot). When the drawdown halt trips,
   * every position exits at the next open.
   */
  onEquity(equity: number, symbols: Iterable<string>): void {
    if (this.halt === undefined || this.haltedAt !== undefined) return;
    if (!this.halt.update(equity)) return;
    for (const symbol of symbols) {
      const bar = this.last.get(symbol);
      if (bar === undefined) continue;
      this.haltedAt = bar.ts;
      const cause: ExitCause = { seq: bar.seq, ts: bar.ts, symbol, price: bar.close };
      this.unprotect(symbol, cause);
      const committed = this.host.committed(symbol);
      if (committed !== 0) this.host.send(cause, -committed, 'drawdown_halt', { reduceOnly: true }, true);
    }
  }

  /** May a signal of this bar open or add to a position? Counts the refusals. */
  allowsEntry(sigTs: number): boolean {
    if (this.haltedAt !== undefined) {
      this.counts.halted_signals++;
      return false;
    }
    if (
      this.clock !== undefined &&
      (this.clock.nextBarIsLast(sigTs, this.barMs) || this.clock.endsSession(sigTs, this.barMs))
    ) {
      this.counts.eod_entries_refused++;
      return false;
    }
    return true;
  }

  /** A fill was booked: rest new protective orders for the position it left. */
  onFill(fill: FillEvent): void {
    if (!(fill.remaining > 0)) this.resting.delete(fill.orderId);
    if (!this.priceRules) return;
    const cause: ExitCause = { seq: fill.fillSeq, ts: fill.fillTs, symbol: fill.symbol, price: fill.price };
    this.unprotect(fill.symbol, cause);
    const position = this.host.position(fill.symbol);
    if (position === 0 || this.haltedAt !== undefined) return;
    const sign = position > 0 ? 1 : -1;
    const entry = this.host.avgPrice(fill.symbol);
    const p: Protection = { sign, entry, best: entry, stop: undefined, limitId: undefined, group: ++this.groups };
    this.protections.set(fill.symbol, p);
    this.placeStop(p, cause, -position);
    const tp = takeProfit(this.rules, sign, entry);
    if (tp !== undefined) {
      this.counts.take_profit_orders++;
      p.limitId = this.host.send(
        cause,
        -position,
        'take_profit',
        { orderType: 'limit', limitPrice: tp, reduceOnly: true, ocoGroup: p.group },
        false,
      );
      this.resting.set(p.limitId, fill.symbol);
    }
  }

  /** Execution ended a resting order without a complete fill (OCO, cancel, nothing to reduce). */
  onNotice(orderId: number): void {
    this.resting.delete(orderId);
  }

  /** True for the book's protective orders (not counted as pending). */
  isProtective(orderId: number): boolean {
    return this.resting.has(orderId);
  }

  /** Moves the trailing stop with a closed bar of the symbol. */
  private trail(symbol: string, bar: LastBar): void {
    const p = this.protections.get(symbol);
    if (p === undefined || this.rules.trailingStopPct === undefined || p.stop === undefined) return;
    const best = p.sign > 0 ? Math.max(p.best, bar.high) : Math.min(p.best, bar.low);
    if (best === p.best) return;
    p.best = best;
    const level = protectiveStop(this.rules, p.sign, p.entry, best);
    if (level === undefined || !(p.sign * (level.price - p.stop.level.price) > 0)) return;
    const cause: ExitCause = { seq: bar.seq, ts: bar.ts, symbol, price: bar.close };
    this.counts.trailing_moves++;
    if (this.resting.has(p.stop.id)) this.host.cancel(cause, p.stop.id, 'trailing_stop_moved');
    this.resting.delete(p.stop.id);
    p.stop = undefined;
    this.placeStop(p, cause, -this.host.position(symbol));
  }

  private placeStop(p: Protection, cause: ExitCause, signed: number): void {
    if (signed === 0) return;
    const level = protectiveStop(this.rules, p.sign, p.entry, p.best);
    if (level === undefined) return;
    this.counts.stop_orders++;
    const id = this.host.send(
      cause,
      signed,
      level.reason,
      { orderType: 'stop', stopPrice: level.price, reduceOnly: true, ocoGroup: p.group },
      false,
    );
    p.stop = { id, level };
    this.resting.set(id, cause.symbol);
  }

  /** Cancels the symbol's resting protective orders. */
  private unprotect(symbol: string, cause: ExitCause): void {
    const p = this.protections.get(symbol);
    if (p === undefined) return;
    this.protections.delete(symbol);
    for (const id of [p.stop?.id, p.limitId]) {
      if (id === undefined || !this.resting.has(id)) continue;
      this.resting.delete(id);
      this.host.cancel(cause, id, 'replaced');
    }
  }
}
