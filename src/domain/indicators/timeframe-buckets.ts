import { parseTimeframe, type TradingCalendar } from '../metrics/timeframe.ts';
import { SESSION_TIME_ZONE } from '../metrics/data-calendar.ts';
import { SessionClock } from '../risk/session-clock.ts';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/** The US equity regular session, minutes after local midnight in New York: 09:30–16:00. */
const REGULAR_OPEN = 570;
const REGULAR_CLOSE = 960;

/** The data a higher timeframe is cut from: the bar length and the trading calendar. */
export interface BarTimeframe {
  /** The data's timeframe, e.g. '5m' (config `data.timeframe`). */
  readonly timeframe: string;
  readonly calendar: TradingCalendar;
}

/**
 * Why `timeframe` cannot be a higher timeframe of bars of `data`, with the fix; undefined
 * when it can. It must be a valid timeframe, longer than the data's and a whole multiple
 * of it, and at most one day (weeks and months are not cut yet).
 */
export function higherTimeframeProblem(timeframe: string, data: string): string | undefined {
  let ms: number;
  let base: number;
  try {
    base = parseTimeframe(data);
  } catch {
    return `the data's timeframe '${data}' is not valid, so @${timeframe} cannot be cut from it`;
  }
  try {
    ms = parseTimeframe(timeframe);
  } catch (err) {
    return (err as Error).message;
  }
  const examples = [2, 3, 6, 12].map((k) => canonicalTimeframe(base * k)).filter((t) => parseTimeframe(t) <= DAY_MS);
  const fix = `write a multiple of the data's ${data} up to 1d${examples.length > 0 ? `, e.g. @${examples.join(', @')}` : ''}${base < DAY_MS ? ' or @1d' : ''}`;
  if (ms === base) return `@${timeframe} is the data's own timeframe: drop the @${timeframe}`;
  if (ms < base)
    return `@${timeframe} is shorter than the data's timeframe ${data}: bars cannot be cut finer than they are; ${fix}`;
  if (ms % base !== 0) return `@${timeframe} is not a whole multiple of the data's timeframe ${data}; ${fix}`;
  if (ms > DAY_MS) return `@${timeframe} is longer than a day: higher timeframes go up to 1d; ${fix}`;
  if (ms < DAY_MS && DAY_MS % base !== 0)
    return `the data's timeframe ${data} does not divide a day, so bars of @${timeframe} cannot be aligned`;
  return undefined;
}

/** The shortest spelling of a timeframe in ms ('60m' and '1h' are both '1h'): one key per computation. */
export function canonicalTimeframe(ms: number): string {
  if (ms % DAY_MS === 0) return `${ms / DAY_MS}d`;
  if (ms % HOUR_MS === 0) return `${ms / HOUR_MS}h`;
  if (ms % MINUTE_MS === 0) return `${ms / MINUTE_MS}m`;
  return `${ms / 1000}s`;
}

/**
 * Which higher-timeframe bar a lower bar belongs to: the interval [start, end) holding its
 * timestamp (the start of the lower bar's interval, as the engine's bars are labelled).
 *
 * - `continuous`: bars below a day are the clock's, aligned to 00:00 UTC (a 4h bar is
 *   00:00–04:00, …; a length that does not divide the day is cut short at midnight); the
 *   day is the UTC date.
 * - `us_equity`: higher bars are cut from the regular session, 09:30–16:00 New York time
 *   (daylight saving is the zone's). Bars below a day start at the open and step by the
 *   timeframe, the last one cut short at the close (09:30–10:30, …, 15:30–16:00 for 1h;
 *   09:30–13:30, 13:30–16:00 for 4h), so none straddles the open or the close; the day is
 *   the session. Lower bars outside it (pre-market, after hours, a vendor's 16:00 bar)
 *   belong to no higher bar, as on a chart with extended hours off; a lower bar that
 *   straddles the open (an hourly bar labelled 09:00) counts as the session's first.
 *
 * Pure arithmetic per call once the zone offset of the date is cached (one Intl lookup a
 * UTC date): no allocation.
 */
export class TimeframeBuckets {
  /** Length of a higher bar, ms. */
  readonly ms: number;
  /** Length of a lower (data) bar, ms. */
  readonly barMs: number;
  /** The exchange's wall clock (us_equity); undefined for continuous data, cut in UTC. */
  private readonly clock: SessionClock | undefined;
  /** Result of the last `locate`: [start, end), or NaN when outside every bar. */
  start = Number.NaN;
  end = Number.NaN;

  /** @throws Error when `timeframe` is not a higher timeframe of the data (see `higherTimeframeProblem`). */
  constructor(timeframe: string, data: BarTimeframe) {
    const problem = higherTimeframeProblem(timeframe, data.timeframe);
    if (problem !== undefined) throw new Error(problem);
    this.ms = parseTimeframe(timeframe);
    this.barMs = parseTimeframe(data.timeframe);
    this.clock = data.calendar === 'us_equity' ? new SessionClock('00:00', SESSION_TIME_ZONE.us_equity) : undefined;
  }

  /**
   * Sets `start` and `end` to the higher bar holding `ts` (both NaN when it belongs to
   * none: `us_equity` outside the regular session). Fields rather than a
   * returned pair, so the per-bar path allocates nothing.
   */
  locate(ts: number): void {
    const clock = this.clock;
    if (clock === undefined) {
      const day = Math.floor(ts / DAY_MS) * DAY_MS;
      const start = day + Math.floor((ts - day) / this.ms) * this.ms;
      this.start = start;
      this.end = Math.min(start + this.ms, day + DAY_MS);
      return;
    }
    const midnight = clock.localMidnight(ts);
    const open = midnight + REGULAR_OPEN * MINUTE_MS;
    const close = midnight + REGULAR_CLOSE * MINUTE_MS;
    // A lower bar belongs to the session when its interval overlaps it: an hourly bar
    // labelled 09:00 (09:00–10:00) holds the open and counts from 09:30.
    if (ts + this.barMs <= open || ts >= close) {
      this.start = Number.NaN;
      this.end = Number.NaN;
      return;
    }
    const start = open + Math.floor((Math.max(ts, open) - open) / this.ms) * this.ms;
    this.start = start;
    this.end = Math.min(start + this.ms, close);
  }
}
