import type { BarInput } from '../../../src/domain/indicators/indicator.ts';

/**
 * Naive reference computations shared by several indicator tests: each one either
 * recomputes its whole window at every bar or writes the textbook recursion out over
 * arrays. Slow and plain on purpose, so they share no code (and no trick) with the
 * incremental indicators they check. Series may start with NaNs (a derived series that
 * warms up); each reference starts at the first defined value.
 */

/** Index of the first non-NaN entry, -1 when none. */
export function firstDefined(xs: readonly number[]): number {
  return xs.findIndex((x) => !Number.isNaN(x));
}

/** Sum of xs[from..to] (inclusive), recomputed. */
export function sumOf(xs: readonly number[], from: number, to: number): number {
  let s = 0;
  for (let i = from; i <= to; i++) s += xs[i]!;
  return s;
}

/** SMA of the last p values at every bar (full window recomputed). */
export function naiveSma(xs: readonly number[], p: number): number[] {
  const start = firstDefined(xs);
  return xs.map((_, t) => (start < 0 || t - p + 1 < start ? NaN : sumOf(xs, t - p + 1, t) / p));
}

/** EMA, alpha 2/(p+1), seeded with the mean of the first p defined values. */
export function naiveEma(xs: readonly number[], p: number): number[] {
  return naiveSeededSmoothing(xs, p, 2 / (p + 1));
}

/** Wilder's smoothing (alpha 1/p), seeded with the mean of the first p defined values. */
export function naiveWilder(xs: readonly number[], p: number): number[] {
  return naiveSeededSmoothing(xs, p, 1 / p);
}

function naiveSeededSmoothing(xs: readonly number[], p: number, alpha: number): number[] {
  const out = xs.map(() => NaN);
  const start = firstDefined(xs);
  if (start < 0 || xs.length - start < p) return out;
  let e = sumOf(xs, start, start + p - 1) / p;
  out[start + p - 1] = e;
  for (let t = start + p; t < xs.length; t++) {
    e = e + alpha * (xs[t]! - e);
    out[t] = e;
  }
  return out;
}

/** Linearly weighted MA: weights 1..p, oldest to newest, full window recomputed. */
export function naiveWma(xs: readonly number[], p: number): number[] {
  const start = firstDefined(xs);
  return xs.map((_, t) => {
    if (start < 0 || t - p + 1 < start) return NaN;
    let num = 0;
    let den = 0;
    for (let k = 0; k < p; k++) {
      num += (k + 1) * xs[t - p + 1 + k]!;
      den += k + 1;
    }
    return num / den;
  });
}

/** Highest of xs[t-p+1..t], recomputed; NaN before the window is full. */
export function naiveMax(xs: readonly number[], p: number): number[] {
  return xs.map((_, t) => (t < p - 1 ? NaN : Math.max(...xs.slice(t - p + 1, t + 1))));
}

/** Lowest of xs[t-p+1..t], recomputed; NaN before the window is full. */
export function naiveMin(xs: readonly number[], p: number): number[] {
  return xs.map((_, t) => (t < p - 1 ? NaN : Math.min(...xs.slice(t - p + 1, t + 1))));
}

/**
 * True range per bar: the max of the three distances; on the first bar (no previous close)
 * NaN with `skip` (the default, TA-Lib and backtrader) or h - l with `high_low`.
 */
export function naiveTr(bars: readonly BarInput[], firstBar: 'skip' | 'high_low' = 'skip'): number[] {
  return bars.map((b, t) => {
    if (t === 0) return firstBar === 'skip' ? NaN : b.high - b.low;
    const pc = bars[t - 1]!.close;
    return Math.max(b.high - b.low, Math.abs(b.high - pc), Math.abs(b.low - pc));
  });
}

/** Wilder's RSI in its textbook batch form (means of the first p changes, then smoothing). */
export function naiveRsi(xs: readonly number[], p: number): number[] {
  const out = xs.map(() => NaN);
  const rsi = (g: number, l: number): number => (l === 0 ? (g === 0 ? 50 : 100) : 100 - 100 / (1 + g / l));
  if (xs.length <= p) return out;
  let g = 0;
  let l = 0;
  for (let t = 1; t <= p; t++) {
    const d = xs[t]! - xs[t - 1]!;
    g += Math.max(d, 0);
    l += Math.max(-d, 0);
  }
  g /= p;
  l /= p;
  out[p] = rsi(g, l);
  for (let t = p + 1; t < xs.length; t++) {
    const d = xs[t]! - xs[t - 1]!;
    g = (g * (p - 1) + Math.max(d, 0)) / p;
    l = (l * (p - 1) + Math.max(-d, 0)) / p;
    out[t] = rsi(g, l);
  }
  return out;
}

/** Copies `values` with NaN wherever `gate` is NaN: multi-output indicators show nothing until all outputs exist. */
export function gated(values: readonly number[], gate: readonly number[]): number[] {
  return values.map((v, t) => (Number.isNaN(gate[t]!) ? NaN : v));
}

/** A bar from its high, low, close (open = close) and volume. */
export function hlc(high: number, low: number, close: number, volume = 0): BarInput {
  return { open: close, high, low, close, volume };
}

// Wilder's ADX written out as in "New Concepts in Technical Trading Systems": one-bar DM
// and TR arrays from bar 1, first smoothed values as plain sums of the first n, then
// S - S/n + x; DX per bar; first ADX the mean of the first n DX, then Wilder smoothing.
export function naiveAdx(bars: readonly BarInput[], n: number): number[][] {
  const len = bars.length;
  const plusDm: number[] = [NaN];
  const minusDm: number[] = [NaN];
  const tr: number[] = [NaN];
  for (let t = 1; t < len; t++) {
    const b = bars[t]!;
    const p = bars[t - 1]!;
    const up = b.high - p.high;
    const down = p.low - b.low;
    plusDm.push(up > down && up > 0 ? up : 0);
    minusDm.push(down > up && down > 0 ? down : 0);
    tr.push(Math.max(b.high - b.low, Math.abs(b.high - p.close), Math.abs(b.low - p.close)));
  }
  const smooth = (xs: number[]): number[] => {
    const out = xs.map(() => NaN);
    let s = 0;
    for (let t = 1; t <= n; t++) s += xs[t]!;
    out[n] = s;
    for (let t = n + 1; t < len; t++) {
      s = s - s / n + xs[t]!;
      out[t] = s;
    }
    return out;
  };
  const sTr = smooth(tr);
  const sPlus = smooth(plusDm);
  const sMinus = smooth(minusDm);
  const pdi = sTr.map((x, t) => (x > 0 ? (100 * sPlus[t]!) / x : Number.isNaN(x) ? NaN : 0));
  const mdi = sTr.map((x, t) => (x > 0 ? (100 * sMinus[t]!) / x : Number.isNaN(x) ? NaN : 0));
  const dx = pdi.map((p, t) => {
    const sum = p + mdi[t]!;
    return sum > 0 ? (100 * Math.abs(p - mdi[t]!)) / sum : Number.isNaN(sum) ? NaN : 0;
  });
  const adx = dx.map(() => NaN);
  let a = 0;
  for (let t = n; t < 2 * n; t++) a += dx[t]!;
  a /= n;
  adx[2 * n - 1] = a;
  for (let t = 2 * n; t < len; t++) {
    a = (a * (n - 1) + dx[t]!) / n;
    adx[t] = a;
  }
  return [adx, gated(pdi, adx), gated(mdi, adx)];
}
