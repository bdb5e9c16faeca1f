import type { SluiceEvent } from '../events/index.ts';
import type { TraceType } from './presets.ts';

/** A run failure, recorded as the trace's `ERROR` record. */
export interface TraceFailure {
  readonly type: 'ERROR';
  /** Lifecycle step the run was in. */
  readonly step: string;
  readonly container: string | undefined;
  readonly message: string;
}

/**
 * One traced event and where it was seen, as the tracer hands it to retention (which
 * copies its fields into an EntryStore rather than keeping the object). Turning it into a
 * {@link TraceRecord} (ids, ISO times, the data subset) is deferred to the end of the
 * run, so records a sliding window overwrites never pay for it.
 */
export interface TraceEntry {
  /** Run-wide counter of recorded events, from 1; gaps in a written trace are records retention dropped. */
  readonly traceSeq: number;
  readonly route: string | null;
  /** The container that put the event on the route. */
  readonly source: string;
  /** The container(s) the record is for: one id, or the list of a broadcast's targets. */
  readonly target: string | readonly string[] | null;
  readonly event: SluiceEvent | TraceFailure;
  /** For a TRADE: the order id of the fill that closed it (its cause); otherwise -1. */
  readonly link: number;
}

/**
 * One line of `trace.ndjson`. `id` names the event, `cause` the id of the event that
 * caused it, so the records of one order form a chain:
 *
 * ```
 * bar:<seq> ← features:<seq> ← signal:<signalId> ← order:<orderId> ← fill:<orderId> ← trade:<tradeId>
 *                                                              ↖ reject:<orderId>
 *                                                              ↖ cancel:<orderId>
 * ```
 *
 * An order with no signal (end-of-data close) has its bar as cause. A partially filled
 * order has several `fill:<orderId>` records (each FILL's `remaining` says what is left).
 */
export interface TraceRecord {
  readonly trace_seq: number;
  readonly type: TraceType;
  readonly id: string;
  readonly cause: string | null;
  /** Route the event travelled on (`metrics` for a book's metric stream); null for ERROR. */
  readonly route: string | null;
  readonly source: string;
  readonly target: string | readonly string[] | null;
  /** Correlation id: run-wide sequence number of the bar the event descends from. */
  readonly seq: number | null;
  /** That bar's timestamp, ISO 8601 UTC. */
  readonly ts: string | null;
  readonly symbol: string | null;
  /** The book (foreach key) a keyed event belongs to; null for bars, features and errors. */
  readonly key: string | null;
  /** A compact subset of the event's fields, snake_case. */
  readonly data: Readonly<Record<string, unknown>>;
}

/** The first line of `trace.ndjson`: what was traced and how much was kept. */
export interface TraceHeader {
  readonly type: 'TRACE_HEADER';
  readonly format: 1;
  readonly trace_id: string;
  readonly phase: string;
  readonly level: string;
  readonly retention: string;
  readonly max_events: number;
  readonly sample_every: number;
  readonly container_settings: Readonly<Record<string, unknown>>;
  /** Feature names by slot: FEATURES `data.values[i]` is `features[i]`. */
  readonly features: readonly string[];
  /** The features each strategy reads, by strategy key. */
  readonly strategies: Readonly<Record<string, readonly string[]>>;
  /** Records made, dropped by retention, and written. */
  readonly counts: { readonly recorded: number; readonly dropped: number; readonly written: number };
}

/** The `id` of an event in a trace (see {@link TraceRecord}). */
export function eventId(ev: SluiceEvent | TraceFailure): string {
  switch (ev.type) {
    case 'BAR':
      return `bar:${ev.seq}`;
    case 'FEATURES':
      return `features:${ev.seq}`;
    case 'CLASSIFICATION':
      return `classification:${ev.classifier}:${ev.seq}`;
    case 'SIGNAL':
      return `signal:${ev.signalId}`;
    case 'ORDER':
      return `order:${ev.orderId}`;
    case 'CANCEL':
      return `cancel:${ev.orderId}`;
    case 'REJECT':
      return `reject:${ev.orderId}`;
    case 'FILL':
      return `fill:${ev.orderId}`;
    case 'PORTFOLIO':
      return `portfolio:${ev.key}:${ev.seq}`;
    case 'TRADE':
      return `trade:${ev.tradeId}`;
    case 'ERROR':
      return 'error';
  }
}

/** The id of the event that caused `entry`'s event, or null (bars, errors, a TRADE whose fill was not seen). */
export function causeId(entry: TraceEntry): string | null {
  const ev = entry.event;
  switch (ev.type) {
    case 'BAR':
    case 'ERROR':
      return null;
    case 'FEATURES':
    case 'CLASSIFICATION':
    case 'PORTFOLIO':
      return `bar:${ev.seq}`;
    case 'SIGNAL':
      return `features:${ev.seq}`;
    case 'ORDER':
      // Signal ids start at 1; 0 marks an order no signal asked for (end-of-data close).
      return ev.signalId > 0 ? `signal:${ev.signalId}` : `bar:${ev.seq}`;
    case 'CANCEL':
    case 'REJECT':
    case 'FILL':
      return `order:${ev.orderId}`;
    case 'TRADE':
      return entry.link >= 0 ? `fill:${entry.link}` : null;
  }
}

