import type { Logger } from 'pino';
import { chunkOf, type BarChunk, type BarSource, type SourceStats } from '../bar-source.ts';
import { LiveError } from '../../errors/live-error.ts';

/** What happens when the input buffer is full. */
export type OverflowPolicy = 'block' | 'drop_oldest' | 'error';

/** Something the sinks should hear about besides signals: a gap in a symbol's bars. */
export interface GapNotice {
  readonly type: 'gap';
  readonly symbol: string;
  /** The last bar before the gap and the first after it, ISO 8601. */
  readonly after: string;
  readonly before: string;
  /** Bars missing between them, by the timeframe. */
  readonly missing: number;
}

/** Counters of a live source, for logs, the run summary and tests. */
export interface LiveCounters {
  /** Bars handed to `push` (after message decoding and tick aggregation). */
  received: number;
  /** Bars passed on to the graph. */
  accepted: number;
  /** Same symbol and timestamp as a bar already passed on (e.g. sent again by a resumed feed): dropped. */
  duplicates: number;
  /** Older than the last bar of their symbol, and no repeat of a bar seen: rejected with a warning. */
  outOfOrder: number;
  /** At or before the last warm-up bar of their symbol: already seen, dropped quietly. */
  coveredByWarmup: number;
  /** Of a symbol the run does not take. */
  ignoredSymbol: number;
  /** Dropped by `overflow: drop_oldest`. */
  dropped: number;
  /** Times the buffer filled under `overflow: block` and the feed was asked to pause. */
  pauses: number;
  /** Gaps seen within a session, and the bars they miss. */
  gaps: number;
  missingBars: number;
}

export interface LiveSourceOptions {
  /** Symbols taken; a bar of any other symbol is counted and ignored (warned once per symbol). */
  readonly symbols: readonly string[];
  readonly logger: Logger;
  /** Bars the buffer holds before `overflow` applies (default 100,000). */
  readonly maxBars?: number;
  readonly overflow?: OverflowPolicy;
  readonly outOfOrder?: 'skip' | 'fail';
  /** Bar length in ms, for gap detection; undefined: no gap detection. */
  readonly timeframeMs?: number;
  /** `us_equity`: a gap counts only within one UTC day and below daily bars (sessions close overnight). */
  readonly calendar?: 'us_equity' | 'continuous';
  /** Told of every gap (after the warning is logged). */
  readonly onGap?: (gap: GapNotice) => void;
  /** `block` policy: true when the feed should stop reading, false when it may go on. */
  readonly onPressure?: (paused: boolean) => void;
  /** Rows per chunk at most (default 8192). */
  readonly chunkSize?: number;
  /**
   * Timestamps remembered per symbol to tell a repeated bar (a duplicate: a resumed feed
   * sends its recent bars again) from one that is really out of order (default 65,536).
   */
  readonly seenWindow?: number;
  /** Clock of arrival stamps (default performance.now). */
  readonly now?: () => number;
}

/** Columns of buffered or handed-out bars. */
interface Columns {
  symbol: Uint16Array;
  ts: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
  arrival: Float64Array;
}

function columns(n: number): Columns {
  return {
    symbol: new Uint16Array(n),
    ts: new Float64Array(n),
    open: new Float64Array(n),
    high: new Float64Array(n),
    low: new Float64Array(n),
    close: new Float64Array(n),
    volume: new Float64Array(n),
    arrival: new Float64Array(n),
  };
}

/** What the ring's column copies need of a typed array. */
interface TypedColumn {
  set(array: ArrayLike<number>, offset?: number): void;
  subarray(begin: number, end: number): ArrayLike<number>;
}

const KEYS = ['symbol', 'ts', 'open', 'high', 'low', 'close', 'volume', 'arrival'] as const;
const DAY_MS = 86_400_000;

/**
 * A pull-based source of bars arriving from a feed. The feed `push`es bars as messages
 * come in (cheap: a copy into a ring buffer of typed arrays); the sequencer pulls chunks
 * as it always does, and each pull returns every bar that has arrived since the last one
 * (at most `chunkSize`), or waits for the next bar when none has. The source ends with
 * `end()` (the feed's end message, EOF, Ctrl-C) once the buffer is empty, or fails with
 * `fail(err)` at the next pull.
 *
 * Order is checked when a bar is pulled, per symbol, against the last bar passed on
 * (warm-up bars included, see `prime`): an equal timestamp is a duplicate (dropped,
 * counted), an older one is out of order (warned, counted; or the run fails). Bars of
 * different symbols pass in arrival order.
 *
 * The buffer is bounded by `maxBars`, with an explicit policy when it is full: `block`
 * asks the feed to pause its transport (`onPressure(true)`, resumed below half full),
 * `drop_oldest` drops the oldest waiting bar (counted), `error` fails the run.
 *
 * Every bar carries its arrival time (`now()` at push), so a signal can be timed from the
 * arrival of the bar that caused it (`arrivalOf`).
 */
