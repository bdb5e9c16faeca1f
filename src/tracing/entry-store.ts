import type { SluiceEvent } from '../events/index.ts';
import { TRACE_TYPE_INDEX, TRACE_TYPES, type TraceType } from './presets.ts';
import type { TraceEntry, TraceFailure } from './trace-record.ts';

/** Numbers per slot: seq, ts and up to 14 fields (an ORDER has the most). */
const NUM_W = 16;
/** ORDER `orderType` as a number (NaN: absent). */
const ORDER_TYPES = ['market', 'limit', 'stop', 'on_close'] as const;
/** An optional number as stored: NaN for absent. */
const opt = (x: number | undefined): number => (x === undefined ? Number.NaN : x);
/** Strings per slot: symbol, source, key and up to 3 fields. */
const STR_W = 6;

/**
 * Storage for trace entries: up to `capacity` slots whose numbers live in one Float64Array
 * and whose strings and few object fields in plain arrays, allocated up front in
 * doubling steps (never per entry), about 225 bytes a slot.
 *
 * Why not keep the entry objects? A trace keeps up to `max_events` records for a long
 * time, so every retained object outlives the young generation: the garbage collector
 * copies it twice and then marks it again and again in the old one. That cost was most of
 * what tracing cost. Copying an event's fields into slots allocated once at start keeps
 * recording free of allocation: the strings stored are the containers' ids, symbols and
 * enum-like values, which live as long as the run anyway, and a FEATURES event's values
 * are copied into `featureWidth` numbers per slot. Entries are rebuilt as objects only
 * when the trace is written.
 */
export class EntryStore {
  readonly capacity: number;
  /** Feature values a slot holds (the graph's feature count); longer vectors are kept by reference. */
  readonly featureWidth: number;
  /** Slots allocated so far: storage grows by doubling up to `capacity`, so a short run's trace stays small. */
  private allocated = 0;
  private nums = new Float64Array(0);
  private values = new Float64Array(0);
  private strs: (string | undefined)[] = [];
  private types = new Uint8Array(0);
  private seqs = new Float64Array(0);
  private links = new Float64Array(0);
  private routes: (string | null)[] = [];
  private sources: string[] = [];
  private targets: (string | readonly string[] | null)[] = [];
  /** FEATURES values, or the ERROR record itself. */
  private refs: (Float64Array | TraceFailure | undefined)[] = [];

  constructor(capacity: number, featureWidth = 0) {
    this.capacity = capacity;
    this.featureWidth = featureWidth;
    this.grow(Math.min(capacity, 1024));
  }

  /** trace_seq of the entry in `slot`. */
  traceSeq(slot: number): number {
    return this.seqs[slot]!;
  }

  /** Copies `entry` into `slot` (0 ≤ slot < capacity); the entry object itself is not kept. */
  write(slot: number, entry: TraceEntry): void {
    if (slot >= this.allocated) this.grow(Math.min(this.capacity, Math.max(slot + 1, this.allocated * 2)));
    const ev = entry.event;
    this.types[slot] = TRACE_TYPE_INDEX[ev.type];
    this.seqs[slot] = entry.traceSeq;
    this.links[slot] = entry.link;
    this.routes[slot] = entry.route;
    this.sources[slot] = entry.source;
    this.targets[slot] = entry.target;
    this.refs[slot] = encode(ev, this.nums, slot * NUM_W, this.strs, slot * STR_W);
    if (ev.type === 'FEATURES' && ev.values.length <= this.featureWidth) {
      this.values.set(ev.values, slot * this.featureWidth);
      this.nums[slot * NUM_W + 10] = ev.values.length;
      this.refs[slot] = undefined;
    }
  }

