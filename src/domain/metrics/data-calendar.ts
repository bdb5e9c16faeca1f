/**
 * The data's own calendar, observed while bars are read: how many bars one symbol has per
 * session, against what the configured timeframe assumes. `barsPerYear` (timeframe.ts)
 * is a convention (5m on us_equity: 252 × 390 / 5 = 19 656 bars a year, 78 a session); a
 * vendor's file can differ (a 16:00 bar, extended hours), and then annualized volatility,
 * Sharpe and Sortino, which scale by √(bars a year), are off by the square root of the
 * ratio. See docs/metrics.md, "Annualization: the data's own calendar".
 */
import type { BarChunk } from '../../events/bar-chunk.ts';
import {
  barsPerYear,
  CONTINUOUS_DAYS,
  parseTimeframe,
  US_EQUITY_TRADING_DAYS,
  type TradingCalendar,
} from './timeframe.ts';
import { ZoneOffsets } from './zone-offsets.ts';

const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;

/** The zone whose local date is a session of the calendar. */
export const SESSION_TIME_ZONE: Readonly<Record<TradingCalendar, string>> = {
  us_equity: 'America/New_York',
  continuous: 'UTC',
};

/** Bars and sessions of a symbol, as `SessionCounter.result` gives them. */
export interface SessionCount {
  readonly symbol: string | undefined;
  readonly bars: number;
  readonly sessions: number;
}

/** Relative difference beyond which the configured annualization is reported as disagreeing with the data. */
export const ANNUALIZATION_TOLERANCE = 0.01;

/**
 * Counts the bars and sessions (distinct local dates in the calendar's zone) of the
 * first symbol it sees. A bar's session is its local date, with the zone's offset at noon
 * UTC of the bar's UTC date.
 *
 * O(1) per bar, and cheap: the offset comes from runs of days with one offset
 * (`ZoneOffsets`, Intl asked a few dozen times a year, not once per day), and a bar within
 * the stretch of time where the session and the offset are those of the bar before it (the
 * common case) costs two comparisons. A chunk of one symbol skips the symbol check.
 */
export class SessionCounter {
  private symbol: string | undefined;
  private bars = 0;
  private sessions = 0;
  /** Bars of the first session (set when the second begins) and of the current one. */
  private firstBars = 0;
  private lastBars = 0;
  private lastSession = Number.NaN;
  /** UTC ms [sameFrom, sameTo): a bar there is in the current session, under the same offset. */
  private sameFrom = Number.NaN;
  private sameTo = Number.NaN;
  private readonly offsets: ZoneOffsets;

  constructor(readonly calendar: TradingCalendar) {
    this.offsets = new ZoneOffsets(SESSION_TIME_ZONE[calendar]);
  }

  add(chunk: BarChunk): void {
    const { symbols, symbol, ts, length } = chunk;
    if (length === 0) return;
    this.symbol ??= symbols[symbol[0]!]!;
    // Which of the chunk's symbol indices are the counted symbol (per chunk, not per bar).
    let match: Uint8Array | undefined;
    if (symbols.length === 1) {
      if (symbols[0] !== this.symbol) return;
    } else match = Uint8Array.from(symbols, (name) => (name === this.symbol ? 1 : 0));
    let from = this.sameFrom;
    let to = this.sameTo;
    for (let i = 0; i < length; i++) {
      if (match !== undefined && match[symbol[i]!] !== 1) continue;
      const t = ts[i]!;
      if (t >= from && t < to) {
        this.bars++;
        this.lastBars++;
        continue;
      }
      this.enter(t);
      from = this.sameFrom;
      to = this.sameTo;
    }
  }

  /** A bar outside the known stretch: its session, which may begin, and the stretch around it. */
  private enter(t: number): void {
    const offsets = this.offsets;
    const day = Math.floor(t / DAY_MS);
    if (!(day >= offsets.from && day <= offsets.to)) offsets.seek(day);
    const offset = offsets.offset;
    const session = Math.floor((t + offset) / DAY_MS);
    if (session !== this.lastSession) {
      this.lastSession = session;
      if (this.sessions === 1) this.firstBars = this.bars;
      this.sessions++;
      this.lastBars = 0;
    }
    this.bars++;
    this.lastBars++;
    // The session's local day, cut to the days of this offset: the same session and offset throughout.
    this.sameFrom = Math.max(offsets.from * DAY_MS, session * DAY_MS - offset);
    this.sameTo = Math.min((offsets.to + 1) * DAY_MS, (session + 1) * DAY_MS - offset);
  }

