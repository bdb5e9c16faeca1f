import { daysFromCivil, daysInMonth, epochToMs } from './parse-timestamp.ts';

const DAY_MS = 86_400_000;
const CH_0 = 48;
const CH_DASH = 45;
const CH_PLUS = 43;
const CH_COLON = 58;
const CH_SPACE = 32;
const CH_T = 84;
const CH_t = 116;
const CH_Z = 90;
const CH_z = 122;

/** Value of the two digits at `buf[i]`, `buf[i + 1]`, or -1 when either is not a digit. */
function two(buf: Uint8Array, i: number): number {
  const a = (buf[i] as number) - CH_0;
  const b = (buf[i + 1] as number) - CH_0;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/**
 * The fast path of {@link parseTimestamp} over the UTF-8 bytes of a CSV field, for the
 * forms bar files use: `YYYY-MM-DD`, then optionally `T`/`t`/space and `HH:MM[:SS]`, then
 * optionally `Z`/`z`, `±HH:MM`, `±HHMM` or `±HH`; or an epoch integer of at most 15 digits.
 * Anything else (surrounding spaces, fractions of a second, a malformed value) gives NaN
 * and the caller decodes the field and asks {@link parseTimestamp}, which decides: NaN
 * here means "not mine", never "bad". Where it gives a number it is the one
 * `parseTimestamp` gives (a property test holds the two together).
 *
 * Consecutive bars mostly share a date, so the day's milliseconds are kept from the
 * previous row and the calendar arithmetic runs once a day.
 */
export class TimestampBytesParser {
  private lastDayKey = -1;
  private lastDayMs = 0;

  parse(buf: Uint8Array, start: number, end: number): number {
    if (end - start < 10 || buf[start + 4] !== CH_DASH) return this.epoch(buf, start, end);
    const century = two(buf, start);
    const yy = two(buf, start + 2);
    const y = century * 100 + yy;
    const mo = two(buf, start + 5);
    const d = two(buf, start + 8);
    if (century < 0 || yy < 0 || buf[start + 7] !== CH_DASH || mo < 1 || mo > 12 || d < 1) return NaN;
    const key = (y * 100 + mo) * 100 + d;
    let dayMs: number;
    if (key === this.lastDayKey) {
      dayMs = this.lastDayMs;
    } else {
      if (d > daysInMonth(y, mo)) return NaN;
      dayMs = daysFromCivil(y, mo, d) * DAY_MS;
      this.lastDayKey = key;
      this.lastDayMs = dayMs;
    }
    let p = start + 10;
    if (p === end) return dayMs;

    const sep = buf[p];
    if (sep !== CH_T && sep !== CH_t && sep !== CH_SPACE) return NaN;
    const hh = two(buf, p + 1);
    const mi = two(buf, p + 4);
    if (hh < 0 || hh > 23 || buf[p + 3] !== CH_COLON || mi < 0 || mi > 59 || p + 6 > end) return NaN;
    p += 6;
    let ss = 0;
    if (p < end && buf[p] === CH_COLON) {
      ss = two(buf, p + 1);
      if (ss < 0 || ss > 59 || p + 3 > end) return NaN;
      p += 3;
    }
    let offsetMin = 0;
    if (p < end) {
      const z = buf[p];
      if (z === CH_Z || z === CH_z) {
        p++;
      } else if (z === CH_PLUS || z === CH_DASH) {
        const oh = two(buf, p + 1);
        if (oh < 0 || oh > 23 || p + 3 > end) return NaN;
        p += 3;
        let om = 0;
        if (p < end) {
          if (buf[p] === CH_COLON) p++;
          om = two(buf, p);
          if (om < 0 || om > 59 || p + 2 > end) return NaN;
          p += 2;
        }
        offsetMin = (z === CH_PLUS ? 1 : -1) * (oh * 60 + om);
      } else {
        return NaN;
      }
    }
    if (p !== end) return NaN;
    return dayMs + ((hh * 60 + mi - offsetMin) * 60 + ss) * 1000;
  }

  /** An epoch integer (optionally negative), unit by magnitude; NaN for anything else. */
  private epoch(buf: Uint8Array, start: number, end: number): number {
    let i = start;
    const neg = buf[i] === CH_DASH;
    if (neg) i++;
    if (i === end || end - i > 15) return NaN;
    let v = 0;
    for (; i < end; i++) {
      const d = (buf[i] as number) - CH_0;
      if (d < 0 || d > 9) return NaN;
      v = v * 10 + d;
    }
    return epochToMs(neg ? -v : v);
  }
}
