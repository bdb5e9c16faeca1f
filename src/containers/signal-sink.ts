import { systemClock } from '../runtime/clock.ts';
import { join } from 'node:path';
import type { SignalEvent, SluiceEvent } from '../events/index.ts';
import type { ResolvedWorkflow } from '../config/resolved.ts';
import type { RegimeStoreRow, SignalStoreMeta, SignalStoreRow } from '../signals/store-format.ts';
import { SignalStoreWriter } from '../signals/store-writer.ts';
import { PartedStoreWriter } from '../signals/parted-store-writer.ts';
import {
  describeSignalRun,
  liveDataKey,
  storeMetaDraft,
  symbolRange,
  type SignalRunIdentity,
} from '../signals/store-identity.ts';
import { BaseContainer } from './base-container.ts';
import type { ContainerContext } from './container.ts';

/** One sparse signal row, as written to signals.parquet and kept in memory (`ts` in epoch ms). */
export type SignalRow = SignalStoreRow;

/** One sparse regime row, as written to regimes.parquet: a classifier's label changed. */
export type RegimeRow = RegimeStoreRow;

/** Where and how a {@link SignalSinkContainer} writes its signal store. */
export interface SignalSinkStore {
  /** The run's workflow: strategies, classifiers and data for the metadata. */
  readonly workflow: ResolvedWorkflow;
  /** The store folder; null: `<phase>/signals`, or nothing when the run writes nothing. */
  readonly dir: string | null;
  /** Rows per Parquet row group. */
  readonly rowGroupRows: number;
  /**
   * A live run's store (the `store` live sink): written in parts as it goes, readable at
   * any time, and committed at the end however the run ended (PartedStoreWriter).
   */
  readonly live?: { readonly feed: string; readonly warmup: string };
}

/** A symbol's bars as the sink saw them. */
interface SymbolBars {
  seq: number;
  index: number;
  bars: number;
  first: number | null;
  last: number | null;
}

/**
 * End of a signal-generation graph: records every signal change as one sparse row (a row
 * only when a strategy's direction changes) and every regime change of a classifier, in
 * the signal store (docs/signal-store.md): `signals.parquet`, `regimes.parquet` and
 * `metadata.json` in `<phase>/signals` or the configured store folder.
 *
 * Rows are buffered per Parquet row group and flushed as the run goes (the writer is a
 * drainable sink: the data source waits for it). The store is committed at cleanup only
 * when the data was read to the end (`finish` ran); a failed or cancelled run leaves no
 * store files behind, so a partial store can never be taken for a complete one.
 *
 * The sink also reads the BARs (the topology routes them to it before the features): each
 * row gets its bar's index within its symbol, and the metadata the range and count of
 * every symbol's bars.
 */
export class SignalSinkContainer extends BaseContainer {
  private writer: SignalStoreWriter | PartedStoreWriter | undefined;
  private started = '';
  private identity: SignalRunIdentity | undefined;
  private storeDir: string | null = null;
  private finished = false;
  private committed: SignalStoreMeta | undefined;
  private count = 0;
  private regimeCount = 0;
  private readonly perStrategy = new Map<string, number>();
  private readonly perClassifier = new Map<string, number>();
  private readonly symbols = new Map<string, SymbolBars>();
  private lastBars: SymbolBars | undefined;
  private lastSymbol = '';
  /** Rows kept in memory (storage memory: all; hybrid: the first `keep`; disk: none). */
  readonly rows: SignalRow[] = [];
  /** Regime rows kept in memory, under the same rule as `rows`. */
  readonly regimeRows: RegimeRow[] = [];

  /**
   * @param keep rows kept in memory at most
   * @param regimes whether the run has classifiers (then results report regime rows)
   * @param store where the signal store goes; absent: rows are only kept in memory
   */
  constructor(
    id: string,
    private readonly keep: number,
    private readonly regimes = false,
    private readonly store: SignalSinkStore | undefined = undefined,
  ) {
    super(id, 'signal_sink');
  }

  async initialize(ctx: ContainerContext): Promise<void> {
    if (this.store === undefined) return;
    this.storeDir = this.store.dir ?? (ctx.phaseDir === null ? null : join(ctx.phaseDir, 'signals'));
    if (this.storeDir === null) return;
    this.identity = await describeSignalRun(this.store.workflow);
    const live = this.store.live;
    if (live !== undefined) {
      const identity = this.identity;
      const clock = ctx.clock ?? systemClock;
      this.started = new Date(clock.now()).toISOString();
      this.writer = await PartedStoreWriter.open(this.storeDir, this.store.rowGroupRows, () => ({
        draft: this.metadata(identity, true),
        live: {
          status: this.finished ? 'complete' : this.writer === undefined ? 'interrupted' : 'open',
          feed: live.feed,
          warmup: live.warmup,
          started: this.started,
          updated: new Date(clock.now()).toISOString(),
        },
      }));
    } else {
      this.writer = await SignalStoreWriter.open(this.storeDir, { rowGroupRows: this.store.rowGroupRows });
    }
    ctx.registerSink(this.writer);
  }

