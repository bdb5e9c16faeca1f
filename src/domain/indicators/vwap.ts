import { z } from 'zod';
import type { BarInput, Indicator } from './indicator.ts';
import { defineIndicator } from '../define.ts';

/** A bar that may carry its timestamp (BAR events do: `ts`, epoch milliseconds UTC). */
interface TimedBar extends BarInput {
  readonly ts?: number;
}

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/**
 * Session-anchored volume-weighted average price:
 * VWAP = Σ tp·volume / Σ volume over the bars of the current session, tp = (h + l + c)/3.
 *
 * Sessions: a new one starts at the first bar whose timestamp falls on another "day" than
 * the previous bar's, days running from `sessionStart` minutes past 00:00 UTC (0: the UTC
 * date, which suits US equities, whose regular session lies within one UTC date). The
 * timestamp is the `ts` of the BAR event the feature hub passes; a bar without `ts` never
 * starts a new session, so such a stream is anchored at its first bar.
 *
 * While the session has traded no volume (Σ volume = 0) the value is the bar's typical
 * price: there is nothing to weight yet, and a NaN mid-stream would read as "not warmed
 * up". Ready from the first bar. O(1).
 */
export class Vwap implements Indicator {
  private readonly offsetMs: number;
  private session = NaN;
  private pv = 0;
  private vol = 0;
  private current = NaN;

  /** @param sessionStart minutes past 00:00 UTC at which a session day begins (0..1439). */
  constructor(sessionStart = 0) {
    this.offsetMs = sessionStart * MINUTE_MS;
  }

  /** Feeds one bar. */
  update(bar: BarInput): void {
    const ts = (bar as TimedBar).ts;
    if (ts !== undefined) {
      const day = Math.floor((ts - this.offsetMs) / DAY_MS);
      if (day !== this.session) {
        this.session = day;
        this.pv = 0;
        this.vol = 0;
      }
    }
    const tp = (bar.high + bar.low + bar.close) / 3;
    this.pv += tp * bar.volume;
    this.vol += bar.volume;
    this.current = this.vol > 0 ? this.pv / this.vol : tp;
  }

  /** True once a bar has been seen. */
  get ready(): boolean {
    return !Number.isNaN(this.current);
  }

  /** The session VWAP; NaN before the first bar. */
  value(output = 0): number {
    return output === 0 ? this.current : NaN;
  }

  /** Forgets every bar seen. */
  reset(): void {
    this.session = NaN;
    this.pv = 0;
    this.vol = 0;
    this.current = NaN;
  }
}

const params = z.strictObject({ session_start: z.number().int().min(0).max(1439).default(0) });

/**
 * `vwap(session_start=0)`: session-anchored VWAP of the typical price. Output `value`;
 * warm-up 1 bar. Reads the bar (and its timestamp).
 */
export const vwap = defineIndicator({
  name: 'vwap',
  description:
    'Session VWAP of the typical price (h+l+c)/3; resets when the UTC date changes (shifted by `session_start` minutes).',
  params,
  outputs: ['value'],
  reads: 'bar',
  warmup: () => 1,
  create: (p) => new Vwap(p.session_start),
});