export class LiveBarSource implements BarSource {
  readonly description: string;
  readonly symbols: readonly string[];
  readonly counters: LiveCounters = {
    received: 0,
    accepted: 0,
    duplicates: 0,
    outOfOrder: 0,
    coveredByWarmup: 0,
    ignoredSymbol: 0,
    dropped: 0,
    pauses: 0,
    gaps: 0,
    missingBars: 0,
  };

  private readonly opts: LiveSourceOptions;
  private readonly symbolIndex: Map<string, number>;
  private readonly maxBars: number;
  private readonly chunkSize: number;
  private readonly now: () => number;
  // Ring buffer of waiting bars.
  private ring: Columns;
  private head = 0;
  private size = 0;
  // Two sets of output columns: one handed out, one being filled.
  private readonly outs: [Columns, Columns];
  private outTurn = 0;
  /** Arrival stamps of the chunk handed out last, and the live ordinal of its first bar. */
  private lastArrival: Float64Array = new Float64Array(0);
  private chunkBase = 0;
  private readonly lastTs: Float64Array;
  /** Per symbol: the timestamps passed on lately, to recognize repeats. */
  private readonly seen: SeenTimes[];
  private readonly warmEnd: Float64Array;
  private readonly warnedSymbols = new Set<string>();
  private paused = false;
  private ended = false;
  private error: unknown = undefined;
  private wake: (() => void) | undefined;
  /** Arrival time (per `now`) of the first bar pushed; NaN before. */
  firstArrival = Number.NaN;
  private firstTs: number | null = null;
  private lastTsAll: number | null = null;

  constructor(opts: LiveSourceOptions) {
    this.opts = opts;
    this.symbols = [...opts.symbols];
    if (this.symbols.length === 0 || this.symbols.length > 65_536)
      throw new RangeError(`a live source takes 1 to 65536 symbols, got ${this.symbols.length}`);
    this.symbolIndex = new Map(this.symbols.map((s, i) => [s, i]));
    this.maxBars = opts.maxBars ?? 100_000;
    this.chunkSize = opts.chunkSize ?? 8192;
    this.now = opts.now ?? (() => performance.now());
    this.ring = columns(Math.min(this.maxBars, 1024));
    this.outs = [columns(this.chunkSize), columns(this.chunkSize)];
    this.lastTs = new Float64Array(this.symbols.length).fill(Number.NEGATIVE_INFINITY);
    this.seen = this.symbols.map(() => new SeenTimes(opts.seenWindow ?? 65_536));
    this.warmEnd = new Float64Array(this.symbols.length).fill(Number.NEGATIVE_INFINITY);
    this.description = `live(${this.symbols.join(', ')})`;
  }

  /** Bars waiting to be pulled. */
  get buffered(): number {
    return this.size;
  }

  /** True once `end()` or `fail()` was called. */
  get closed(): boolean {
    return this.ended || this.error !== undefined;
  }

  /**
   * The last warm-up bar of a symbol: live bars at or before it were seen already and are
   * dropped quietly (counted as `coveredByWarmup`); it also anchors gap detection.
   */
  prime(symbol: string, ts: number): void {
    const i = this.symbolIndex.get(symbol);
    if (i === undefined) return;
    this.lastTs[i] = Math.max(this.lastTs[i]!, ts);
    this.warmEnd[i] = this.lastTs[i]!;
  }

  /**
   * Stamps every waiting bar as arriving now: bars that came while the warm-up ran could
   * not be processed earlier, and their latency counts from the warm-up's end.
   */
  restampWaiting(): void {
    const time = this.now();
    const r = this.ring;
    const cap = r.ts.length;
    for (let k = 0; k < this.size; k++) {
      const i = (this.head + k) % cap;
      if (r.arrival[i]! < time) r.arrival[i] = time;
    }
    if (this.firstArrival < time) this.firstArrival = time;
  }