const iso = (ms: number): string | null => (Number.isFinite(ms) ? new Date(ms).toISOString() : null);

/** The compact data subset written for an event. */
export function eventData(ev: SluiceEvent | TraceFailure): Record<string, unknown> {
  switch (ev.type) {
    case 'BAR':
      return { index: ev.index, open: ev.open, high: ev.high, low: ev.low, close: ev.close, volume: ev.volume };
    case 'FEATURES': {
      const b = ev.bar;
      return {
        values: Array.from(ev.values),
        bar: { index: b.index, open: b.open, high: b.high, low: b.low, close: b.close, volume: b.volume },
      };
    }
    case 'CLASSIFICATION':
      return { classifier: ev.classifier, regime: ev.regime };
    case 'SIGNAL':
      return {
        signal_id: ev.signalId,
        strategy: ev.strategyId,
        direction: ev.direction,
        strength: ev.strength,
        price: ev.price,
      };
    case 'ORDER':
      return {
        order_id: ev.orderId,
        signal_id: ev.signalId,
        side: ev.side,
        quantity: ev.quantity,
        reason: ev.reason,
        price: ev.price,
        position: ev.position,
        equity: ev.equity,
        gross_exposure: ev.grossExposure,
        ...(ev.riskNote !== undefined ? { risk_note: ev.riskNote } : {}),
        ...(ev.orderType !== undefined ? { order_type: ev.orderType } : {}),
        ...(ev.limitPrice !== undefined ? { limit_price: ev.limitPrice } : {}),
        ...(ev.stopPrice !== undefined ? { stop_price: ev.stopPrice } : {}),
        ...(ev.expiresAfterBars !== undefined ? { expires_after_bars: ev.expiresAfterBars } : {}),
        ...(ev.reduceOnly !== undefined ? { reduce_only: ev.reduceOnly } : {}),
        ...(ev.ocoGroup !== undefined ? { oco_group: ev.ocoGroup } : {}),
      };
    case 'CANCEL':
      return { order_id: ev.orderId, reason: ev.reason };
    case 'REJECT':
      return {
        order_id: ev.orderId,
        signal_id: ev.signalId,
        reason: ev.reason,
        ...(ev.remaining !== undefined ? { remaining: ev.remaining } : {}),
      };
    case 'FILL':
      return {
        order_id: ev.orderId,
        signal_id: ev.signalId,
        fill_seq: ev.fillSeq,
        fill_ts: iso(ev.fillTs),
        side: ev.side,
        quantity: ev.quantity,
        remaining: ev.remaining,
        price: ev.price,
        commission: ev.commission,
        slippage: ev.slippage,
        reason: ev.reason,
      };
    case 'PORTFOLIO':
      return {
        cash: ev.cash,
        equity: ev.equity,
        gross_exposure: ev.grossExposure,
        invested: ev.invested,
        realized_pnl: ev.realizedPnl,
        unrealized_pnl: ev.unrealizedPnl,
      };
    case 'TRADE':
      return {
        trade_id: ev.tradeId,
        direction: ev.direction,
        quantity: ev.quantity,
        entry_ts: iso(ev.entryTs),
        entry_price: ev.entryPrice,
        exit_ts: iso(ev.exitTs),
        exit_price: ev.exitPrice,
        pnl: ev.pnl,
        return_pct: ev.returnPct,
        bars_held: ev.barsHeld,
        exit_reason: ev.exitReason,
      };
    case 'ERROR':
      return { step: ev.step, ...(ev.container !== undefined ? { container: ev.container } : {}), message: ev.message };
  }
}

/** The written form of an entry. */
export function toTraceRecord(entry: TraceEntry): TraceRecord {
  const ev = entry.event;
  // One literal in one fixed order, no spreads or optional keys: every record has the same
  // shape, which keeps writing 100,000 of them at the end of a run fast.
  if (ev.type === 'ERROR') {
    return {
      trace_seq: entry.traceSeq,
      type: ev.type,
      id: eventId(ev),
      cause: null,
      route: entry.route,
      source: entry.source,
      target: entry.target,
      seq: null,
      ts: null,
      symbol: null,
      key: null,
      data: eventData(ev),
    };
  }
  return {
    trace_seq: entry.traceSeq,
    type: ev.type,
    id: eventId(ev),
    cause: causeId(entry),
    route: entry.route,
    source: entry.source,
    target: entry.target,
    seq: ev.seq,
    ts: iso(ev.ts),
    symbol: ev.symbol,
    key: 'key' in ev ? ev.key : null,
    data: eventData(ev),
  };
}
