import type { BarChunk } from '../data/bar-source.ts';
import type { FeatureHub, FeatureState } from '../domain/indicators/feature-hub.ts';
import type { ChunkBars, ChunkRegimes, ColumnLogic, StrategyDefinition } from '../domain/strategies/strategy.ts';
import type { ClassifierDefinition } from '../domain/classifiers/classifier.ts';
import { RegimeColumn } from '../domain/classifiers/regime-column.ts';
import { FusedBooks, type FusedBookSink, type FusedBooksOptions } from '../domain/columnar/fused-books.ts';
import {
  CommissionSchema,
  RiskSchema,
  SlippageSchema,
  type ExecutionConfig,
  type PortfolioConfig,
  type RiskConfig,
} from '../config/schema/trading.ts';
import { toSnakeKeys } from '../config/schema-keys.ts';
import type { Role } from '../config/schema/topology.ts';
import { BaseContainer } from './base-container.ts';
import type { ContainerContext, IdAllocator } from './container.ts';
import { filteredColumns } from './filtered-columns.ts';
import type { BookExits } from '../domain/risk/book-exits.ts';
import type { PlacedFilter } from './strategy.ts';
import { spareColumns } from '../domain/columnar/spare-columns.ts';

/** One strategy instance of the fused graph: its book key, logic and hub slots. */
export interface FusedStrategy {
  readonly key: string;
  readonly definition: StrategyDefinition;
  readonly params: Record<string, unknown>;
  /** Hub slot of each feature, in the order the definition lists them. */
  readonly slots: readonly number[];
  /** Its entry filter, with the hub slot of each of the filter's features. */
  readonly filter: PlacedFilter | undefined;
}

/** One classifier instance of the fused graph: its id (what strategies read it by), logic and hub slots. */
export interface FusedClassifier {
  readonly key: string;
  readonly definition: ClassifierDefinition;
  readonly params: Record<string, unknown>;
  /** Hub slot of each feature, in the order the definition lists them. */
  readonly slots: readonly number[];
}

/** Everything the fused container runs, prepared by the compiler (src/topology/fused-graph.ts). */
export interface FusedSetup {
  /** The graph's instances, in topological order: whose results files the container writes. */
  readonly instances: readonly { readonly id: string; readonly role: Role; readonly key: string | undefined }[];
  readonly hub: FeatureHub;
  /** The run's classifiers, in config order (the strategies' context lists them so). */
  readonly classifiers: readonly FusedClassifier[];
  readonly strategies: readonly FusedStrategy[];
  /** Hub slot of the feature the sizing rule reads (atr_risk, volatility_target), if any. */
  readonly sizingSlot: number | undefined;
  /** The book loop's options, but for the ids it gets at initialize. */
  readonly books: FusedBooksOptions;
  /** Config blocks echoed in the results files, as the per-event containers echo them. */
  readonly portfolio: PortfolioConfig;
  readonly risk: RiskConfig;
  readonly execution: ExecutionConfig;
}

/**
 * The fused columnar path of a backtest graph (docs/performance.md): one operator in
 * place of data → features → classifiers → strategies → portfolios → risk → execution, fed
 * the source's chunks. Per chunk it computes every distinct feature as a column (the shared
 * hub, each once), every classifier's regime as a column (its own per-bar logic,
 * src/domain/classifiers/regime-column.ts), every strategy's decisions as a column (its
 * definition's `columns` logic, which reads the regimes where its per-bar logic reads its
 * context), and walks the chunk once for all books (src/domain/columnar/fused-books.ts),
 * folding each book's snapshots and trades straight into its metrics fold.
 *
 * The compiler places it only where it computes exactly what the per-event graph does
 * (src/topology/fused-graph.ts), and it writes the same results file for every
 * container of that graph, so a user sees the same graph and the same files either way.
 */
export class FusedBooksContainer extends BaseContainer<BarChunk> {
  private seq = 0;
  private readonly indexBySymbol = new Map<string, number>();
  private halted = false;
  private state: FeatureState | undefined;
  private loop: FusedBooks | undefined;
  private sinks: readonly FusedBookSink[] | undefined;
  private ids: IdAllocator | undefined;
  private ordered = true;
  private readonly logic: ColumnLogic[];
  /** Per strategy with an entry filter, its count of entries turned flat. */
  private readonly filtered: ((() => number) | undefined)[];
  /** Feature columns, one per hub slot, as long as the longest chunk so far. */
  private columns: Float64Array[] = [];
  /** Per strategy, its features' columns in its definition's order, then its filter's. */
  private inputs: Float64Array[][] = [];
  private signals: Int8Array[] = [];
  private readonly classifiers: readonly RegimeColumn[];
  /** Per classifier, its features' columns in its definition's order. */
  private classifierInputs: Float64Array[][] = [];
  /** Per classifier id, its regime column (the strategies' `regimes`). */
  private regimes: Record<string, string[]> = {};
  /** Rows the columns hold. */
  private capacity = -1;