  /** The bar `ev` (a SIGNAL or CLASSIFICATION) descends from, when the sink saw it. */
  private barOf(symbol: string, seq: number): SymbolBars | undefined {
    const b = symbol === this.lastSymbol ? this.lastBars : this.symbols.get(symbol);
    return b !== undefined && b.seq === seq ? b : undefined;
  }

  protected onEvent(ev: SluiceEvent): void {
    if (ev.type === 'BAR') {
      let b = ev.symbol === this.lastSymbol ? this.lastBars : this.symbols.get(ev.symbol);
      if (b === undefined) {
        b = { seq: ev.seq, index: ev.index, bars: 0, first: ev.ts, last: ev.ts };
        this.symbols.set(ev.symbol, b);
      }
      b.seq = ev.seq;
      b.index = ev.index;
      b.bars++;
      b.last = ev.ts;
      this.lastSymbol = ev.symbol;
      this.lastBars = b;
      return;
    }
    if (ev.type === 'CLASSIFICATION') {
      this.regimeCount++;
      this.perClassifier.set(ev.classifier, (this.perClassifier.get(ev.classifier) ?? 0) + 1);
      const row: RegimeRow = {
        bar_index: this.barOf(ev.symbol, ev.seq)?.index ?? -1,
        seq: ev.seq,
        ts: ev.ts,
        symbol: ev.symbol,
        classifier: ev.classifier,
        regime: ev.regime,
      };
      if (this.regimeRows.length < this.keep) this.regimeRows.push(row);
      this.writer?.addRegime(row);
      return;
    }
    if (ev.type !== 'SIGNAL') return;
    this.count++;
    this.perStrategy.set(ev.strategyId, (this.perStrategy.get(ev.strategyId) ?? 0) + 1);
    const row: SignalRow = ev.target === undefined ? this.directionRow(ev) : this.targetRow(ev, ev.target.weight);
    if (this.rows.length < this.keep) this.rows.push(row);
    this.writer?.addSignal(row);
  }

  private directionRow(ev: SignalEvent): SignalRow {
    return {
      bar_index: this.barOf(ev.symbol, ev.seq)?.index ?? -1,
      seq: ev.seq,
      ts: ev.ts,
      symbol: ev.symbol,
      strategy_id: ev.strategyId,
      direction: ev.direction,
      strength: ev.strength,
      price: ev.price,
      weight: null,
    };
  }

  /**
   * A cross-sectional strategy's target (rotation): decided once every symbol's bar of the
   * timestamp is in, so all of one rebalance arrive while the timestamp's last bar is
   * processed. The row's `seq` is that bar's (the decision's), which keeps the table in
   * seq order whatever the symbol; `bar_index` is the row's own symbol's bar at the
   * timestamp (its latest), and `price` that bar's close.
   */
  private targetRow(ev: SignalEvent, weight: number): SignalRow {
    const own = ev.symbol === this.lastSymbol ? this.lastBars : this.symbols.get(ev.symbol);
    return {
      bar_index: own?.index ?? -1,
      seq: this.lastBars?.seq ?? ev.seq,
      ts: ev.ts,
      symbol: ev.symbol,
      strategy_id: ev.strategyId,
      direction: ev.direction,
      strength: ev.strength,
      price: ev.price,
      weight,
    };
  }

  /** End of data: the store is complete and may be committed. */
  finish(): void {
    this.finished = true;
  }

  async cleanup(): Promise<void> {
    const writer = this.writer;
    this.writer = undefined;
    if (writer === undefined) return;
    // A live store is kept however the run ended: what was computed before Ctrl-C is as
    // right as a historical run's rows, and its metadata says the run was interrupted.
    if (writer instanceof PartedStoreWriter) {
      this.committed = await writer.close();
      return;
    }
    if (!this.finished || this.identity === undefined) {
      await writer.abort();
      return;
    }
    this.committed = await writer.commit(this.metadata(this.identity));
  }

  /**
   * The store's metadata (without file sections) for what this run saw. A live store's
   * bars came from a feed, not only from the config's files, so its data key also covers
   * the bar ranges seen: it matches no historical store and no config, and a replay of it
   * needs `--force` (with the bars it was computed from).
   */
  private metadata(run: SignalRunIdentity, live = false) {
    const ranges = Object.fromEntries(
      [...this.symbols].map(([symbol, b]) => [symbol, symbolRange(b.bars, b.first, b.last)]),
    );
    return storeMetaDraft(
      live ? { ...run, dataKey: liveDataKey(run.dataKey, ranges) } : run,
      ranges,
      run.strategies.map((s) => ({ ...s, signal_rows: this.perStrategy.get(s.id) ?? 0 })),
      run.classifiers.map((c) => ({ ...c, regime_rows: this.perClassifier.get(c.id) ?? 0 })),
    );
  }

  /** The metadata of the store committed at cleanup, if one was. */
  get storeMeta(): SignalStoreMeta | undefined {
    return this.committed;
  }

  /** The store folder, if the sink writes one. */
  get dir(): string | null {
    return this.storeDir;
  }

  results(): Record<string, unknown> {
    return {
      signal_rows: this.count,
      per_strategy: Object.fromEntries(this.perStrategy),
      ...(this.regimes ? { regime_rows: this.regimeCount } : {}),
      ...(this.storeDir !== null ? { store_committed: this.committed !== undefined } : {}),
    };
  }
}
