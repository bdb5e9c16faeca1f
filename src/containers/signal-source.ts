import type { BarEvent, SluiceEvent } from '../events/index.ts';
import type { StoredSignal } from '../config/resolved.ts';
import { BaseContainer } from './base-container.ts';
import type { ContainerContext, IdAllocator } from './container.ts';

/** Signals of one symbol, ordered by bar then by book order, and how far replay has got. */
interface SymbolQueue {
  readonly rows: readonly StoredSignal[];
  next: number;
}

/** A symbol's bar at the timestamp being replayed: what a target signal of it carries. */
interface SymbolBar {
  seq: number;
  close: number;
  /** The timestamp of that bar. */
  ts: number;
}

/**
 * The signal source of a replay: re-emits stored signals instead of computing them. For
 * each BAR it emits the stored SIGNALs of that bar (same timestamp and symbol), with the
 * fields a strategy container sets: key and strategyId the strategy id, the stored
 * direction and strength, `price` the bar's close, `seq` and `ts` the bar's, and a
 * run-wide signal id drawn when the signal is emitted.
 *
 * Within a bar the signals go out in book order (the order of `strategyIds`, which is the
 * order of the strategy containers in a backtest), whatever order the store holds them
 * in, so books sharing the broker (volume limits) and run-wide ids see what a backtest
 * gives them. Placed after portfolio and execution on the bars route, the signals of bar t
 * reach the books while bar t is processed, after execution has seen it: exactly where a
 * strategy's SIGNAL arrives in a backtest. Per bar the work is one map lookup and a
 * cursor step per signal: no indicator, no search.
 *
 * A cross-sectional strategy's targets (rotation: rows with a weight) are replayed as the
 * strategy decided them: all of one rebalance together, when the last of the universe's
 * bars of their timestamp has arrived (a timestamp on which some symbol has no bar decides
 * nothing), each with its own symbol's bar (seq, close) and `target: {weight, pending}`,
 * in book order with the direction signals of that last bar.
 *
 * Stored signals that match no bar (a store written over other data, replayed with
 * `force`) are counted as unmatched and reported.
 */
export class SignalSourceContainer extends BaseContainer {
  private readonly bySymbol = new Map<string, SymbolQueue>();
  private ids: IdAllocator | undefined;
  private warn: ((msg: string) => void) | undefined;
  private emitted = 0;
  private unmatched = 0;
  private readonly perStrategy = new Map<string, number>();
  private readonly total: number;
  private readonly rank: ReadonlyMap<string, number>;
  /** Target rows by timestamp, each list in book order (a book's rows of a rebalance together, as stored). */
  private readonly targets = new Map<number, StoredSignal[]>();
  /** The universe's symbols, and which of them have a bar at `ts`. */
  private readonly universe: ReadonlyMap<string, number>;
  private readonly seen: Uint8Array;
  private seenCount = 0;
  private ts = Number.NaN;
  private readonly bars = new Map<string, SymbolBar>();

  /**
   * @param signals the stored signals (any order; those of strategies not in
   *   `strategyIds` are left out)
   * @param strategyIds the books of the run, in graph order
   * @param forced how the store differs from the config, when `force` let it through
   *   (logged at initialize, recorded in the results)
   * @param universe every symbol of the data: a timestamp is complete (its targets due)
   *   once each has had its bar
   */
  constructor(
    id: string,
    signals: Iterable<StoredSignal>,
    strategyIds: readonly string[],
    private readonly forced: readonly string[] = [],
    universe: readonly string[] = [],
  ) {
    super(id, 'signal_source');
    const rank = new Map(strategyIds.map((s, i) => [s, i]));
    this.rank = rank;
    this.universe = new Map(universe.map((s, i) => [s, i]));
    this.seen = new Uint8Array(universe.length);
    const lists = new Map<string, StoredSignal[]>();
    let total = 0;
    for (const s of signals) {
      if (!rank.has(s.strategyId)) continue;
      if (s.weight !== undefined && s.weight !== null) {
        let at = this.targets.get(s.ts);
        if (at === undefined) this.targets.set(s.ts, (at = []));
        at.push(s);
        total++;
        continue;
      }
      let list = lists.get(s.symbol);
      if (list === undefined) lists.set(s.symbol, (list = []));
      list.push(s);
      total++;
    }
    for (const [symbol, list] of lists) {
      // Stable: a strategy's own changes keep their stored order (one per bar anyway).
      list.sort((a, b) => a.ts - b.ts || rank.get(a.strategyId)! - rank.get(b.strategyId)!);
      this.bySymbol.set(symbol, { rows: list, next: 0 });
    }
    // Stable: a book's rows of one rebalance keep their stored (symbol) order.
    for (const at of this.targets.values()) at.sort((a, b) => rank.get(a.strategyId)! - rank.get(b.strategyId)!);
    this.total = total;
  }

  initialize(ctx: ContainerContext): void {
    this.ids = ctx.ids;
    this.warn = (msg) => ctx.logger.warn(msg);
    for (const d of this.forced) ctx.logger.warn(`signal replay forced: ${d}; trades need not match a backtest`);
  }

