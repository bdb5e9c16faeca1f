const DAY_MS = 86_400_000;

/**
 * How far apart a zone's offset changes are at the least, in days. The zones of the
 * calendars (America/New_York, UTC) change theirs twice a year at most, months apart; a
 * probe every STRIDE days that finds the same offset at both ends therefore proves it
 * constant in between (test/domain/metrics/zone-offsets.test.ts checks every day of
 * 1900–2100 against Intl for each calendar's zone).
 */
const STRIDE = 28;
/** Probes forward from a day, at most: a run is known up to STRIDE × this many days ahead. */
const MAX_STRIDES = 16;

/**
 * A time zone's offset from UTC (local − UTC, ms) at noon UTC of each UTC day, as runs of
 * days with one offset: Intl is asked about a day only every few weeks and around the
 * changes (about two dozen times a year), where asking it for every day cost a fifth of a
 * fused backtest (SessionCounter, docs/performance.md). `seek(day)` makes `from..to` (UTC
 * day numbers, inclusive) a run containing `day`, whose offset is `offset`: exactly what
 * `exact` gives for every day of it.
 */
export class ZoneOffsets {
  /** First and last UTC day of the current run (NaN before the first seek). */
  from = Number.NaN;
  to = Number.NaN;
  /** The offset throughout the run. */
  offset = 0;
  private readonly format: Intl.DateTimeFormat | undefined;

  /** @param zone an IANA zone name; 'UTC' never asks Intl. */
  constructor(zone: string) {
    this.format =
      zone === 'UTC'
        ? undefined
        : new Intl.DateTimeFormat('en-US', {
            timeZone: zone,
            hourCycle: 'h23',
            year: 'numeric',
            month: 'numeric',
            day: 'numeric',
            hour: 'numeric',
            minute: 'numeric',
          });
  }

  /** Moves the run to one containing `day`: it starts there and reaches as far ahead as the probes show. */
  seek(day: number): void {
    if (this.format === undefined) {
      this.from = Number.NEGATIVE_INFINITY;
      this.to = Number.POSITIVE_INFINITY;
      this.offset = 0;
      return;
    }
    const offset = this.exact(day);
    let same = day;
    let strides = 0;
    // Stride ahead while the offset holds; one change at most lies within a stride.
    while (strides < MAX_STRIDES && this.exact(same + STRIDE) === offset) {
      same += STRIDE;
      strides++;
    }
    if (strides < MAX_STRIDES) {
      // The change lies in (same, same + STRIDE]: find the last day before it.
      let hi = same + STRIDE;
      while (hi - same > 1) {
        const mid = same + Math.floor((hi - same) / 2);
        if (this.exact(mid) === offset) same = mid;
        else hi = mid;
      }
    }
    this.from = day;
    this.to = same;
    this.offset = offset;
  }

  /** The offset at noon UTC of `day`, asked of Intl. */
  exact(day: number): number {
    if (this.format === undefined) return 0;
    const noon = day * DAY_MS + DAY_MS / 2;
    const parts = this.format.formatToParts(new Date(noon));
    const get = (type: string): number => Number(parts.find((p) => p.type === type)!.value);
    return Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute')) - noon;
  }
}