  /**
   * The symbol counted (undefined before any bar), its bars and sessions. With three
   * sessions or more, only the whole ones between the first and the last: data cut at
   * data.start / data.end or a walk-forward window usually begins and ends mid-session,
   * and those partial sessions would bias the bars per session down.
   */
  result(): SessionCount {
    if (this.sessions < 3) return { symbol: this.symbol, bars: this.bars, sessions: this.sessions };
    return { symbol: this.symbol, bars: this.bars - this.firstBars - this.lastBars, sessions: this.sessions - 2 };
  }
}

/** The configured annualization against the data's, as phase_summary.json records it. */
export interface AnnualizationCheck {
  readonly timeframe: string;
  readonly calendar: TradingCalendar;
  readonly symbol: string;
  /** Bars and sessions counted: the whole sessions between the first and the last (see SessionCounter.result). */
  readonly bars: number;
  readonly sessions: number;
  /** bars / sessions. */
  readonly bars_per_session: number;
  /** What the timeframe assumes: barsPerYear(timeframe, calendar) / sessions a year. */
  readonly assumed_bars_per_session: number;
  /** barsPerYear(timeframe, calendar), the factor the metrics use. */
  readonly assumed_bars_per_year: number;
  /** Sessions a year (252 or 365) × bars_per_session. */
  readonly data_bars_per_year: number;
  /** data_bars_per_year / assumed_bars_per_year − 1. */
  readonly difference: number;
  /** √(data / assumed) − 1: how far annualized volatility, Sharpe and Sortino are off. */
  readonly effect_on_annualized: number;
  /** The warning, when |difference| > 1 %; null otherwise. */
  readonly warning: string | null;
}

/**
 * Compares the bars a year the configured timeframe assumes with those of the data:
 * data bars a year = sessions a year (252 on us_equity, 365 continuous) × bars per
 * session observed. Only for bars of a day or shorter (a session is a local date, so
 * longer bars cannot be told apart by it); undefined for longer bars or no bars.
 */
export function checkAnnualization(
  timeframe: string,
  calendar: TradingCalendar,
  counted: SessionCount,
): AnnualizationCheck | undefined {
  const ms = parseTimeframe(timeframe);
  if (ms > DAY_MS || ms >= WEEK_MS || counted.symbol === undefined || counted.sessions === 0) return undefined;
  const sessionsPerYear = calendar === 'us_equity' ? US_EQUITY_TRADING_DAYS : CONTINUOUS_DAYS;
  const assumed = barsPerYear(timeframe, calendar);
  const perSession = counted.bars / counted.sessions;
  const data = sessionsPerYear * perSession;
  const difference = data / assumed - 1;
  const effect = Math.sqrt(data / assumed) - 1;
  const pct = (x: number, digits = 1): string => `${(x * 100).toFixed(digits)} %`;
  const round = (x: number): string => x.toLocaleString('en-US', { maximumFractionDigits: 2 });
  const warning =
    Math.abs(difference) > ANNUALIZATION_TOLERANCE
      ? `annualization: timeframe ${timeframe} on ${calendar} assumes ${round(assumed / sessionsPerYear)} bars a session (${round(assumed)} a year), but ${counted.symbol} has ${round(perSession)} (${counted.bars.toLocaleString('en-US')} bars in ${counted.sessions.toLocaleString('en-US')} whole sessions: ${round(data)} a year), ${pct(Math.abs(difference))} ${difference > 0 ? 'more' : 'fewer'}; annualized volatility, Sharpe and Sortino scale by √(bars a year), so they are ${pct(Math.abs(effect), 2)} ${effect > 0 ? 'lower' : 'higher'} than the data's own calendar gives. Check data.timeframe and data.calendar, or set metrics.annualization: data (docs/metrics.md)`
      : null;
  return {
    timeframe,
    calendar,
    symbol: counted.symbol,
    bars: counted.bars,
    sessions: counted.sessions,
    bars_per_session: perSession,
    assumed_bars_per_session: assumed / sessionsPerYear,
    assumed_bars_per_year: assumed,
    data_bars_per_year: data,
    difference,
    effect_on_annualized: effect,
    warning,
  };
}
