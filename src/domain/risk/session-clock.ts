/**
 * When a trading session ends, in a market's own time zone: the basis of `close_eod`.
 *
 * Bars carry UTC epoch-ms timestamps (the start of their interval); a session closes at a
 * wall-clock time in the exchange's zone (16:00 in America/New_York for US equities), so
 * its UTC instant moves with daylight saving. The zone offset is looked up once per UTC
 * date through Intl (slow, so cached), then the per-bar check is arithmetic.
 */

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;

/** Session close times of one market. */
export class SessionClock {
  private readonly minutes: number;
  private readonly offsets = new Map<number, number>();
  private readonly format: Intl.DateTimeFormat;

  /**
   * @param close wall-clock session close, "HH:MM" (24 h).
   * @param timeZone IANA zone of the exchange, e.g. "America/New_York".
   * @throws RangeError on a malformed time or an unknown zone.
   */
  constructor(
    readonly close: string,
    readonly timeZone: string,
  ) {
    const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(close);
    if (m === null) throw new RangeError(`session close must be HH:MM (24 h), got '${close}'`);
    this.minutes = Number(m[1]) * 60 + Number(m[2]);
    this.format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
    });
  }

  /**
   * UTC epoch ms of the session close on the local date of `ts`. The zone offset used is
   * the one in force at noon UTC of that date (DST switches happen at night).
   */
  sessionClose(ts: number): number {
    return this.localMidnight(ts) + this.minutes * MINUTE_MS;
  }

  /**
   * UTC epoch ms of 00:00 (wall clock in the zone) of the local date of `ts`, with the
   * zone offset of `sessionClose`: wall-clock times of that date are this plus their
   * minutes (higher-timeframe bars cut sessions this way).
   */
  localMidnight(ts: number): number {
    const offset = this.offsetAt(ts);
    return Math.floor((ts + offset) / DAY_MS) * DAY_MS - offset;
  }

  /**
   * True when the bar after the one starting at `ts` is the session's last: it ends at or
   * after the close, while this one ends before it. Assumes consecutive bars of `barMs`
   * (a gap in the data can hide a session's last bar; then the next rule that sees a bar
   * at or past the close flattens at the next open).
   */
  nextBarIsLast(ts: number, barMs: number): boolean {
    const close = this.sessionClose(ts);
    return ts + barMs < close && ts + 2 * barMs >= close;
  }

  /** True when the bar starting at `ts` ends at or after its session's close. */
  endsSession(ts: number, barMs: number): boolean {
    return ts + barMs >= this.sessionClose(ts);
  }

  /** Offset of the zone from UTC (local − UTC), ms, for the UTC date of `ts`. */
  private offsetAt(ts: number): number {
    const day = Math.floor(ts / DAY_MS);
    let offset = this.offsets.get(day);
    if (offset === undefined) {
      const noon = day * DAY_MS + DAY_MS / 2;
      const parts = this.format.formatToParts(new Date(noon));
      const get = (type: string): number => Number(parts.find((p) => p.type === type)!.value);
      const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'));
      offset = asUtc - noon;
      this.offsets.set(day, offset);
    }
    return offset;
  }
}
