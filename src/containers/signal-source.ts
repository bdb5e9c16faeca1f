import type { BarEvent, SluiceEvent } from '../events/index.ts';
import type { StoredSignal } from '../config/resolved.ts';
import { BaseContainer } from './base-container.ts';
import type { ContainerContext, IdAllocator } from './container.ts';

/** Signals of one symbol, ordered by bar then by book order, and how far replay has got. */
interface SymbolQueue {
  readonly rows: readonly StoredSignal[];
  next: number;
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

  /**
   * @param signals the stored signals (any order; those of strategies not in
   *   `strategyIds` are left out)
   * @param strategyIds the books of the run, in graph order
   * @param forced how the store differs from the config, when `force` let it through
   *   (logged at initialize, recorded in the results)
   */
  constructor(
    id: string,
    signals: Iterable<StoredSignal>,
    strategyIds: readonly string[],
    private readonly forced: readonly string[] = [],
  ) {
    super(id, 'signal_source');
    const rank = new Map(strategyIds.map((s, i) => [s, i]));
    const lists = new Map<string, StoredSignal[]>();
    let total = 0;
    for (const s of signals) {
      if (!rank.has(s.strategyId)) continue;
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
    this.total = total;
  }

  initialize(ctx: ContainerContext): void {
    this.ids = ctx.ids;
    this.warn = (msg) => ctx.logger.warn(msg);
    for (const d of this.forced) ctx.logger.warn(`signal replay forced: ${d}; trades need not match a backtest`);
  }

  protected onEvent(ev: SluiceEvent): void {
    if (ev.type !== 'BAR') return;
    const q = this.bySymbol.get(ev.symbol);
    if (q === undefined) return;
    const rows = q.rows;
    let i = q.next;
    // Signals of timestamps no bar of this symbol had (other data): skipped, counted.
    while (i < rows.length && rows[i]!.ts < ev.ts) i++;
    this.unmatched += i - q.next;
    while (i < rows.length && rows[i]!.ts === ev.ts) this.send(rows[i++]!, ev);
    q.next = i;
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
    if (this.unmatched > 0) this.warn?.(`signal replay: ${this.unmatched} of ${this.total} stored signals matched no bar (the store was written over other bars)`);
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