  constructor(
    id: string,
    private readonly setup: FusedSetup,
  ) {
    super(id, 'data');
    const filtered = setup.strategies.map((s) =>
      s.filter === undefined ? undefined : filteredColumns(s.definition, s.params, s.filter),
    );
    this.logic = setup.strategies.map((s, k) => filtered[k]?.logic ?? s.definition.columns!(s.params));
    this.filtered = filtered.map((f) => f?.filtered);
    this.classifiers = setup.classifiers.map((c) => new RegimeColumn(c.definition, c.params));
  }

  /** Bars read so far. */
  get bars(): number {
    return this.seq;
  }

  /** Stops at the next chunk (a failure elsewhere, or the run was cancelled). */
  halt(): void {
    this.halted = true;
  }

  /** The book keys, in order: the sequencer hands one metrics fold per key to `attach`. */
  get keys(): readonly string[] {
    return this.setup.books.keys;
  }

  /**
   * Where each book's snapshots and trades go, in key order; before the first chunk.
   * `ordered`: the snapshots' rows go to a shared file, so they are folded bar after bar
   * across books as the per-event graph emits them (otherwise book after book, faster).
   */
  attach(sinks: readonly FusedBookSink[], ordered: boolean): void {
    this.sinks = sinks;
    this.ordered = ordered;
  }

  initialize(ctx: ContainerContext): void {
    this.ids = ctx.ids;
  }

  /** The books start once their folds are attached (the sequencer's start step). */
  start(): void {
    if (this.sinks === undefined || this.ids === undefined)
      throw new Error('fused books: started before their metrics folds were attached');
    this.loop = new FusedBooks(this.setup.books, this.sinks, this.ids, this.ordered);
  }

  protected onEvent(chunk: BarChunk): void {
    if (this.halted) return;
    const symbols = chunk.symbols;
    const counters = symbols.map((s) => this.indexBySymbol.get(s) ?? 0);
    const n = chunk.length;
    if (n > 0) {
      const symbol = this.setup.books.symbol;
      if (symbols.length !== 1 || symbols[0] !== symbol)
        throw new Error(`fused books: a chunk of ${symbols.join(', ')}, but this graph reads ${symbol} only`);
      this.ensureCapacity(n);
      const hub = this.setup.hub;
      this.state ??= hub.createState();
      hub.updateColumns(this.state, chunk, this.columns);
      const bars: ChunkBars = {
        symbol,
        seq0: this.seq,
        index0: counters[0]!,
        ts: chunk.ts,
        open: chunk.open,
        high: chunk.high,
        low: chunk.low,
        close: chunk.close,
        volume: chunk.volume,
      };
      // Classifiers before strategies, as the per-event graph delivers a bar's FEATURES.
      const classifiers = this.setup.classifiers;
      for (let c = 0; c < classifiers.length; c++)
        this.classifiers[c]!.run(this.classifierInputs[c]!, n, bars, this.regimes[classifiers[c]!.key]!);
      const regimes: ChunkRegimes = this.regimes;
      for (let k = 0; k < this.logic.length; k++) this.logic[k]!(this.inputs[k]!, n, this.signals[k]!, bars, regimes);
      this.loop!.runChunk(
        {
          length: n,
          ts: chunk.ts,
          open: chunk.open,
          high: chunk.high,
          low: chunk.low,
          close: chunk.close,
          volume: chunk.volume,
          seq0: this.seq,
          index0: counters[0]!,
          feature: this.setup.sizingSlot === undefined ? undefined : this.columns[this.setup.sizingSlot],
        },
        this.signals,
      );
      this.seq += n;
      counters[0] = counters[0]! + n;
    }
    symbols.forEach((s, i) => this.indexBySymbol.set(s, counters[i]!));
  }

  /** Columns for chunks of `n` rows: grown (never shrunk) when a chunk is longer than any before. */
  private ensureCapacity(n: number): void {
    if (n <= this.capacity) return;
    this.releaseColumns();
    this.capacity = n;
    this.columns = Array.from({ length: this.setup.hub.size }, () => spareColumns.takeFloat64(n));
    this.inputs = this.setup.strategies.map((s) =>
      [...s.slots, ...(s.filter?.slots ?? [])].map((slot) => this.columns[slot]!),
    );
    this.signals = this.logic.map(() => spareColumns.takeInt8(n));
    this.classifierInputs = this.setup.classifiers.map((c) => c.slots.map((slot) => this.columns[slot]!));
    this.regimes = Object.fromEntries(this.setup.classifiers.map((c) => [c.key, Array.from({ length: n }, () => '')]));
  }

  /** The graph is done: its columns go to the next graph of this thread (spare-columns.ts). */
  cleanup(): void {
    this.releaseColumns();
  }