  /** The entry in `slot`, rebuilt as an object. */
  read(slot: number): TraceEntry {
    const type = TRACE_TYPES[this.types[slot]!]!;
    return {
      traceSeq: this.seqs[slot]!,
      route: this.routes[slot]!,
      source: this.sources[slot]!,
      target: this.targets[slot]!,
      event: decode(type, this.nums, slot * NUM_W, this.strs, slot * STR_W, this.refs[slot] ?? this.copiedValues(slot)),
      link: this.links[slot]!,
    };
  }

  /** The feature values copied into `slot` (a FEATURES entry whose vector fit). */
  private copiedValues(slot: number): Float64Array {
    const from = slot * this.featureWidth;
    return this.values.slice(from, from + this.nums[slot * NUM_W + 10]!);
  }

  /** Drops the references `slot` holds, so a dropped entry's feature vector can be collected. */
  clear(slot: number): void {
    this.refs[slot] = undefined;
    this.targets[slot] = null;
  }

  /** Reallocates every column for `slots` slots, keeping what is stored. */
  private grow(slots: number): void {
    const n = this.allocated;
    const nums = new Float64Array(slots * NUM_W);
    nums.set(this.nums);
    this.nums = nums;
    const values = new Float64Array(slots * this.featureWidth);
    values.set(this.values);
    this.values = values;
    const types = new Uint8Array(slots);
    types.set(this.types);
    this.types = types;
    const seqs = new Float64Array(slots);
    seqs.set(this.seqs);
    this.seqs = seqs;
    const links = new Float64Array(slots);
    links.set(this.links);
    this.links = links;
    const extend = <T>(a: T[], per: number, fill: T): T[] => {
      for (let i = n * per; i < slots * per; i++) a.push(fill);
      return a;
    };
    this.strs = extend(this.strs, STR_W, undefined);
    this.routes = extend(this.routes, 1, null);
    this.sources = extend(this.sources, 1, '');
    this.targets = extend(this.targets, 1, null);
    this.refs = extend(this.refs, 1, undefined);
    this.allocated = slots;
  }
}

