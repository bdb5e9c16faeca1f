/**
 * Bar timeframes and the annualization factor derived from them.
 *
 * Annualized metrics (volatility, Sharpe, Sortino) scale per-bar statistics by the number
 * of bars in a year, which depends both on the bar length and on when the market trades:
 * a US equity session is 6.5 hours on 252 days a year, a crypto or FX feed runs around the
 * clock. The numbers are conventions, stated once here and in docs/metrics.md, so every
 * result file is annualized the same way.
 */

const MS_PER_SECOND = 1_000;
const MS_PER_MINUTE = 60 * MS_PER_SECOND;
const MS_PER_HOUR = 60 * MS_PER_MINUTE;
const MS_PER_DAY = 24 * MS_PER_HOUR;
const MS_PER_WEEK = 7 * MS_PER_DAY;

const UNIT_MS: Readonly<Record<string, number>> = {
  s: MS_PER_SECOND,
  m: MS_PER_MINUTE,
  h: MS_PER_HOUR,
  d: MS_PER_DAY,
  w: MS_PER_WEEK,
};

/** Trading days in a US equity year (NYSE convention). */
export const US_EQUITY_TRADING_DAYS = 252;
/** Minutes in a regular US equity session (09:30–16:00 ET). */
export const US_EQUITY_SESSION_MINUTES = 390;
/** Days in a year for markets that trade every day (crypto, FX treated as 24x7). */
export const CONTINUOUS_DAYS = 365;
/** Weeks in a year, for weekly bars on either calendar. */
export const WEEKS_PER_YEAR = 52;

/** The trading calendars annualization knows about. */
export const TRADING_CALENDARS = ['us_equity', 'continuous'] as const;

/**
 * When a market trades: `us_equity` (252 sessions of 390 minutes a year) or `continuous`
 * (24 hours a day, 365 days a year).
 */
export type TradingCalendar = (typeof TRADING_CALENDARS)[number];

const TIMEFRAME_PATTERN = /^([1-9][0-9]*)([smhdw])$/;

/**
 * Length of a bar timeframe in milliseconds.
 *
 * A timeframe is a positive whole number followed by a unit: `s` (seconds), `m`
 * (minutes), `h` (hours), `d` (days) or `w` (weeks), e.g. `'1m'`, `'5m'`, `'15m'`,
 * `'30m'`, `'1h'`, `'4h'`, `'1d'`, `'1w'`, `'60s'`. Units are lower case only, so that a
 * minute can never be mistaken for a month.
 *
 * @throws Error naming the bad value and the expected form.
 */
export function parseTimeframe(tf: string): number {
  const match = TIMEFRAME_PATTERN.exec(tf);
  const count = match?.[1];
  const unit = match?.[2];
  const unitMs = unit === undefined ? undefined : UNIT_MS[unit];
  if (count === undefined || unitMs === undefined) {
    throw new Error(
      `invalid timeframe ${JSON.stringify(tf)}: expected a positive whole number followed by ` +
        `s, m, h, d or w (e.g. '1m', '5m', '15m', '1h', '4h', '1d', '1w')`,
    );
  }
  const ms = Number(count) * unitMs;
  if (!Number.isSafeInteger(ms)) {
    throw new Error(`invalid timeframe ${JSON.stringify(tf)}: too long`);
  }
  return ms;
}

/**
 * Number of bars of timeframe `tf` in one year on `calendar`, the factor that annualizes
 * per-bar statistics (volatility × √barsPerYear).
 *
 * - Whole weeks: 52 / weeks on either calendar.
 * - Whole days: 252 / days (`us_equity`) or 365 / days (`continuous`).
 * - Intraday on `us_equity`: 252 × 390 / bar minutes (5m → 19 656, 1h → 1 638); a bar as
 *   long as the session or longer counts as one bar per session (252).
 * - Intraday on `continuous`: 365 × 24 h / bar length (1h → 8 760).
 *
 * The intraday `us_equity` figure counts session *time*, not bars a data vendor emits: a
 * 1h series with a short 15:30 bar has 7 bars a day, but 6.5 hours of returns.
 *
 * @throws Error on an invalid timeframe or an unknown calendar.
 */
export function barsPerYear(tf: string, calendar: TradingCalendar): number {
  const ms = parseTimeframe(tf);
  // Runtime check because the calendar usually comes from user config.
  if (calendar !== 'us_equity' && calendar !== 'continuous') {
    throw new Error(
      `unknown trading calendar ${JSON.stringify(calendar)}: expected one of ${TRADING_CALENDARS.join(', ')}`,
    );
  }
  if (ms % MS_PER_WEEK === 0) return WEEKS_PER_YEAR / (ms / MS_PER_WEEK);
  const daysPerYear = calendar === 'us_equity' ? US_EQUITY_TRADING_DAYS : CONTINUOUS_DAYS;
  if (ms % MS_PER_DAY === 0) return daysPerYear / (ms / MS_PER_DAY);
  if (calendar === 'continuous') return (CONTINUOUS_DAYS * MS_PER_DAY) / ms;
  const sessionMs = US_EQUITY_SESSION_MINUTES * MS_PER_MINUTE;
  if (ms >= sessionMs) return US_EQUITY_TRADING_DAYS;
  return (US_EQUITY_TRADING_DAYS * sessionMs) / ms;
}

/**
 * The annualization factor a run uses: the data's own bars a year with
 * `metrics.annualization: data` (set on the resolved workflow when it is loaded),
 * otherwise `barsPerYear` of the configured timeframe and calendar.
 */
export function runBarsPerYear(wf: {
  readonly config: { readonly data: { readonly timeframe: string; readonly calendar: TradingCalendar } };
  readonly dataBarsPerYear?: number | undefined;
}): number {
  return wf.dataBarsPerYear ?? barsPerYear(wf.config.data.timeframe, wf.config.data.calendar);
}