  /** Hands the columns back; nothing here reads them afterwards (inputs are views of them). */
  private releaseColumns(): void {
    spareColumns.give(this.columns);
    spareColumns.give(this.signals);
    this.columns = [];
    this.signals = [];
    this.inputs = [];
    this.classifierInputs = [];
    this.capacity = -1;
  }

  /** End of data: books close out and take their final snapshot; orders still waiting end unfilled. */
  finish(): void {
    this.loop?.finish();
  }

  /** The results file of the data container (the fused container stands in its place in the graph). */
  results(): Record<string, unknown> {
    return { bars: this.seq, bars_per_symbol: Object.fromEntries(this.indexBySymbol) };
  }

  /**
   * The results file of every container of the graph the fused path stands for, by
   * container id in the graph's order, with the fields and values the per-event
   * containers write.
   */
  partResults(): Map<string, Record<string, unknown>> {
    const out = new Map<string, Record<string, unknown>>();
    const { setup } = this;
    const loop = this.loop;
    const symbol = setup.books.symbol;
    const seen = loop?.lastBar !== undefined;
    const bookIndex = new Map(setup.books.keys.map((k, i) => [k, i]));
    for (const instance of setup.instances) {
      const id = instance.id;
      const k = instance.key === undefined ? -1 : (bookIndex.get(instance.key) ?? -1);
      switch (instance.role) {
        case 'data':
          out.set(id, { id, role: instance.role, ...this.results() });
          break;
        case 'features':
          out.set(id, {
            id,
            role: instance.role,
            features: setup.hub.keys(),
            symbols: this.state === undefined ? [] : [symbol],
            indicator_updates: setup.hub.indicatorUpdates,
          });
          break;
        case 'classifier': {
          const c = setup.classifiers.findIndex((x) => x.key === instance.key);
          out.set(id, { id, role: instance.role, ...this.classifiers[c]!.results() });
          break;
        }
        case 'strategy': {
          const s = setup.strategies[k]!;
          out.set(id, {
            id,
            role: instance.role,
            strategy: s.definition.name,
            params: s.params,
            signals: loop?.strategySignals[k] ?? 0,
            ...(s.filter !== undefined ? { filter: s.filter.text, bars_filtered_to_flat: this.filtered[k]!() } : {}),
          });
          break;
        }
        case 'portfolio': {
          if (loop === undefined) break;
          const book = loop.books[k]!;
          const last = loop.lastBar;
          if (last !== undefined) book.mark(symbol, last.close);
          const position = book.position(symbol);
          out.set(id, {
            id,
            role: instance.role,
            key: instance.key,
            account: setup.portfolio.account,
            initial_cash: setup.portfolio.initialCash,
            final_equity: book.equity(),
            cash: book.cash,
            realized_pnl: book.realizedPnl,
            total_commission: book.totalCommission,
            ...(loop.exitFlow?.exits !== undefined ? { exits: exitCounts(loop.exitFlow.exits[k]!) } : {}),
            open_positions: Object.fromEntries(seen && position !== 0 ? [[symbol, position]] : []),
            ...loop.counts[k]!,
          });
          break;
        }
        case 'risk':
          out.set(id, {
            id,
            role: instance.role,
            limits: toSnakeKeys(RiskSchema, setup.risk),
            approved: loop?.risk.approved ?? 0,
            resized: loop?.risk.resized ?? 0,
            rejected: loop?.risk.rejected ?? 0,
            first_notes: loop?.risk.notes ?? [],
          });
          break;
        case 'execution': {
          const e = setup.execution;
          const x = loop?.execution;
          out.set(id, {
            id,
            role: instance.role,
            fill: e.fill,
            slippage_bps: e.slippageBps,
            // Written in the YAML spelling, as the per-event execution container writes them.
            slippage: toSnakeKeys(SlippageSchema, e.slippage ?? { model: 'fixed', bps: e.slippageBps }),
            commission: toSnakeKeys(CommissionSchema, e.commission),
            max_volume_share: e.maxVolumeShare ?? null,
            orders: x?.orders ?? 0,
            fills: x?.fills ?? 0,
            partial_fills: loop?.exitFlow?.partialFills ?? 0,
            cancel_requests: loop?.exitFlow?.cancelRequests ?? 0,
            ended_unfilled: {
              ...(x?.ended ?? { canceled: 0, oco_canceled: 0, reduce_only_flat: 0, expired: 0, end_of_data: 0 }),
            },
            unfilled_at_end: x?.unfilledAtEnd ?? 0,
          });
          break;
        }
        default:
          break;
      }
    }
    return out;
  }
}

/** A book's exit counters, as the portfolio container writes them. */
function exitCounts(exits: BookExits): Record<string, unknown> {
  return { ...exits.counts, halted_at: exits.haltedAt === undefined ? null : new Date(exits.haltedAt).toISOString() };
}
