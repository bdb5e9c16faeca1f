import type { BarEmitter } from './tick-aggregator.ts';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/**
 * Where the bars of one day are cut: the sessions of a market, as UTC epoch-ms intervals
 * of the day holding `ts`. An aggregated bar starts at its session's start (plus whole
 * timeframes) and never reaches past the session's end.
 */
export interface SessionCalendar {
  /** The session holding `ts`: [start, end), or undefined when `ts` is outside every session (the bar is dropped). */
  sessionOf(ts: number): { readonly start: number; readonly end: number } | undefined;
}

/**
 * US equity sessions in New York time, daylight saving included: pre-market 04:00–09:30,
 * regular 09:30–16:00, after hours 16:00–20:00 (`regularOnly`: only the regular session;
 * bars outside it are dropped). An hourly bar is then 09:30–10:30 … 15:30–16:00, never
 * straddling the open or the close; 5-, 15- and 30-minute bars are the clock's.
 */
export class UsEquitySessions implements SessionCalendar {
  private readonly offsets = new Map<number, number>();
  private readonly format = new Intl.DateTimeFormat('en-US', {
    timeZone: 'America/New_York',
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
  });
  private readonly bounds: readonly number[];

  constructor(regularOnly = false) {
    // Minutes after local midnight.
    this.bounds = regularOnly ? [570, 960] : [240, 570, 960, 1200];
  }

  sessionOf(ts: number): { start: number; end: number } | undefined {
    const offset = this.offsetAt(ts);
    const local = ts + offset;
    const midnight = Math.floor(local / DAY_MS) * DAY_MS - offset;
    const b = this.bounds;
    for (let i = 0; i + 1 < b.length; i++) {
      const start = midnight + b[i]! * MINUTE_MS;
      const end = midnight + b[i + 1]! * MINUTE_MS;
      if (ts >= start && ts < end) return { start, end };
    }
    return undefined;
  }

  /** New York's offset from UTC, ms (−4 h or −5 h), as in force at noon UTC of the day of `ts`. */
  private offsetAt(ts: number): number {
    const day = Math.floor(ts / DAY_MS);
    let off = this.offsets.get(day);
    if (off === undefined) {
      const noon = day * DAY_MS + DAY_MS / 2;
      const parts = Object.fromEntries(this.format.formatToParts(new Date(noon)).map((p) => [p.type, p.value]));
      const asUtc = Date.UTC(
        Number(parts['year']),
        Number(parts['month']) - 1,
        Number(parts['day']),
        Number(parts['hour']),
        Number(parts['minute']),
      );
      off = asUtc - noon;
      this.offsets.set(day, off);
    }
    return off;
  }
}

export interface BarAggregatorOptions {
  /** Length of the provider's bars (1 minute), ms. */
  readonly sourceMs: number;
  /** Length of the bars emitted (the config's timeframe), ms: a whole multiple of `sourceMs`. */
  readonly timeframeMs: number;
  /** Where bars are cut; default none: intervals aligned to the epoch (UTC), [k·tf, (k+1)·tf). */
  readonly sessions?: SessionCalendar;
  /**
   * A bar also closes this long after the end of its next source bar by the wall clock
   * (when the provider sends nothing for a quiet interval), only for bars in real time;
   * null: only the rules below close a bar.
   */
  readonly closeAfterMs: number | null;
  readonly emit: BarEmitter;
  readonly now?: () => number;
  readonly setTimer?: (fn: () => void, ms: number) => unknown;
  readonly clearTimer?: (handle: unknown) => void;
}

/** A source bar of the period being built. */
interface Part {
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

interface Pending {
  start: number;
  end: number;
  /** Source bars by start time: a correction replaces its minute. */
  parts: Map<number, Part>;
  timer: unknown;
}

/**
 * Aggregates a provider's closed bars (minute bars, closed klines) into bars of the
 * config's timeframe, per symbol. A bar's timestamp is the start of its period; open is
 * the first source bar's open, close the last one's close, high / low the extremes,
 * volume the sum (a missing volume makes the sum missing, as in a bar file).
 *
 * A period's bar is emitted (closed) as soon as it is complete — when the source bar that
 * ends at the period's end arrives — or when a source bar of a later period arrives (the
 * provider sends no bar for an interval without trades), when the wall clock passes the
 * period's end by one source bar + `closeAfterMs` (real-time bars only), or at `flush()`.
 * Source bars as long as the timeframe pass through at once.
 *
 * A source bar sent again for an interval of the open period (Alpaca's updated bars
 * `T: "u"`, a repeated bar) replaces the earlier one before the period is emitted; one for
 * a period already emitted is late: counted (`lateUpdates` for corrections, `late` for
 * bars) and dropped — bars are never revised once out.
 */
export class BarAggregator {
  readonly counters = { bars: 0, late: 0, lateUpdates: 0, replaced: 0, outsideSession: 0, closedByTimer: 0 };
  private readonly pending = new Map<string, Pending>();
  /** Per symbol: the end of the last period emitted; source bars before it are late. */
  private readonly closedThrough = new Map<string, number>();
  private readonly now: () => number;
  private readonly setTimer: (fn: () => void, ms: number) => unknown;
  private readonly clearTimer: (handle: unknown) => void;

