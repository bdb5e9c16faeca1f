import type { FeaturesEvent, SluiceEvent } from '../events/index.ts';
import type { CrossSectionLogic, StrategyDefinition } from '../domain/strategies/strategy.ts';
import { SESSION_TIME_ZONE } from '../domain/metrics/data-calendar.ts';
import type { TradingCalendar } from '../domain/metrics/timeframe.ts';
import { BaseContainer } from './base-container.ts';
import type { ContainerContext, IdAllocator } from './container.ts';

const DAY_MS = 86_400_000;

/**
 * One cross-sectional strategy instance (`rotation`): keeps every symbol's latest
 * features and close, and decides once per timestamp on which every symbol of the
 * universe has a bar, when the last of those bars' FEATURES arrives (bars of one
 * timestamp come in symbol order, and nothing of the next timestamp has been seen).
 * A timestamp where some symbol has no bar is no decision point: the symbols that did
 * trade update their features, and the book keeps every position, a symbol without a bar
 * marked at its last close (docs/portfolios.md, "Missing bars").
 *
 * A decision emits one SIGNAL per symbol whose target weight is or was non-zero, all of
 * one rebalance together, carrying `target.weight` and how many follow; each is its own
 * symbol's bar's (seq), decided once every bar of the timestamp is in.
 */
export class CrossSectionContainer extends BaseContainer {
  private readonly index = new Map<string, number>();
  /** `features[f][s]`: feature f of symbol s, at that symbol's latest bar. */
  private readonly features: Float64Array[];
  private readonly closes: Float64Array;
  /** Each symbol's latest bar seq: its signal is that bar's, as a per-symbol strategy's would be. */
  private readonly seqs: Float64Array;
  /** Symbols with a bar at `ts`, and how many. */
  private readonly seen: Uint8Array;
  private seenCount = 0;
  private ts = Number.NaN;
  /** The weights of the last rebalance (0 before the first). */
  private readonly held: Float64Array;
  private readonly logic: CrossSectionLogic;
  private readonly sessions: SessionDays;
  private ids: IdAllocator | undefined;
  private signals = 0;
  private rebalances = 0;
  private incomplete = 0;
  /** Bars older than the timestamp being assembled (a live feed's late bar): their timestamp decides nothing. */
  private late = 0;
  private warn: ((msg: string) => void) | undefined;

  constructor(
    id: string,
    key: string,
    private readonly definition: StrategyDefinition,
    private readonly params: Record<string, unknown>,
    /** Hub slot of each feature, in the order the definition lists them. */
    private readonly slots: readonly number[],
    /** The universe: every symbol of the data, sorted as the merge orders them. */
    private readonly symbols: readonly string[],
    calendar: TradingCalendar,
  ) {
    super(id, 'strategy', key);
    symbols.forEach((s, i) => this.index.set(s, i));
    this.features = slots.map(() => new Float64Array(symbols.length).fill(Number.NaN));
    this.closes = new Float64Array(symbols.length);
    this.seqs = new Float64Array(symbols.length);
    this.seen = new Uint8Array(symbols.length);
    this.held = new Float64Array(symbols.length);
    this.logic = definition.crossSection!(params);
    this.sessions = new SessionDays(calendar);
  }

  initialize(ctx: ContainerContext): void {
    this.ids = ctx.ids;
    this.warn = (msg) => ctx.logger.warn(msg);
  }

  protected onEvent(ev: SluiceEvent): void {
    if (ev.type !== 'FEATURES') return;
    const s = this.index.get(ev.symbol);
    if (s === undefined)
      throw new Error(
        `strategy ${this.key ?? this.id}: bar of ${ev.symbol}, which is not among the data's symbols (${this.symbols.join(', ')})`,
      );
    if (ev.ts < this.ts) {
      // Historical bars are merged by (timestamp, symbol) and never come late; a live feed
      // that sends one symbol's bar after another's of a later timestamp makes both
      // timestamps incomplete: said once, counted in the results.
      if (this.late++ === 0) {
        this.warn?.(
          `strategy ${this.key ?? this.id}: bar of ${ev.symbol} at ${new Date(ev.ts).toISOString()} arrived after a bar of ${new Date(this.ts).toISOString()}; a rotation decides only on timestamps whose bars all arrive before the next timestamp's (feed the symbols merged by time)`,
        );
      }
    }
    if (ev.ts !== this.ts) {
      if (this.seenCount > 0 && this.seenCount < this.symbols.length) this.incomplete++;
      this.ts = ev.ts;
      this.seen.fill(0);
      this.seenCount = 0;
    }
    if (this.seen[s] === 0) {
      this.seen[s] = 1;
      this.seenCount++;
    }
    for (let f = 0; f < this.slots.length; f++) this.features[f]![s] = ev.values[this.slots[f]!]!;
    this.closes[s] = ev.bar.close;
    this.seqs[s] = ev.seq;
    if (this.seenCount === this.symbols.length) this.decide(ev);
  }

  private decide(ev: FeaturesEvent): void {
    const weights = this.logic({
      ts: ev.ts,
      session: this.sessions.of(ev.ts),
      symbols: this.symbols,
      features: this.features,
    });
    if (weights === null) return;
    this.rebalances++;
    const moving: number[] = [];
    for (let s = 0; s < this.symbols.length; s++) if (weights[s] !== 0 || this.held[s] !== 0) moving.push(s);
    moving.forEach((s, k) => {
      const weight = weights[s]!;
      this.held[s] = weight;
      this.signals++;
      this.emit({
        type: 'SIGNAL',
        seq: this.seqs[s]!,
        ts: ev.ts,
        symbol: this.symbols[s]!,
        source: this.id,
        key: this.key!,
        strategyId: this.key!,
        signalId: this.ids!.nextSignalId(),
        direction: weight > 0 ? 1 : weight < 0 ? -1 : 0,
        strength: Math.max(-1, Math.min(1, weight)),
        price: this.closes[s]!,
        target: { weight, pending: moving.length - 1 - k },
      });
    });
  }

  results(): Record<string, unknown> {
    return {
      strategy: this.definition.name,
      params: this.params,
      symbols: this.symbols,
      signals: this.signals,
      rebalances: this.rebalances,
      // The last timestamp counts too when a symbol had no bar at it.
      incomplete_timestamps: this.incomplete + (this.seenCount > 0 && this.seenCount < this.symbols.length ? 1 : 0),
      ...(this.late > 0 ? { late_bars: this.late } : {}),
    };
  }
}

/**
 * The session a timestamp belongs to: its local date in the calendar's zone, as days
 * since the epoch. The zone offset is looked up through Intl once per UTC date.
 */
class SessionDays {
  private utcDay = Number.NaN;
  private offset = 0;
  private readonly format: Intl.DateTimeFormat;

  constructor(calendar: TradingCalendar) {
    this.format = new Intl.DateTimeFormat('en-US', {
      timeZone: SESSION_TIME_ZONE[calendar],
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
    });
  }

  of(ts: number): number {
    const day = Math.floor(ts / DAY_MS);
    if (day !== this.utcDay) {
      this.utcDay = day;
      // The zone's offset at noon UTC of that day: wall clock minus UTC.
      const noon = day * DAY_MS + DAY_MS / 2;
      const p = Object.fromEntries(this.format.formatToParts(noon).map((x) => [x.type, x.value]));
      const wall = Date.UTC(
        Number(p['year']),
        Number(p['month']) - 1,
        Number(p['day']),
        Number(p['hour']),
        Number(p['minute']),
      );
      this.offset = wall - noon;
    }
    return Math.floor((ts + this.offset) / DAY_MS);
  }
}