/** Writes `ev`'s fields at `n` (numbers) and `s` (strings); returns the object field to keep, if any. */
function encode(
  ev: SluiceEvent | TraceFailure,
  f: Float64Array,
  n: number,
  t: (string | undefined)[],
  s: number,
): Float64Array | TraceFailure | undefined {
  if (ev.type === 'ERROR') return ev;
  f[n] = ev.seq;
  f[n + 1] = ev.ts;
  t[s] = ev.symbol;
  t[s + 1] = ev.source;
  t[s + 2] = 'key' in ev ? ev.key : undefined;
  switch (ev.type) {
    case 'BAR':
      f[n + 2] = ev.index;
      f[n + 3] = ev.open;
      f[n + 4] = ev.high;
      f[n + 5] = ev.low;
      f[n + 6] = ev.close;
      f[n + 7] = ev.volume;
      return undefined;
    case 'FEATURES': {
      const b = ev.bar;
      f[n + 2] = b.index;
      f[n + 3] = b.open;
      f[n + 4] = b.high;
      f[n + 5] = b.low;
      f[n + 6] = b.close;
      f[n + 7] = b.volume;
      f[n + 8] = b.seq;
      f[n + 9] = b.ts;
      t[s + 3] = b.source;
      return ev.values;
    }
    case 'CLASSIFICATION':
      t[s + 3] = ev.classifier;
      t[s + 4] = ev.regime;
      return undefined;
    case 'SIGNAL':
      f[n + 2] = ev.signalId;
      f[n + 3] = ev.direction;
      f[n + 4] = ev.strength;
      f[n + 5] = ev.price;
      t[s + 3] = ev.strategyId;
      return undefined;
    case 'ORDER':
      f[n + 2] = ev.orderId;
      f[n + 3] = ev.signalId;
      f[n + 4] = ev.quantity;
      f[n + 5] = ev.price;
      f[n + 6] = ev.position;
      f[n + 7] = ev.equity;
      f[n + 8] = ev.grossExposure;
      t[s + 3] = ev.side;
      t[s + 4] = ev.reason;
      t[s + 5] = ev.riskNote;
      f[n + 9] = ev.orderType === undefined ? Number.NaN : ORDER_TYPES.indexOf(ev.orderType);
      f[n + 10] = opt(ev.limitPrice);
      f[n + 11] = opt(ev.stopPrice);
      f[n + 12] = opt(ev.expiresAfterBars);
      f[n + 13] = ev.reduceOnly === undefined ? Number.NaN : ev.reduceOnly ? 1 : 0;
      f[n + 14] = opt(ev.ocoGroup);
      return undefined;
    case 'CANCEL':
      f[n + 2] = ev.orderId;
      t[s + 3] = ev.reason;
      return undefined;
    case 'REJECT':
      f[n + 2] = ev.orderId;
      f[n + 3] = ev.signalId;
      f[n + 4] = opt(ev.remaining);
      t[s + 3] = ev.reason;
      return undefined;
    case 'FILL':
      f[n + 2] = ev.orderId;
      f[n + 3] = ev.signalId;
      f[n + 4] = ev.fillSeq;
      f[n + 5] = ev.fillTs;
      f[n + 6] = ev.quantity;
      f[n + 7] = ev.price;
      f[n + 8] = ev.commission;
      f[n + 9] = ev.slippage;
      f[n + 10] = ev.fillIndex;
      f[n + 11] = ev.remaining;
      t[s + 3] = ev.side;
      t[s + 4] = ev.reason;
      return undefined;
    case 'PORTFOLIO':
      f[n + 2] = ev.cash;
      f[n + 3] = ev.equity;
      f[n + 4] = ev.grossExposure;
      f[n + 5] = ev.invested ? 1 : 0;
      f[n + 6] = ev.realizedPnl;
      f[n + 7] = ev.unrealizedPnl;
      return undefined;
    case 'TRADE':
      f[n + 2] = ev.tradeId;
      f[n + 3] = ev.quantity;
      f[n + 4] = ev.entryTs;
      f[n + 5] = ev.entryPrice;
      f[n + 6] = ev.exitTs;
      f[n + 7] = ev.exitPrice;
      f[n + 8] = ev.pnl;
      f[n + 9] = ev.grossPnl;
      f[n + 10] = ev.commission;
      f[n + 11] = ev.returnPct;
      f[n + 12] = ev.barsHeld;
      t[s + 3] = ev.direction;
      t[s + 4] = ev.exitReason;
      return undefined;
  }
}