  constructor(private readonly opts: BarAggregatorOptions) {
    if (!(opts.sourceMs > 0 && opts.timeframeMs >= opts.sourceMs && opts.timeframeMs % opts.sourceMs === 0)) {
      throw new RangeError(
        `the timeframe (${opts.timeframeMs} ms) must be a whole multiple of the provider's bar length (${opts.sourceMs} ms)`,
      );
    }
    this.now = opts.now ?? Date.now;
    this.setTimer =
      opts.setTimer ??
      ((fn, ms) => {
        const t = setTimeout(fn, ms);
        t.unref();
        return t;
      });
    this.clearTimer = opts.clearTimer ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>));
  }

  /**
   * One closed source bar starting at `ts`. `update`: a correction of a bar sent before
   * (counted apart when it comes too late to count).
   */
  bar(
    symbol: string,
    ts: number,
    open: number,
    high: number,
    low: number,
    close: number,
    volume: number,
    update = false,
  ): void {
    const period = this.periodOf(ts);
    if (period === undefined) {
      this.counters.outsideSession++;
      return;
    }
    if (ts < (this.closedThrough.get(symbol) ?? Number.NEGATIVE_INFINITY)) {
      if (update) this.counters.lateUpdates++;
      else this.counters.late++;
      return;
    }
    let p = this.pending.get(symbol);
    if (p !== undefined && period.start < p.start) {
      if (update) this.counters.lateUpdates++;
      else this.counters.late++;
      return;
    }
    if (p !== undefined && period.start > p.start) {
      this.close(symbol, p);
      p = undefined;
    }
    if (p === undefined) {
      p = { start: period.start, end: period.end, parts: new Map(), timer: undefined };
      this.pending.set(symbol, p);
      this.arm(symbol, p);
    }
    if (p.parts.has(ts)) this.counters.replaced++;
    p.parts.set(ts, { open, high, low, close, volume });
    if (ts + this.opts.sourceMs >= p.end) this.close(symbol, p);
  }

  /** Emits every pending bar (end of the feed), in symbol order. */
  flush(): void {
    for (const symbol of [...this.pending.keys()].sort()) this.close(symbol, this.pending.get(symbol)!);
  }

  /** Drops pending bars and their timers without emitting. */
  dispose(): void {
    for (const p of this.pending.values()) if (p.timer !== undefined) this.clearTimer(p.timer);
    this.pending.clear();
  }

  private periodOf(ts: number): { start: number; end: number } | undefined {
    const tf = this.opts.timeframeMs;
    const sessions = this.opts.sessions;
    if (sessions === undefined || tf >= DAY_MS) {
      const start = Math.floor(ts / tf) * tf;
      return { start, end: start + tf };
    }
    const s = sessions.sessionOf(ts);
    if (s === undefined) return undefined;
    const start = s.start + Math.floor((ts - s.start) / tf) * tf;
    return { start, end: Math.min(start + tf, s.end) };
  }

  private arm(symbol: string, p: Pending): void {
    const after = this.opts.closeAfterMs;
    if (after === null) return;
    const delay = p.end + this.opts.sourceMs + after - this.now();
    const span = p.end - p.start + this.opts.sourceMs + after;
    // Real time only: a period whose end is long past (history, a replay) never closes by timer.
    if (!(delay > 0 && delay <= span)) return;
    p.timer = this.setTimer(() => {
      if (this.pending.get(symbol) !== p) return;
      this.counters.closedByTimer++;
      this.close(symbol, p);
    }, delay);
  }

  private close(symbol: string, p: Pending): void {
    if (p.timer !== undefined) this.clearTimer(p.timer);
    this.pending.delete(symbol);
    this.closedThrough.set(symbol, p.end);
    const keys = [...p.parts.keys()].sort((a, b) => a - b);
    const first = p.parts.get(keys[0]!)!;
    const last = p.parts.get(keys[keys.length - 1]!)!;
    let high = first.high;
    let low = first.low;
    let volume = 0;
    for (const k of keys) {
      const part = p.parts.get(k)!;
      if (part.high > high) high = part.high;
      if (part.low < low) low = part.low;
      volume += part.volume;
    }
    this.counters.bars++;
    this.opts.emit(symbol, p.start, first.open, high, low, last.close, volume);
  }
}