  /** One bar from the feed. Returns false when it was not taken (unknown symbol, source closed). */
  push(symbol: string, ts: number, open: number, high: number, low: number, close: number, volume: number): boolean {
    if (this.closed) return false;
    this.counters.received++;
    const s = this.symbolIndex.get(symbol);
    if (s === undefined) {
      this.counters.ignoredSymbol++;
      if (!this.warnedSymbols.has(symbol)) {
        this.warnedSymbols.add(symbol);
        this.opts.logger.warn(
          { symbol, taken: this.symbols },
          `bars of symbol '${symbol}' are ignored: this run takes ${this.symbols.join(', ')}`,
        );
      }
      return false;
    }
    if (this.size >= this.maxBars) {
      const policy = this.opts.overflow ?? 'block';
      if (policy === 'error') {
        this.fail(
          new LiveError(
            `the input buffer is full (${this.maxBars} bars, live.buffer.overflow: error): the graph cannot keep up with the feed`,
          ),
        );
        return false;
      }
      if (policy === 'drop_oldest') {
        this.head = (this.head + 1) % this.ring.ts.length;
        this.size--;
        const d = ++this.counters.dropped;
        if ((d & (d - 1)) === 0)
          this.opts.logger.warn(
            { dropped: d },
            `input buffer full (${this.maxBars} bars): dropped the oldest waiting bar (${d} so far)`,
          );
      } else if (!this.paused) {
        this.paused = true;
        this.counters.pauses++;
        this.opts.onPressure?.(true);
      }
    }
    if (this.size === this.ring.ts.length) this.grow();
    const r = this.ring;
    const i = (this.head + this.size) % r.ts.length;
    r.symbol[i] = s;
    r.ts[i] = ts;
    r.open[i] = open;
    r.high[i] = high;
    r.low[i] = low;
    r.close[i] = close;
    r.volume[i] = volume;
    const now = this.now();
    r.arrival[i] = now;
    if (Number.isNaN(this.firstArrival)) this.firstArrival = now;
    this.size++;
    const wake = this.wake;
    if (wake !== undefined) {
      this.wake = undefined;
      wake();
    }
    return true;
  }

  /** No more bars will come: the source ends once the buffer is empty. */
  end(): void {
    this.ended = true;
    this.wakeUp();
  }

  /** The feed failed: the next pull throws `err`. */
  fail(err: unknown): void {
    this.error ??= err;
    this.wakeUp();
  }

  /**
   * Arrival time (per `now`) of the live bar with this ordinal (0 = first bar passed on),
   * while it is in the chunk handed out last; NaN otherwise.
   */
  arrivalOf(ordinal: number): number {
    const i = ordinal - this.chunkBase;
    return i >= 0 && i < this.lastArrival.length ? this.lastArrival[i]! : Number.NaN;
  }

  async *chunks(): AsyncGenerator<BarChunk, void, undefined> {
    for (;;) {
      if (this.error !== undefined) throw this.error;
      if (this.size === 0) {
        if (this.ended) return;
        await new Promise<void>((resolve) => (this.wake = resolve));
        continue;
      }
      const chunk = this.take();
      if (this.paused && this.size <= this.maxBars / 2) {
        this.paused = false;
        this.opts.onPressure?.(false);
      }
      if (chunk !== null) yield chunk;
    }
  }

  stats(): SourceStats {
    const c = this.counters;
    return {
      rows: c.accepted,
      skipped: c.duplicates + c.outOfOrder + c.dropped,
      notes: [],
      firstTs: this.firstTs,
      lastTs: this.lastTsAll,
    };
  }

  /** Ends the source (the run stops at the next pull). */
  close(): Promise<void> {
    this.end();
    return Promise.resolve();
  }

