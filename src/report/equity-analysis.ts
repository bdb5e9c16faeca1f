/**
 * What a report derives from an equity curve: the underwater (drawdown) series and the
 * calendar-month returns. Both use the same definitions as `EquityStats`
 * (docs/metrics.md): the running peak starts at the initial equity, and a month's return
 * is its last equity over the previous month's last (the initial equity for the first).
 */

import type { Point } from './downsample.ts';

/** Equity at bar closes: epoch milliseconds and equity, in time order. */
export interface EquityCurve {
  readonly ts: readonly number[];
  readonly equity: readonly number[];
}

/** Drawdown at each point as a negative fraction (−0.1 = 10 % below the running peak), times in epoch seconds. */
export function drawdownSeries(curve: EquityCurve, initialEquity: number): Point[] {
  let peak = initialEquity;
  const out: Point[] = new Array<Point>(curve.ts.length);
  for (let i = 0; i < curve.ts.length; i++) {
    const e = curve.equity[i]!;
    if (e > peak) peak = e;
    out[i] = [curve.ts[i]! / 1000, peak > 0 ? e / peak - 1 : 0];
  }
  return out;
}

/** One calendar year of monthly returns: `months[0]` is January; null where the curve has no bar. */
export interface YearReturns {
  readonly year: number;
  readonly months: readonly (number | null)[];
  /** The year's compounded return over the months present. */
  readonly total: number;
}

/** Returns per UTC calendar month, grouped by year (oldest first). */
export function monthlyReturns(curve: EquityCurve, initialEquity: number): YearReturns[] {
  const years = new Map<number, (number | null)[]>();
  let previous = initialEquity;
  let currentKey = -1;
  let last = initialEquity;
  const close = (key: number): void => {
    const year = Math.floor(key / 12);
    const months = years.get(year) ?? new Array<number | null>(12).fill(null);
    months[key % 12] = previous > 0 ? last / previous - 1 : 0;
    years.set(year, months);
    previous = last;
  };
  for (let i = 0; i < curve.ts.length; i++) {
    const d = new Date(curve.ts[i]!);
    const key = d.getUTCFullYear() * 12 + d.getUTCMonth();
    if (key !== currentKey && currentKey !== -1) close(currentKey);
    currentKey = key;
    last = curve.equity[i]!;
  }
  if (currentKey !== -1) close(currentKey);
  return [...years.entries()].map(([year, months]) => ({
    year,
    months,
    total: months.reduce<number>((acc, r) => (r === null ? acc : acc * (1 + r)), 1) - 1,
  }));
}
