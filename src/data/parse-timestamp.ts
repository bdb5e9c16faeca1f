/**
 * Timestamp parsing for bar files, written against the character codes so that parsing a
 * row allocates nothing (no regex match arrays, no substrings, no `Date` objects).
 *
 * Accepted, all yielding epoch milliseconds UTC:
 * - ISO 8601 date-times with `T` or a space, minutes, optional seconds and fraction, and
 *   an optional zone `Z` / `±HH:MM` / `±HHMM` / `±HH`: `2024-03-26 13:30:00+00:00`,
 *   `2024-03-26T13:30:00Z`, `2024-03-26T09:30-04:00`. Without a zone the time is taken as
 *   UTC, never as the machine's local time, so a run gives the same bars on every machine.
 * - ISO dates `2006-01-02`: UTC midnight.
 * - Epoch numbers, unit told by magnitude (see {@link epochToMs}).
 *
 * This is the one rule for every time the engine reads, from a bar file, a feed message, a
 * config (`data.start`, `data.end`, window bounds) or a command-line flag: nothing is ever
 * read in the machine's local time zone. Times a user writes go through
 * {@link parseIsoTimestamp}, the same rule without epoch numbers.
 */

const DAY_MS = 86_400_000;
const CH_0 = 48;
const CH_9 = 57;
const CH_DASH = 45;
const CH_PLUS = 43;
const CH_COLON = 58;
const CH_DOT = 46;
const CH_COMMA = 44;
const CH_SPACE = 32;
const CH_T = 84;
const CH_t = 116;
const CH_Z = 90;
const CH_z = 122;

/**
 * Epoch number to milliseconds, telling the unit by magnitude: below 1e11 seconds (1e11 s
 * is the year 5138, while 1e11 ms is 1973, before any market data anyone backtests on),
 * below 1e14 milliseconds, below 1e17 microseconds, else nanoseconds.
 */
export function epochToMs(value: number): number {
  const a = Math.abs(value);
  if (a < 1e11) return value * 1000;
  if (a < 1e14) return value;
  if (a < 1e17) return value / 1e3;
  return value / 1e6;
}

/** Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's days_from_civil). */
export function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

export function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

/** Value of `n` digits at `s[i..i+n)`, or -1 when any of them is not a digit. */
function digits(s: string, i: number, n: number): number {
  let v = 0;
  for (let k = 0; k < n; k++) {
    const c = s.charCodeAt(i + k);
    if (c < CH_0 || c > CH_9) return -1; // NaN from charCodeAt past the end fails too
    v = v * 10 + (c - CH_0);
  }
  return v;
}

/**
 * Parses a timestamp field to epoch milliseconds UTC; NaN when it is none of the accepted
 * forms (the caller turns that into a `BAD_TIMESTAMP` error naming the file and row).
 */
export function parseTimestamp(s: string): number {
  let i = 0;
  let end = s.length;
  while (i < end && s.charCodeAt(i) <= CH_SPACE) i++;
  while (end > i && s.charCodeAt(end - 1) <= CH_SPACE) end--;
  if (i === end) return NaN;

  // `YYYY-` starts a calendar date; anything else must be an epoch number.
  if (end - i < 10 || s.charCodeAt(i + 4) !== CH_DASH || digits(s, i, 4) < 0) {
    const v = Number(s);
    return Number.isFinite(v) ? epochToMs(v) : NaN;
  }

  const y = digits(s, i, 4);
  const mo = digits(s, i + 5, 2);
  const d = digits(s, i + 8, 2);
  if (s.charCodeAt(i + 7) !== CH_DASH || mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return NaN;
  const dayMs = daysFromCivil(y, mo, d) * DAY_MS;
  let p = i + 10;
  if (p === end) return dayMs;

  const sep = s.charCodeAt(p);
  if (sep !== CH_T && sep !== CH_t && sep !== CH_SPACE) return NaN;
  const hh = digits(s, p + 1, 2);
  const mi = digits(s, p + 4, 2);
  if (hh < 0 || hh > 23 || s.charCodeAt(p + 3) !== CH_COLON || mi < 0 || mi > 59) return NaN;
  p += 6;
  let ss = 0;
  let frac = 0;
  if (p < end && s.charCodeAt(p) === CH_COLON) {
    ss = digits(s, p + 1, 2);
    if (ss < 0 || ss > 59) return NaN;
    p += 3;
    const dot = s.charCodeAt(p);
    if (p < end && (dot === CH_DOT || dot === CH_COMMA)) {
      p++;
      let scale = 0.1;
      const first = p;
      for (; p < end; p++) {
        const c = s.charCodeAt(p);
        if (c < CH_0 || c > CH_9) break;
        frac += (c - CH_0) * scale;
        scale /= 10;
      }
      if (p === first) return NaN;
    }
  }

  let offsetMin = 0;
  if (p < end) {
    const z = s.charCodeAt(p);
    if (z === CH_Z || z === CH_z) {
      p++;
    } else if (z === CH_PLUS || z === CH_DASH) {
      const oh = digits(s, p + 1, 2);
      if (oh < 0 || oh > 23) return NaN;
      p += 3;
      let om = 0;
      if (p < end) {
        if (s.charCodeAt(p) === CH_COLON) p++;
        om = digits(s, p, 2);
        if (om < 0 || om > 59) return NaN;
        p += 2;
      }
      offsetMin = (z === CH_PLUS ? 1 : -1) * (oh * 60 + om);
    } else {
      return NaN;
    }
  }
  if (p !== end) return NaN;
  // Round the fraction to whole microseconds so `.5` and `.500000` give the same number.
  const fracMs = Math.round(frac * 1e6) / 1e3;
  return dayMs + ((hh * 60 + mi - offsetMin) * 60 + ss) * 1000 + fracMs;
}

/**
 * A time a user writes (a config's `data.start`, a window bound): an ISO 8601 date or
 * date-time as {@link parseTimestamp} reads it, zone-less meaning UTC; NaN for anything
 * else, epoch numbers included (a bare `2024` is a mistake, not 33 minutes after 1970).
 * Never `Date.parse`, which reads a zone-less date-time in the machine's local zone.
 */
export function parseIsoTimestamp(s: string): number {
  let i = 0;
  while (i < s.length && s.charCodeAt(i) <= CH_SPACE) i++;
  if (s.length - i < 10 || digits(s, i, 4) < 0 || s.charCodeAt(i + 4) !== CH_DASH) return NaN;
  return parseTimestamp(s);
}