/** The event `encode` wrote, as an object with the same fields. */
function decode(
  type: TraceType,
  f: Float64Array,
  n: number,
  t: (string | undefined)[],
  s: number,
  ref: Float64Array | TraceFailure | undefined,
): SluiceEvent | TraceFailure {
  if (type === 'ERROR') return ref as TraceFailure;
  const seq = f[n]!;
  const ts = f[n + 1]!;
  const symbol = t[s]!;
  const source = t[s + 1]!;
  const key = t[s + 2]!;
  switch (type) {
    case 'BAR':
      return {
        type,
        seq,
        ts,
        symbol,
        source,
        index: f[n + 2]!,
        open: f[n + 3]!,
        high: f[n + 4]!,
        low: f[n + 5]!,
        close: f[n + 6]!,
        volume: f[n + 7]!,
      };
    case 'FEATURES': {
      const bar = {
        type: 'BAR' as const,
        seq: f[n + 8]!,
        ts: f[n + 9]!,
        symbol,
        source: t[s + 3]!,
        index: f[n + 2]!,
        open: f[n + 3]!,
        high: f[n + 4]!,
        low: f[n + 5]!,
        close: f[n + 6]!,
        volume: f[n + 7]!,
      };
      return { type, seq, ts, symbol, source, bar, values: ref as Float64Array };
    }
    case 'CLASSIFICATION':
      return { type, seq, ts, symbol, source, classifier: t[s + 3]!, regime: t[s + 4]! };
    case 'SIGNAL':
      return {
        type,
        seq,
        ts,
        symbol,
        source,
        key,
        signalId: f[n + 2]!,
        direction: f[n + 3]! as -1 | 0 | 1,
        strength: f[n + 4]!,
        price: f[n + 5]!,
        strategyId: t[s + 3]!,
      };
    case 'ORDER': {
      const riskNote = t[s + 5];
      const [orderType, limitPrice, stopPrice, expiresAfterBars, reduceOnly, ocoGroup] = [
        f[n + 9]!,
        f[n + 10]!,
        f[n + 11]!,
        f[n + 12]!,
        f[n + 13]!,
        f[n + 14]!,
      ];
      return {
        type,
        seq,
        ts,
        symbol,
        source,
        key,
        orderId: f[n + 2]!,
        signalId: f[n + 3]!,
        quantity: f[n + 4]!,
        price: f[n + 5]!,
        position: f[n + 6]!,
        equity: f[n + 7]!,
        grossExposure: f[n + 8]!,
        side: t[s + 3] as 'buy' | 'sell',
        reason: t[s + 4]!,
        ...(riskNote !== undefined ? { riskNote } : {}),
        ...(Number.isNaN(orderType) ? {} : { orderType: ORDER_TYPES[orderType]! }),
        ...(Number.isNaN(limitPrice) ? {} : { limitPrice }),
        ...(Number.isNaN(stopPrice) ? {} : { stopPrice }),
        ...(Number.isNaN(expiresAfterBars) ? {} : { expiresAfterBars }),
        ...(Number.isNaN(reduceOnly) ? {} : { reduceOnly: reduceOnly === 1 }),
        ...(Number.isNaN(ocoGroup) ? {} : { ocoGroup }),
      };
    }
    case 'CANCEL':
      return { type, seq, ts, symbol, source, key, orderId: f[n + 2]!, reason: t[s + 3]! };
    case 'REJECT': {
      const remaining = f[n + 4]!;
      return {
        type,
        seq,
        ts,
        symbol,
        source,
        key,
        orderId: f[n + 2]!,
        signalId: f[n + 3]!,
        reason: t[s + 3]!,
        ...(Number.isNaN(remaining) ? {} : { remaining }),
      };
    }
    case 'FILL':
      return {
        type,
        seq,
        ts,
        symbol,
        source,
        key,
        orderId: f[n + 2]!,
        signalId: f[n + 3]!,
        fillSeq: f[n + 4]!,
        fillTs: f[n + 5]!,
        fillIndex: f[n + 10]!,
        quantity: f[n + 6]!,
        remaining: f[n + 11]!,
        price: f[n + 7]!,
        commission: f[n + 8]!,
        slippage: f[n + 9]!,
        side: t[s + 3] as 'buy' | 'sell',
        reason: t[s + 4]!,
      };
    case 'PORTFOLIO':
      return {
        type,
        seq,
        ts,
        symbol,
        source,
        key,
        cash: f[n + 2]!,
        equity: f[n + 3]!,
        grossExposure: f[n + 4]!,
        invested: f[n + 5] === 1,
        realizedPnl: f[n + 6]!,
        unrealizedPnl: f[n + 7]!,
      };
    case 'TRADE':
      return {
        type,
        seq,
        ts,
        symbol,
        source,
        key,
        tradeId: f[n + 2]!,
        quantity: f[n + 3]!,
        entryTs: f[n + 4]!,
        entryPrice: f[n + 5]!,
        exitTs: f[n + 6]!,
        exitPrice: f[n + 7]!,
        pnl: f[n + 8]!,
        grossPnl: f[n + 9]!,
        commission: f[n + 10]!,
        returnPct: f[n + 11]!,
        barsHeld: f[n + 12]!,
        direction: t[s + 3] as 'long' | 'short',
        exitReason: t[s + 4]!,
      };
  }
}
