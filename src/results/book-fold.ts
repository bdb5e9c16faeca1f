import type { PortfolioEvent, SluiceEvent, TradeEvent } from '../events/index.ts';
import { EquityStats } from '../domain/metrics/equity-stats.ts';
import { TradeStats, type TradeLike } from '../domain/metrics/trade-stats.ts';
import type { PerformanceMetrics } from '../domain/metrics/performance.ts';
import type { NdjsonWriter } from '../files/ndjson-writer.ts';
import type { TradeRowJson } from './schema/trade-row.ts';

/** A point of an equity curve kept in memory. */
export interface EquityPoint {
  readonly ts: number;
  readonly equity: number;
}

/** Where a book's series go while the run folds them. */
export interface FoldSinks {
  /** Every trade as one row (shared by all books of the phase). */
  readonly trades: NdjsonWriter | null;
  /** Equity points as rows, when series go to disk. */
  readonly equity: NdjsonWriter | null;
  /** Trades kept in memory per book at most (0: none, Infinity: all). */
  readonly keepTrades: number;
  /** Equity points kept in memory per book at most (0: none, Infinity: all). */
  readonly keepEquity: number;
  /** Keep / write one equity point every N bars, plus the last. */
  readonly equityEvery: number;
}

/**
 * The fold of one book's metrics stream: O(1) statistics always, and the trade list and
 * equity curve in memory or streamed to disk depending on the storage mode. Used as the
 * accumulator of an RxJS `reduce`, so the result exists once the stream completes.
 */
export class BookFold {
  readonly equityStats: EquityStats;
  readonly tradeStats = new TradeStats();
  readonly trades: TradeEvent[] = [];
  readonly equity: EquityPoint[] = [];
  /** True when a series outgrew its in-memory cap (the rest is only on disk, if anywhere). */
  truncated = false;
  private snapshotCount = 0;
  private readonly quotedKey: string;
  /** Whether the latest snapshot is not stored yet (stored at `close` so the curve ends at the end), and its values. */
  private unsaved = false;
  private unsavedTs = 0;
  private unsavedEquity = 0;
  private unsavedCash = 0;

  constructor(
    readonly key: string,
    initialEquity: number,
    barsPerYear: number,
    riskFreeRate: number,
    private readonly sinks: FoldSinks,
  ) {
    this.equityStats = new EquityStats({ initialEquity, barsPerYear, riskFreeRate });
    this.quotedKey = JSON.stringify(key);
  }

  /**
   * Whether trades are kept in memory or written (else only their statistics count): the
   * fused book loop builds a TRADE event only then, and otherwise calls `foldTradeStats`.
   */
  get keepsTrades(): boolean {
    return this.sinks.trades !== null || this.sinks.keepTrades > 0;
  }

  /** A closed trade's statistics, all that `add` keeps of a TRADE event when `keepsTrades` is false. */
  foldTradeStats(t: TradeLike): void {
    this.tradeStats.push(t);
  }

  /** Folds one event of a book's metrics stream (PORTFOLIO, TRADE; others are ignored). */
  add(ev: SluiceEvent): this {
    if (ev.type === 'PORTFOLIO') this.onPortfolio(ev);
    else if (ev.type === 'TRADE') this.onTrade(ev);
    return this;
  }

  private onPortfolio(ev: PortfolioEvent): void {
    this.snapshot(ev.ts, ev.equity, ev.cash, ev.invested);
  }

  /**
   * A book's state at a closed bar time, as a PORTFOLIO event carries it: what the fused
   * book loop calls per bar instead of building the event (the fold reads only these).
   */
  snapshot(ts: number, equity: number, cash: number, invested: boolean): void {
    this.equityStats.push(ts, equity, invested);
    if (this.snapshotCount++ % this.sinks.equityEvery === 0) {
      this.store(ts, equity, cash);
      this.unsaved = false;
    } else {
      this.unsaved = true;
      this.unsavedTs = ts;
      this.unsavedEquity = equity;
      this.unsavedCash = cash;
    }
  }

  /**
   * `snapshot` of rows 0..count-1 of columns (`invested[i]` 1 or 0), for the fused book
   * loop: the statistics fold in one loop, the equity points sampled as `snapshot` does.
   */
  snapshots(ts: Float64Array, equity: Float64Array, cash: Float64Array, invested: Uint8Array, count: number): void {
    this.equityStats.pushColumns(ts, equity, invested, count);
    // Metrics only (a sweep): storing a point would do nothing, only count.
    if (this.sinks.equity === null && this.sinks.keepEquity === 0) {
      this.snapshotCount += count;
      return;
    }
    const every = this.sinks.equityEvery;
    for (let i = 0; i < count; i++) {
      if (this.snapshotCount++ % every === 0) {
        this.store(ts[i]!, equity[i]!, cash[i]!);
        this.unsaved = false;
      } else {
        this.unsaved = true;
        this.unsavedTs = ts[i]!;
        this.unsavedEquity = equity[i]!;
        this.unsavedCash = cash[i]!;
      }
    }
  }

  private store(ts: number, equity: number, cash: number): void {
    if (this.equity.length < this.sinks.keepEquity) this.equity.push({ ts, equity });
    else if (this.sinks.keepEquity > 0) this.truncated = true;
    // One row per stored point, formatted by hand: the generic serializer was most of disk
    // mode's cost per bar. The key is a validated id ([A-Za-z0-9_.-]), numbers go through
    // JSON.stringify so NaN/Infinity become null as everywhere else.
    this.sinks.equity?.writeLine(
      `{"strategy_id":${this.quotedKey},"ts":"${new Date(ts).toISOString()}","equity":${JSON.stringify(equity)},"cash":${JSON.stringify(cash)}}`,
    );
  }

  private onTrade(t: TradeEvent): void {
    this.tradeStats.push(t);
    if (this.trades.length < this.sinks.keepTrades) this.trades.push(t);
    else if (this.sinks.keepTrades > 0) this.truncated = true;
    this.sinks.trades?.write(tradeRow(t));
  }

  /** End of the stream: store the final point if sampling skipped it. */
  close(): this {
    if (this.unsaved) this.store(this.unsavedTs, this.unsavedEquity, this.unsavedCash);
    this.unsaved = false;
    return this;
  }

  metrics(): PerformanceMetrics {
    // The trade metrics laid onto the equity metrics' fresh object, same keys in the same
    // order: a literal with both spread into it cost about 10 KB a book (9 of them the
    // second spread's), 100 MB of garbage over a 10,000-combination sweep.
    return Object.assign(this.equityStats.result(), this.tradeStats.result());
  }
}

/** A trade as written to trades.ndjson. */
export function tradeRow(t: TradeEvent): TradeRowJson {
  return {
    trade_id: t.tradeId,
    strategy_id: t.key,
    symbol: t.symbol,
    direction: t.direction,
    quantity: t.quantity,
    entry_time: new Date(t.entryTs).toISOString(),
    entry_price: t.entryPrice,
    exit_time: new Date(t.exitTs).toISOString(),
    exit_price: t.exitPrice,
    gross_pnl: t.grossPnl,
    commission: t.commission,
    pnl: t.pnl,
    return_pct: t.returnPct,
    bars_held: t.barsHeld,
    exit_reason: t.exitReason,
    bar_seq: t.seq,
  };
}
