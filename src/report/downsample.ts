/**
 * Thinning long series for display. A chart a thousand pixels wide cannot show 20,000
 * points, but it must not lose the one bar that made the maximum drawdown either: every
 * rule here keeps each bucket's extremes, so peaks, troughs and gaps survive however
 * far a series is thinned.
 */

/** A point of a display series: epoch seconds (what the chart library takes) and a value. */
export type Point = readonly [time: number, value: number];

/** One display candle: epoch seconds, open, high, low, close. */
export type Candle = readonly [time: number, open: number, high: number, low: number, close: number];

/**
 * At most about `maxPoints` points of `points` (sorted by time): the series is cut into
 * ⌈maxPoints / 2⌉ buckets of equal count and each bucket contributes its minimum and its
 * maximum, in time order (one point when they coincide). The first and last points are
 * always kept, so the series spans the same time range. A series already short enough is
 * returned as is.
 */
export function minMaxDownsample(points: readonly Point[], maxPoints: number): Point[] {
  if (maxPoints < 4) throw new RangeError(`maxPoints must be >= 4, received ${maxPoints}`);
  const n = points.length;
  if (n <= maxPoints) return points.slice();
  // Two points per bucket, and room for the first and last points kept as they are.
  const buckets = Math.floor((maxPoints - 2) / 2);
  const out: Point[] = [points[0]!];
  const inner = n - 2;
  for (let b = 0; b < buckets; b++) {
    const from = 1 + Math.floor((b * inner) / buckets);
    const to = 1 + Math.floor(((b + 1) * inner) / buckets);
    if (to <= from) continue;
    let lo = from;
    let hi = from;
    for (let i = from + 1; i < to; i++) {
      if (points[i]![1] < points[lo]![1]) lo = i;
      if (points[i]![1] > points[hi]![1]) hi = i;
    }
    if (lo === hi) out.push(points[lo]!);
    else if (lo < hi) out.push(points[lo]!, points[hi]!);
    else out.push(points[hi]!, points[lo]!);
  }
  out.push(points[n - 1]!);
  return out;
}

/**
 * At most `maxCandles` candles: consecutive bars merged into buckets of equal count, each
 * bucket a candle with the first open, the highest high, the lowest low and the last close
 * (the bucket's first time). High and low are extremes already, so nothing is lost from the
 * range; only the path inside a bucket is.
 */
export function mergeCandles(bars: readonly Candle[], maxCandles: number): Candle[] {
  if (maxCandles < 1) throw new RangeError(`maxCandles must be >= 1, received ${maxCandles}`);
  const n = bars.length;
  if (n <= maxCandles) return bars.slice();
  const size = Math.ceil(n / maxCandles);
  const out: Candle[] = [];
  for (let from = 0; from < n; from += size) {
    const first = bars[from]!;
    let high = first[2];
    let low = first[3];
    const to = Math.min(n, from + size);
    for (let i = from + 1; i < to; i++) {
      high = Math.max(high, bars[i]![2]);
      low = Math.min(low, bars[i]![3]);
    }
    out.push([first[0], first[1], high, low, bars[to - 1]![4]]);
  }
  return out;
}

/**
 * The time of the display candle that holds `time`: the last candle time ≤ `time` (the
 * first candle's when `time` precedes them all). Markers must sit on a drawn candle.
 */
export function snapToCandle(candleTimes: readonly number[], time: number): number {
  let lo = 0;
  let hi = candleTimes.length - 1;
  if (hi < 0) return time;
  if (time <= candleTimes[0]!) return candleTimes[0]!;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (candleTimes[mid]! <= time) lo = mid;
    else hi = mid - 1;
  }
  return candleTimes[lo]!;
}

/**
 * Series thinned onto one shared time grid, for charts that overlay several series: the
 * span [t0, t1] is cut into `buckets` equal time buckets and each series contributes, per
 * bucket it has points in, its minimum and maximum in time order, placed at the bucket's
 * start and middle. Equal times across series keep the chart's time axis even (an axis
 * built from the union of unrelated timestamps would stretch wherever one series is dense).
 *
 * Each series' first and last points are kept exactly, at their own times, and so are the
 * extremes of the buckets they fall in: a curve starts and ends on its real values (the
 * end of an equity curve is its total return), never on a bucket's minimum or maximum.
 */
export function onTimeGrid(series: readonly (readonly Point[])[], buckets: number): Point[][] {
  const all = series.flat();
  if (all.length === 0) return series.map(() => []);
  const t0 = Math.min(...series.filter((s) => s.length > 0).map((s) => s[0]![0]));
  const t1 = Math.max(...series.filter((s) => s.length > 0).map((s) => s[s.length - 1]![0]));
  const width = Math.max(1, (t1 - t0) / buckets);
  const bucketOf = (t: number): number => Math.min(buckets - 1, Math.floor((t - t0) / width));
  return series.map((points) => {
    const out: Point[] = [];
    if (points.length === 0) return out;
    const first = points[0]!;
    const last = points[points.length - 1]!;
    const firstBucket = bucketOf(first[0]);
    const lastBucket = bucketOf(last[0]);
    const push = (p: Point): void => {
      if (out.length === 0 || p[0] > out[out.length - 1]![0]) out.push(p);
    };
    let b = -1;
    let lo: Point | null = null;
    let hi: Point | null = null;
    const flush = (): void => {
      if (lo === null || hi === null) return;
      const [a, z] = lo[0] <= hi[0] ? [lo, hi] : [hi, lo];
      if (b === firstBucket || b === lastBucket) {
        // The end buckets keep real times, so the exact first and last points fit around them.
        if (b === firstBucket) push(first);
        push(a);
        push(z);
        if (b === lastBucket) push(last);
        return;
      }
      const start = Math.round(t0 + b * width);
      const mid = Math.round(t0 + (b + 0.5) * width);
      if (lo === hi) push([start, lo[1]]);
      else {
        push([start, a[1]]);
        push([mid > start ? mid : start + 1, z[1]]);
      }
    };
    for (const p of points) {
      const k = bucketOf(p[0]);
      if (k !== b) {
        flush();
        b = k;
        lo = p;
        hi = p;
      } else {
        if (p[1] < lo![1]) lo = p;
        if (p[1] > hi![1]) hi = p;
      }
    }
    flush();
    return out;
  });
}