  private wakeUp(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  /** Moves waiting bars through the order checks into the next output chunk; null when none passed. */
  private take(): BarChunk | null {
    const out = this.outs[this.outTurn]!;
    const r = this.ring;
    const cap = r.ts.length;
    const tf = this.opts.timeframeMs;
    let fill = 0;
    while (this.size > 0 && fill < this.chunkSize) {
      const i = this.head;
      this.head = (i + 1) % cap;
      this.size--;
      const s = r.symbol[i]!;
      const ts = r.ts[i]!;
      const last = this.lastTs[s]!;
      if (ts <= last) {
        this.reject(s, ts, last);
        continue;
      }
      if (tf !== undefined && last !== Number.NEGATIVE_INFINITY) this.checkGap(s, last, ts, tf);
      this.lastTs[s] = ts;
      this.seen[s]!.add(ts);
      out.symbol[fill] = s;
      out.ts[fill] = ts;
      out.open[fill] = r.open[i]!;
      out.high[fill] = r.high[i]!;
      out.low[fill] = r.low[i]!;
      out.close[fill] = r.close[i]!;
      out.volume[fill] = r.volume[i]!;
      out.arrival[fill] = r.arrival[i]!;
      fill++;
    }
    if (fill === 0) return null;
    this.outTurn ^= 1;
    this.chunkBase = this.counters.accepted;
    this.counters.accepted += fill;
    this.lastArrival = out.arrival.subarray(0, fill);
    this.firstTs ??= out.ts[0]!;
    this.lastTsAll = out.ts[fill - 1]!;
    return chunkOf(out, fill, this.symbols);
  }

  private reject(s: number, ts: number, last: number): void {
    const symbol = this.symbols[s]!;
    if (ts <= this.warmEnd[s]!) {
      this.counters.coveredByWarmup++;
      return;
    }
    if (ts === last || this.seen[s]!.has(ts)) {
      const d = ++this.counters.duplicates;
      if ((d & (d - 1)) === 0) this.opts.logger.debug({ symbol, ts: iso(ts), duplicates: d }, 'duplicate bar dropped');
      return;
    }
    this.counters.outOfOrder++;
    const message = `bar out of order: ${symbol} ${iso(ts)} arrived after ${iso(last)}`;
    if (this.opts.outOfOrder === 'fail') {
      this.fail(new LiveError(`${message} (live.out_of_order: fail)`));
      return;
    }
    this.opts.logger.warn(
      { symbol, ts: iso(ts), last: iso(last), out_of_order: this.counters.outOfOrder },
      `${message}: skipped`,
    );
  }

  private checkGap(s: number, last: number, ts: number, tf: number): void {
    if (this.opts.calendar !== 'continuous' && (tf >= DAY_MS || Math.floor(last / DAY_MS) !== Math.floor(ts / DAY_MS)))
      return;
    const missing = Math.round((ts - last) / tf) - 1;
    if (missing <= 0) return;
    this.counters.gaps++;
    this.counters.missingBars += missing;
    const gap: GapNotice = { type: 'gap', symbol: this.symbols[s]!, after: iso(last), before: iso(ts), missing };
    this.opts.logger.warn(
      gap,
      `gap: ${missing} ${gap.symbol} bar${missing === 1 ? '' : 's'} missing between ${gap.after} and ${gap.before}`,
    );
    this.opts.onGap?.(gap);
  }

  private grow(): void {
    const old = this.ring;
    const cap = old.ts.length;
    const next = columns(cap * 2);
    const tail = Math.min(this.size, cap - this.head);
    for (const key of KEYS) {
      const from: TypedColumn = old[key];
      const to: TypedColumn = next[key];
      to.set(from.subarray(this.head, this.head + tail), 0);
      to.set(from.subarray(0, this.size - tail), tail);
    }
    this.ring = next;
    this.head = 0;
  }
}

/**
 * The latest `capacity` timestamps of one symbol, added in increasing order: a ring
 * searched by bisection. Starts small and doubles up to the capacity.
 */
class SeenTimes {
  private ring = new Float64Array(64);
  private start = 0;
  private size = 0;

  constructor(private readonly capacity: number) {}

  add(ts: number): void {
    if (this.size === this.ring.length && this.size < this.capacity) {
      const next = new Float64Array(Math.min(this.capacity, this.size * 2));
      for (let i = 0; i < this.size; i++) next[i] = this.ring[(this.start + i) % this.size]!;
      this.ring = next;
      this.start = 0;
    }
    const cap = this.ring.length;
    if (this.size < cap) {
      this.ring[(this.start + this.size) % cap] = ts;
      this.size++;
    } else {
      this.ring[this.start] = ts;
      this.start = (this.start + 1) % cap;
    }
  }

  has(ts: number): boolean {
    const cap = this.ring.length;
    let lo = 0;
    let hi = this.size - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = this.ring[(this.start + mid) % cap]!;
      if (v === ts) return true;
      if (v < ts) lo = mid + 1;
      else hi = mid - 1;
    }
    return false;
  }
}

function iso(ts: number): string {
  return new Date(ts).toISOString();
}