  protected onEvent(ev: SluiceEvent): void {
    if (ev.type !== 'BAR') return;
    const due = this.targets.size > 0 ? this.dueTargets(ev) : undefined;
    const q = this.bySymbol.get(ev.symbol);
    if (q === undefined) {
      if (due !== undefined) this.sendTargets(due, 0, due.length);
      return;
    }
    const rows = q.rows;
    let i = q.next;
    // Signals of timestamps no bar of this symbol had (other data): skipped, counted.
    while (i < rows.length && rows[i]!.ts < ev.ts) i++;
    this.unmatched += i - q.next;
    if (due === undefined) {
      while (i < rows.length && rows[i]!.ts === ev.ts) this.send(rows[i++]!, ev);
    } else {
      // Both kinds in book order (a book is one or the other).
      let t = 0;
      while (i < rows.length && rows[i]!.ts === ev.ts) {
        const r = this.rank.get(rows[i]!.strategyId)!;
        let end = t;
        while (end < due.length && this.rank.get(due[end]!.strategyId)! < r) end++;
        this.sendTargets(due, t, end);
        t = end;
        this.send(rows[i++]!, ev);
      }
      this.sendTargets(due, t, due.length);
    }
    q.next = i;
  }

  /**
   * Notes the bar; when it is the last of the universe's bars at its timestamp, returns
   * the targets stored for that timestamp (then no longer pending).
   */
  private dueTargets(ev: BarEvent): StoredSignal[] | undefined {
    let b = this.bars.get(ev.symbol);
    if (b === undefined) this.bars.set(ev.symbol, (b = { seq: ev.seq, close: ev.close, ts: ev.ts }));
    b.seq = ev.seq;
    b.close = ev.close;
    b.ts = ev.ts;
    if (ev.ts !== this.ts) {
      this.ts = ev.ts;
      this.seen.fill(0);
      this.seenCount = 0;
    }
    const s = this.universe.get(ev.symbol);
    if (s !== undefined && this.seen[s] === 0) {
      this.seen[s] = 1;
      this.seenCount++;
    }
    if (this.seenCount < this.universe.size) return undefined;
    const due = this.targets.get(ev.ts);
    if (due !== undefined) this.targets.delete(ev.ts);
    return due;
  }

  /** Emits `rows[from, to)`: whole rebalances of one or more books, each with its `pending` count. */
  private sendTargets(all: readonly StoredSignal[], from: number, to: number): void {
    if (from >= to) return;
    // A symbol without a bar at the timestamp (other data, forced) has nothing to size on.
    const rows = all.slice(from, to).filter((row) => this.bars.get(row.symbol)?.ts === row.ts);
    this.unmatched += to - from - rows.length;
    for (let k = 0; k < rows.length; k++) {
      const row = rows[k]!;
      let pending = 0;
      while (k + 1 + pending < rows.length && rows[k + 1 + pending]!.strategyId === row.strategyId) pending++;
      const bar = this.bars.get(row.symbol)!;
      this.emitted++;
      this.perStrategy.set(row.strategyId, (this.perStrategy.get(row.strategyId) ?? 0) + 1);
      this.emit({
        type: 'SIGNAL',
        seq: bar.seq,
        ts: row.ts,
        symbol: row.symbol,
        source: this.id,
        key: row.strategyId,
        strategyId: row.strategyId,
        signalId: this.ids!.nextSignalId(),
        direction: row.direction,
        strength: row.strength,
        price: bar.close,
        target: { weight: row.weight!, pending },
      });
    }
  }

  private send(row: StoredSignal, bar: BarEvent): void {
    this.emitted++;
    this.perStrategy.set(row.strategyId, (this.perStrategy.get(row.strategyId) ?? 0) + 1);
    this.emit({
      type: 'SIGNAL',
      seq: bar.seq,
      ts: bar.ts,
      symbol: bar.symbol,
      source: this.id,
      key: row.strategyId,
      strategyId: row.strategyId,
      signalId: this.ids!.nextSignalId(),
      direction: row.direction,
      strength: row.strength,
      price: bar.close,
    });
  }

  /** End of data: what is left unread matched no bar. */
  finish(): void {
    for (const q of this.bySymbol.values()) {
      this.unmatched += q.rows.length - q.next;
      q.next = q.rows.length;
    }
    for (const at of this.targets.values()) this.unmatched += at.length;
    this.targets.clear();
    if (this.unmatched > 0)
      this.warn?.(
        `signal replay: ${this.unmatched} of ${this.total} stored signals matched no bar (the store was written over other bars)`,
      );
  }

  results(): Record<string, unknown> {
    return {
      stored_signals: this.total,
      signals_emitted: this.emitted,
      unmatched: this.unmatched,
      ...(this.forced.length > 0 ? { forced: this.forced } : {}),
      per_strategy: Object.fromEntries(this.perStrategy),
    };
  }
}
